import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { StoreContext } from './context.js';
import type { Tables } from './schema.js';

/** A person on the support team with a console account. */
export interface OperatorAccount {
  id: string;
  email: string;
  name: string;
  createdAt: number;
}

/** Operator accounts (the password hash never leaves this file but for verification). */
export function operators({ db, clock }: StoreContext) {
  const columns = ['id', 'email', 'name', 'created_at'] as const;
  const toAccount = (row: { id: string; email: string; name: string; created_at: number }) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.created_at,
  });

  /**
   * Runs `change` on one account and ends that account's console sessions in the same
   * transaction, so a changed password or a removed account signs everyone out at once.
   * @returns false when no account matched.
   */
  const signedOutAfter = (
    change: (trx: Transaction<Tables>) => Promise<{ id: string } | undefined>,
  ): Promise<boolean> =>
    db.transaction().execute(async (trx) => {
      const row = await change(trx);
      if (!row) return false;
      await trx.deleteFrom('operator_sessions').where('operator_id', '=', row.id).execute();
      return true;
    });

  return {
    /** @returns undefined when the email is taken. */
    async add(input: {
      email: string;
      name: string;
      passwordHash: string;
    }): Promise<OperatorAccount | undefined> {
      const id = `op_${randomBytes(9).toString('base64url')}`;
      const row = await db
        .insertInto('operators')
        .values({
          id,
          email: input.email.toLowerCase(),
          name: input.name,
          password_hash: input.passwordHash,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning(columns)
        .executeTakeFirst();
      return row && toAccount(row);
    },

    async list(): Promise<OperatorAccount[]> {
      const rows = await db.selectFrom('operators').select(columns).orderBy('email').execute();
      return rows.map(toAccount);
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('operators')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The account and its password hash, for signing in. */
    async credentials(
      email: string,
    ): Promise<(OperatorAccount & { passwordHash: string }) | undefined> {
      const row = await db
        .selectFrom('operators')
        .select([...columns, 'password_hash'])
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row && { ...toAccount(row), passwordHash: row.password_hash };
    },

    /** Sets a new password and signs the operator out everywhere. */
    async setPassword(email: string, passwordHash: string): Promise<boolean> {
      return signedOutAfter((trx) =>
        trx
          .updateTable('operators')
          .set({ password_hash: passwordHash })
          .where('email', '=', email.toLowerCase())
          .returning('id')
          .executeTakeFirst(),
      );
    },

    /** Removes the account and its sessions. */
    async remove(email: string): Promise<boolean> {
      return signedOutAfter((trx) =>
        trx
          .deleteFrom('operators')
          .where('email', '=', email.toLowerCase())
          .returning('id')
          .executeTakeFirst(),
      );
    },

    sessions: {
      async create(session: {
        tokenHash: string;
        operatorId: string;
        csrfToken: string;
      }): Promise<void> {
        const now = clock.now();
        await db
          .insertInto('operator_sessions')
          .values({
            token_hash: session.tokenHash,
            operator_id: session.operatorId,
            csrf_token: session.csrfToken,
            created_at: now,
            last_seen_at: now,
          })
          .execute();
      },

      /** The live session (used within `idleMs`) and its operator, marking it used now. */
      async use(
        tokenHash: string,
        idleMs: number,
      ): Promise<{ operator: OperatorAccount; csrfToken: string } | undefined> {
        const now = clock.now();
        const row = await db
          .selectFrom('operator_sessions')
          .innerJoin('operators', 'operators.id', 'operator_sessions.operator_id')
          .select([
            'operators.id',
            'operators.email',
            'operators.name',
            'operators.created_at',
            'operator_sessions.csrf_token',
            'operator_sessions.last_seen_at',
          ])
          .where('operator_sessions.token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (!row) return undefined;
        if (row.last_seen_at <= now - idleMs) {
          await db.deleteFrom('operator_sessions').where('token_hash', '=', tokenHash).execute();
          return undefined;
        }
        // Touch at most once a minute: a busy console polls, and each touch is a write.
        if (now - row.last_seen_at > 60_000) {
          await db
            .updateTable('operator_sessions')
            .set({ last_seen_at: now })
            .where('token_hash', '=', tokenHash)
            .execute();
        }
        return { operator: toAccount(row), csrfToken: row.csrf_token };
      },

      async end(tokenHash: string): Promise<void> {
        await db.deleteFrom('operator_sessions').where('token_hash', '=', tokenHash).execute();
      },
    },
  };
}

export type Operators = ReturnType<typeof operators>;

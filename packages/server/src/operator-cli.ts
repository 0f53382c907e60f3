import { createInterface } from 'node:readline';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './console/passwords.js';
import { ConfigError } from './errors.js';
import { openStore } from './store/store.js';

const USAGE = `Usage: npm run operator -- <command>
  add <email> --name "<name>"   create an account; the password is read from standard input
  list                          list accounts
  remove <email>                delete an account and sign it out
  reset-password <email>        set a new password (from standard input) and sign out everywhere`;

/** Reads one line from standard input: typed at a prompt, or piped (`echo pw | npm run operator …`). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write('Password (input is not hidden; pipe it to keep it off screen): ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.replace(/\r$/, '');
  }
  throw new ConfigError('No password on standard input.');
}

async function newPassword(): Promise<string> {
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  return hashPassword(password);
}

function emailArg(value: string | undefined): string {
  if (!value || !/^[^\s@]+@[^\s@]+$/.test(value))
    throw new ConfigError(`Give an email address.\n${USAGE}`);
  return value.toLowerCase();
}

/** `npm run operator -- …`: manages console accounts in the store `PARLEY_STORE` names. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig(process.env);
  const store = await openStore(config.store, {
    clock: systemClock,
    limits: {
      sessionTtlMs: config.sessionTtlMs,
      sessionMaxAgeMs: config.sessionMaxAgeMs,
      idempotencyTtlMs: config.sessionTtlMs,
    },
  });
  try {
    switch (command) {
      case 'add': {
        const email = emailArg(rest[0]);
        const nameAt = rest.indexOf('--name');
        const name = nameAt === -1 ? undefined : rest[nameAt + 1]?.trim();
        if (!name) throw new ConfigError(`Give the operator's name with --name.\n${USAGE}`);
        const added = await store.operators.add({
          email,
          name: name.slice(0, 80),
          passwordHash: await newPassword(),
        });
        if (!added) throw new ConfigError(`${email} already has an account (use reset-password).`);
        console.log(`Added ${added.name} <${added.email}>. They can sign in at /console.`);
        return;
      }
      case 'list': {
        const accounts = await store.operators.list();
        if (accounts.length === 0) console.log('No operator accounts yet.');
        for (const a of accounts)
          console.log(
            `${a.email}\t${a.name}\tsince ${new Date(a.createdAt).toISOString().slice(0, 10)}`,
          );
        return;
      }
      case 'remove': {
        const email = emailArg(rest[0]);
        if (!(await store.operators.remove(email)))
          throw new ConfigError(`No account for ${email}.`);
        console.log(`Removed ${email} and signed them out.`);
        return;
      }
      case 'reset-password': {
        const email = emailArg(rest[0]);
        if (!(await store.operators.setPassword(email, await newPassword()))) {
          throw new ConfigError(`No account for ${email}.`);
        }
        console.log(`New password set for ${email}; their sessions were signed out.`);
        return;
      }
      default:
        throw new ConfigError(USAGE);
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `Failed: ${(error as Error).message}`,
  );
  process.exit(1);
});

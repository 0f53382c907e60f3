import { type ConsoleSession, SignInRequest } from '@parley/shared';
import { type RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import type { Store } from '../store/store.js';
import type { ConsoleSessions } from './console-sessions.js';
import { UNUSABLE_HASH, verifyPassword } from './passwords.js';

export interface ConsoleAuthRoutesDeps {
  store: Pick<Store, 'operators'>;
  sessions: ConsoleSessions;
  logger: Logger;
  /** Failed sign-ins per address, and per account. */
  throttle: { perAddress: RequestHandler; perAccount: RequestHandler };
}

const WRONG = 'Wrong email or password';

/**
 * Signing in and out of the console (`/api/console/*`). A failed sign-in says only "wrong email or
 * password" (never which), costs the same time whether the account exists or not, and counts
 * towards two limits: per address and per account.
 */
export function consoleAuthRoutes(deps: ConsoleAuthRoutesDeps): Router {
  const router = Router();
  const { store, sessions } = deps;

  router.post(
    '/api/console/sign-in',
    deps.throttle.perAddress,
    deps.throttle.perAccount,
    async (req, res) => {
      sessions.refuseForeignOrigin(req);
      const { email, password } = parseInput(SignInRequest, req.body);
      const account = await store.operators.credentials(email);
      const valid = await verifyPassword(password, account?.passwordHash ?? UNUSABLE_HASH);
      if (!account || !valid) {
        res.locals.authFailed = true;
        deps.logger.warn({ signIn: 'failed' }, 'console sign-in failed');
        throw new HttpError('unauthorized', WRONG);
      }
      const { passwordHash: _hash, ...operator } = account;
      const csrfToken = await sessions.start(res, operator);
      deps.logger.info({ operator: operator.id }, 'console sign-in');
      const body: ConsoleSession = {
        operator: { id: operator.id, name: operator.name, email: operator.email },
        csrfToken,
      };
      res.setHeader('Cache-Control', 'no-store');
      res.json(body);
    },
  );

  router.get('/api/console/session', async (req, res) => {
    const session = await sessions.current(req);
    if (!session) throw new HttpError('unauthorized', 'Not signed in');
    const body: ConsoleSession = {
      operator: {
        id: session.operator.id,
        name: session.operator.name,
        email: session.operator.email,
      },
      csrfToken: session.csrfToken,
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.post('/api/console/sign-out', async (req, res) => {
    await sessions.end(req, res);
    res.status(204).end();
  });

  return router;
}

import { personName } from '@parley/shared';
import type { Request, RequestHandler, Response } from 'express';
import { bearerTokenMatches, countFailedGuess } from './bearer-token.js';
import { HttpError } from './errors.js';

/** Who is acting on the operator API: a signed-in operator, or an integration with the token. */
export interface OperatorPrincipal {
  /** `api` for token callers, else the operator's account id. */
  id: string;
  /** Shown to visitors next to replies. */
  name: string;
  kind: 'token' | 'operator';
}

/** Resolves a signed-in operator from the request (the console's session), if any. */
export type OperatorSessionResolver = (
  req: Request,
  res: Response,
) => Promise<OperatorPrincipal | undefined>;

/** The operator who made this request (set by {@link requireOperator}). */
export function operatorOf(res: Response): OperatorPrincipal {
  const principal = res.locals.operator as OperatorPrincipal | undefined;
  if (!principal) throw new Error('requireOperator must run first');
  return principal;
}

/** What a token caller may call itself (`name` in the body). */
const TOKEN_CALLER_NAME = personName(80);

/** The name token callers act under when they do not give one. */
export const DEFAULT_TOKEN_OPERATOR_NAME = 'Support team';

/**
 * Lets through requests from a signed-in operator (the console) or carrying
 * `Authorization: Bearer $PARLEY_ADMIN_TOKEN` (integrations). Anything else gets
 * `401 unauthorized` with `WWW-Authenticate: Bearer`, so an operator with a wrong token learns
 * that, rather than hunting for a missing route; the attempt is marked for the `authFailures`
 * rate limit. With neither a token nor operator accounts configured the API does not exist (404).
 *
 * @example
 * router.use('/api/operator', limits.authFailures, requireOperator({ token, sessions }));
 */
export function requireOperator(options: {
  token: string | undefined;
  sessions?: OperatorSessionResolver | undefined;
  /** Whether any operator account exists; without one (and without a token) there is no API. */
  accountsExist?: () => Promise<boolean>;
}): RequestHandler {
  const { token, sessions } = options;
  return async function requireOperatorMiddleware(req, res, next) {
    const enabled =
      token !== undefined ||
      (sessions !== undefined && (await (options.accountsExist?.() ?? true)));
    if (!enabled) {
      next(
        new HttpError('not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`),
      );
      return;
    }
    if (token !== undefined && bearerTokenMatches(req, token)) {
      // A name the visitor will read: only one that passes the same check as a join's.
      const name = TOKEN_CALLER_NAME.safeParse((req.body as { name?: unknown } | undefined)?.name);
      res.locals.operator = {
        id: 'api',
        name: name.success ? name.data : DEFAULT_TOKEN_OPERATOR_NAME,
        kind: 'token',
      } satisfies OperatorPrincipal;
      next();
      return;
    }
    const signedIn = sessions && !req.get('authorization') ? await sessions(req, res) : undefined;
    if (signedIn) {
      res.locals.operator = signedIn;
      next();
      return;
    }
    countFailedGuess(req, res);
    res.setHeader('WWW-Authenticate', 'Bearer realm="parley"');
    next(
      new HttpError(
        'unauthorized',
        'Sign in to the console, or send Authorization: Bearer <PARLEY_ADMIN_TOKEN>',
      ),
    );
  };
}

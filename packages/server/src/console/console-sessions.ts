import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { HttpError } from '../http/errors.js';
import type { OperatorPrincipal } from '../http/operator-auth.js';
import type { OperatorAccount } from '../store/operators.js';
import type { Store } from '../store/store.js';

/**
 * The console's session cookie: separate from visitors' (another name, `SameSite=Strict`, never
 * sent by a third-party page), `__Host-` so it is pinned to this host, HttpOnly.
 */
export const CONSOLE_COOKIE = '__Host-parley_console';
/** The header every change made from the console must carry: the session's CSRF token. */
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfFailed = () =>
  new HttpError('forbidden', 'This change did not come from the console (CSRF check failed)');

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

function sameToken(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

export interface ConsoleSessionsOptions {
  store: Pick<Store, 'operators'>;
  /** A session unused this long is gone. */
  idleMs: number;
  /** The server's own origin for a request (changes must come from it). */
  ownOrigin: (req: Request) => string;
}

/**
 * Console sign-in sessions: a random token in the cookie (only its hash is stored), a CSRF token
 * per session that every change must echo in `X-CSRF-Token`, changes refused from any other
 * origin, and idle expiry. Sign-out ends the session in the store.
 */
export function createConsoleSessions(options: ConsoleSessionsOptions) {
  const { store } = options;

  function tokenOf(req: Request): string | undefined {
    const header = req.get('cookie');
    const token = header ? parseCookies(header)[CONSOLE_COOKIE] : undefined;
    return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
  }

  function setCookie(res: Response, token: string | undefined): void {
    const options = { httpOnly: true, secure: true, sameSite: 'strict' as const, path: '/' };
    if (token) res.cookie(CONSOLE_COOKIE, token, options);
    else res.clearCookie(CONSOLE_COOKIE, options);
  }

  /** A change from anywhere but the console: another origin, or without the session's token. */
  function refuseForeignChange(req: Request, csrfToken: string): void {
    refuseForeignOrigin(req);
    const presented = req.get(CSRF_HEADER);
    if (!presented || !sameToken(presented, csrfToken)) throw csrfFailed();
  }

  /** An `Origin`, when the browser sends one, must be the server's own. */
  function refuseForeignOrigin(req: Request): void {
    const origin = req.get('origin');
    if (origin && origin !== options.ownOrigin(req)) throw csrfFailed();
  }

  // Accounts are added rarely and removed more rarely: a yes is kept, a no asked again after 5 s.
  let accounts: { exist: boolean; checkedAt: number } | undefined;

  return {
    /** Whether any operator account exists (the console, and its API, are enabled). */
    async accountsExist(): Promise<boolean> {
      if (accounts?.exist || (accounts && Date.now() - accounts.checkedAt < 5_000))
        return accounts.exist;
      accounts = { exist: (await store.operators.count()) > 0, checkedAt: Date.now() };
      return accounts.exist;
    },

    /** Starts a session for a signed-in operator; returns its CSRF token. */
    async start(res: Response, operator: OperatorAccount): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      await store.operators.sessions.create({
        tokenHash: hash(token),
        operatorId: operator.id,
        csrfToken,
      });
      setCookie(res, token);
      return csrfToken;
    },

    /** The signed-in operator and the session's CSRF token, or undefined. */
    async current(
      req: Request,
    ): Promise<{ operator: OperatorAccount; csrfToken: string } | undefined> {
      const token = tokenOf(req);
      return token ? store.operators.sessions.use(hash(token), options.idleMs) : undefined;
    },

    /**
     * Signs out: a change like any other, so it needs the session's CSRF token and the console's
     * origin (any page of the same site could otherwise sign an operator out). Without a live
     * session there is nothing to end, and the cookie is cleared.
     */
    async end(req: Request, res: Response): Promise<void> {
      const token = tokenOf(req);
      const session = token
        ? await store.operators.sessions.use(hash(token), options.idleMs)
        : undefined;
      if (token && session) {
        refuseForeignChange(req, session.csrfToken);
        await store.operators.sessions.end(hash(token));
      }
      setCookie(res, undefined);
    },

    /** Sign-in is refused from another origin (a page signing the operator into its account). */
    refuseForeignOrigin,

    /**
     * For the operator API: the signed-in operator, with CSRF checks on changes (the right
     * `X-CSRF-Token`, and an `Origin`, when sent, that is the server's own). A failed check is a
     * 403, not a sign-in failure.
     */
    async resolve(req: Request, _res: Response): Promise<OperatorPrincipal | undefined> {
      const token = tokenOf(req);
      if (!token) return undefined;
      const session = await store.operators.sessions.use(hash(token), options.idleMs);
      if (!session) return undefined;
      if (!SAFE_METHODS.has(req.method)) refuseForeignChange(req, session.csrfToken);
      return { id: session.operator.id, name: session.operator.name, kind: 'operator' };
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;

import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import { createSessionId, type TokenSigner } from '../sessions/tokens.js';
import type { ConversationRecord } from '../store/conversations.js';
import type { Store } from '../store/store.js';
import { HttpError } from './errors.js';

/**
 * The session cookie. `__Host-` pins it to this host, `Secure` + `Path=/`; `SameSite=None` and
 * `Partitioned` (CHIPS) let it work inside a third-party widget, where current Chromium drops
 * unpartitioned third-party cookies. Browsers treat http://localhost as secure, so it works in dev.
 */
export const SESSION_COOKIE = '__Host-parley_session';

/** The caller's session as resolved from the request; routes read it from `res.locals.session`. */
export interface VisitorSession {
  id: string;
  token: string;
  /** The session's conversation, as it was when the session was resolved. */
  conversation: ConversationRecord;
  /** True when this request created it (the stream then starts with a `session` event). */
  created: boolean;
}

export interface SessionIdentityOptions {
  signer: TokenSigner;
  store: Pick<Store, 'conversations'>;
  ttlMs: number;
  clock: Clock;
  /** Called when a session is created (metrics). */
  onCreated?: () => void;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The session a route resolved earlier in its chain (undefined when the caller has none). */
export function sessionOf(res: Response): VisitorSession | undefined {
  return res.locals.session as VisitorSession | undefined;
}

function invalidSession(): HttpError {
  return new HttpError(
    'session_invalid',
    'Your session has expired or is not valid; start a new conversation',
  );
}

/**
 * Resolves who is calling. Only the server issues session ids; the signed id travels as the
 * cookie or as `Authorization: Bearer`, and either is accepted. Credentials that are presented but
 * do not hold up are never ignored, adopted or replaced by a new session: a token that does not
 * verify, names an expired or deleted session, or an `Authorization` header that is empty or not
 * `Bearer <token>` all get 401 `session_invalid`.
 *
 * Routes use the middleware: `resolve` sets `res.locals.session` to the caller's session or leaves
 * it undefined, and `ensure` creates one when there is none. Whatever sits between the two (the
 * new-session rate limit) sees exactly the requests that are about to create a session.
 *
 * @example
 * router.post('/api/chat', identity.resolve, limits.ipSessions, identity.ensure, handler);
 */
export function createSessionIdentity(options: SessionIdentityOptions) {
  const { signer, store, ttlMs, clock } = options;

  function presentedToken(req: Request): { token: string; fromCookie: boolean } | undefined {
    const auth = req.get('authorization');
    if (auth !== undefined) {
      const token = BEARER.exec(auth)?.[1];
      if (!token) throw invalidSession();
      return { token, fromCookie: false };
    }
    const header = req.get('cookie');
    const cookie = header ? parseCookies(header)[SESSION_COOKIE] : undefined;
    return cookie === undefined ? undefined : { token: cookie, fromCookie: true };
  }

  function setCookie(res: Response, token: string, maxAge = ttlMs): void {
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partitioned: true,
      path: '/',
      maxAge,
    });
  }

  function clearCookie(res: Response): void {
    res.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partitioned: true,
      path: '/',
    });
  }

  /**
   * The existing session, undefined when the caller presents none; 401 when it presents a bad one.
   * A cookie is refreshed (sliding expiry): for the whole idle TTL on a request that sends a
   * message (`message`), to what is left of the session on any other (`remaining`, the
   * default), or not at all (`keep`).
   */
  async function find(
    req: Request,
    res: Response,
    options: { cookie?: 'message' | 'remaining' | 'keep' } = {},
  ): Promise<VisitorSession | undefined> {
    const presented = presentedToken(req);
    if (!presented) return undefined;
    const id = signer.verify(presented.token);
    const conversation = id === undefined ? undefined : await store.conversations.get(id);
    if (!id || !conversation) {
      if (presented.fromCookie) clearCookie(res);
      throw invalidSession();
    }
    // Sliding expiry: a message keeps the session alive for the idle TTL from now, and the
    // cookie says so; any other use refreshes the cookie to what is left of the session, never
    // longer than the server keeps it.
    const cookie = options.cookie ?? 'remaining';
    if (presented.fromCookie && cookie !== 'keep') {
      const left = conversation.lastSeenAt + ttlMs - clock.now();
      setCookie(res, presented.token, cookie === 'message' ? ttlMs : Math.max(left, 1_000));
    }
    return { id, token: presented.token, conversation, created: false };
  }

  /** Issues a new session: a fresh random id, its signed token, and the cookie. */
  async function create(res: Response): Promise<VisitorSession> {
    const id = createSessionId();
    const conversation = await store.conversations.create(id);
    options.onCreated?.();
    const token = signer.sign(id);
    setCookie(res, token);
    return { id, token, conversation, created: true };
  }

  /**
   * Makes an existing conversation this caller's session (a verified identity continuing on
   * another device): its signed token, and the cookie. Only for callers proven to own it.
   */
  function adopt(res: Response, conversationId: string): { id: string; token: string } {
    const token = signer.sign(conversationId);
    setCookie(res, token);
    return { id: conversationId, token };
  }

  async function destroy(req: Request, res: Response): Promise<boolean> {
    // Not refreshed first: the response must carry one Set-Cookie, the one that clears it.
    const session = await find(req, res, { cookie: 'keep' });
    clearCookie(res);
    if (!session) return false;
    await store.conversations.erase(session.id);
    return true;
  }

  const resolve: RequestHandler = async function resolveSession(req, res, next) {
    res.locals.session = await find(req, res);
    next();
  };

  /** {@link resolve} for a request that sends a message: the session lives on from now. */
  const resolveToWrite: RequestHandler = async function resolveSessionToWrite(req, res, next) {
    res.locals.session = await find(req, res, { cookie: 'message' });
    next();
  };

  const ensure: RequestHandler = async function ensureSession(_req, res, next) {
    res.locals.session ??= await create(res);
    next();
  };

  return { find, create, adopt, destroy, resolve, resolveToWrite, ensure };
}

export type SessionIdentity = ReturnType<typeof createSessionIdentity>;

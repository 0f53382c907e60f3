import type { Request, Response } from 'express';
import type { ParleyStore } from '../sessions/store.js';
import { createSessionId, type TokenSigner } from '../sessions/tokens.js';
import { HttpError } from './errors.js';

/**
 * The session cookie. `__Host-` pins it to this host, `Secure` + `Path=/`; `SameSite=None` and
 * `Partitioned` (CHIPS) let it work inside a third-party widget, where current Chromium drops
 * unpartitioned third-party cookies. Browsers treat http://localhost as secure, so it works in dev.
 */
export const SESSION_COOKIE = '__Host-parley_session';

/** The caller's session as resolved from the request. */
export interface VisitorSession {
  id: string;
  token: string;
  /** True when this request created it (the stream then starts with a `session` event). */
  created: boolean;
}

export interface SessionIdentityOptions {
  signer: TokenSigner;
  store: ParleyStore;
  ttlMs: number;
  /** Called when a session is created (metrics). */
  onCreated?: () => void;
}

/**
 * Resolves who is calling. Only the server issues session ids; the signed id travels as the
 * cookie or as `Authorization: Bearer`, and either is accepted. A presented token that does not
 * verify, or names an expired or deleted session, is never adopted: 401 `session_invalid`.
 */
export function createSessionIdentity(options: SessionIdentityOptions) {
  const { signer, store, ttlMs } = options;

  function presentedToken(req: Request): { token: string; fromCookie: boolean } | undefined {
    const auth = req.get('authorization');
    if (auth) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      return { token: match?.[1] ?? '', fromCookie: false };
    }
    const cookie = readCookie(req.get('cookie'), SESSION_COOKIE);
    return cookie === undefined ? undefined : { token: cookie, fromCookie: true };
  }

  function setCookie(res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partitioned: true,
      path: '/',
      maxAge: ttlMs,
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
   * A cookie is refreshed (sliding expiry) unless `refreshCookie` is false.
   */
  async function find(
    req: Request,
    res: Response,
    options: { refreshCookie?: boolean } = {},
  ): Promise<VisitorSession | undefined> {
    const presented = presentedToken(req);
    if (!presented) return undefined;
    const id = signer.verify(presented.token);
    const session = id === undefined ? undefined : await store.getSession(id);
    if (!id || !session) {
      if (presented.fromCookie) clearCookie(res);
      throw new HttpError(
        'session_invalid',
        'Your session has expired or is not valid; start a new conversation',
      );
    }
    // Sliding expiry: a cookie lives as long as the session's idle TTL from the last use.
    if (presented.fromCookie && options.refreshCookie !== false) setCookie(res, presented.token);
    return { id, token: presented.token, created: false };
  }

  /** The caller's session, created now (lazily, on the first message) when there is none. */
  async function findOrCreate(req: Request, res: Response): Promise<VisitorSession> {
    return (await find(req, res)) ?? create(res);
  }

  /** Issues a new session: a fresh random id, its signed token, and the cookie. */
  async function create(res: Response): Promise<VisitorSession> {
    const id = createSessionId();
    await store.createSession(id);
    options.onCreated?.();
    const token = signer.sign(id);
    setCookie(res, token);
    return { id, token, created: true };
  }

  async function destroy(req: Request, res: Response): Promise<boolean> {
    // Not refreshed first: the response must carry one Set-Cookie, the one that clears it.
    const session = await find(req, res, { refreshCookie: false });
    clearCookie(res);
    if (!session) return false;
    await store.deleteSession(session.id);
    return true;
  }

  return { find, findOrCreate, create, destroy };
}

export type SessionIdentity = ReturnType<typeof createSessionIdentity>;

/** Reads one cookie by name from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

import {
  assistantMessage,
  modelResponder,
  type RecordedModelCall,
  ScriptedModel,
  type ScriptedModelResponse,
} from '@openai/agents/testing';
import { SESSION_COOKIE } from '../../../src/http/session-identity.js';
import { type RawRequest, type RawResponse, send } from './http.js';
import { leaksIn } from './response-checks.js';

/**
 * A ScriptedModel that answers every call with `respond` (up to `calls` calls), counting calls
 * in `model.calls` like any ScriptedModel.
 */
export function respondingModel(
  respond: (call: RecordedModelCall) => ScriptedModelResponse = () => [assistantMessage('Sure.')],
  calls = 200,
): ScriptedModel {
  return new ScriptedModel(Array.from({ length: calls }, () => modelResponder(respond)));
}

export interface VisitOptions {
  /** Sent as `Authorization: Bearer`. */
  token?: string;
  /** The session cookie's value. */
  cookie?: string;
  /** Default: the server's own origin, as the demo page sends; `null` sends none. */
  origin?: string | null;
  accept?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The session id inside a token (`<id>.<mac>`). */
export function sessionIdOf(token: string): string {
  return token.split('.')[0] ?? '';
}

/**
 * Talks to one server like a visitor (or an attacker) would, over real HTTP, and keeps every
 * response so a test can assert that none of them leaked internals.
 */
export function visitor(baseUrl: string) {
  const own = new URL(baseUrl).origin;
  const seen: { request: string; leaks: string[] }[] = [];

  function headersFor(options: VisitOptions, body: boolean): Record<string, string> {
    const origin = options.origin === undefined ? own : options.origin;
    return {
      ...(body ? { 'content-type': options.contentType ?? 'application/json' } : {}),
      ...(origin === null ? {} : { origin }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.cookie === undefined ? {} : { cookie: `${SESSION_COOKIE}=${options.cookie}` }),
      ...(options.accept === undefined ? {} : { accept: options.accept }),
      ...options.headers,
    };
  }

  async function request(raw: RawRequest): Promise<RawResponse> {
    const response = await send(baseUrl, raw);
    const headerText = Object.entries(response.headers)
      .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
      .join('\n');
    const leaks = [
      ...leaksIn(headerText),
      ...(response.status >= 400 ? leaksIn(response.body) : []),
    ];
    if (response.headers['x-powered-by'] !== undefined) leaks.push('x-powered-by');
    seen.push({ request: `${raw.method} ${raw.path}`, leaks });
    return response;
  }

  return {
    own,
    /** Every response so far, with whatever internals each leaked (normally nothing). */
    seen,
    request,
    chat(body: unknown, options: VisitOptions = {}): Promise<RawResponse> {
      return request({
        method: 'POST',
        path: '/api/chat',
        headers: headersFor(options, true),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    history(options: VisitOptions = {}): Promise<RawResponse> {
      return request({
        method: 'GET',
        path: '/api/chat/history',
        headers: headersFor(options, false),
      });
    },
    erase(options: VisitOptions = {}): Promise<RawResponse> {
      return request({
        method: 'DELETE',
        path: '/api/chat/session',
        headers: headersFor(options, false),
      });
    },
    feedback(body: unknown, options: VisitOptions = {}): Promise<RawResponse> {
      return request({
        method: 'POST',
        path: '/api/chat/feedback',
        headers: headersFor(options, true),
        body: JSON.stringify(body),
      });
    },
    get(path: string, options: VisitOptions = {}): Promise<RawResponse> {
      return request({
        method: 'GET',
        path,
        headers: headersFor({ origin: null, ...options }, false),
      });
    },
  };
}

export type Visitor = ReturnType<typeof visitor>;

/** The JSON body of a response (an `ErrorBody` or a reply). */
export function jsonOf<T = { error?: { code: string; message: string } }>(
  response: RawResponse,
): T {
  return JSON.parse(response.body) as T;
}

/** The `Set-Cookie` headers of a response, joined. */
export function setCookieOf(response: RawResponse): string {
  return (response.headers['set-cookie'] ?? []).join('\n');
}

/** Whether the response only clears the session cookie (never sets a value). */
export function onlyClearsCookie(response: RawResponse): boolean {
  const cookies = response.headers['set-cookie'] ?? [];
  return cookies.every(
    (cookie) => cookie.startsWith(`${SESSION_COOKIE}=;`) && /Expires=Thu, 01 Jan 1970/.test(cookie),
  );
}

import {
  assistantMessage,
  modelResponder,
  type RecordedModelCall,
  ScriptedModel,
  type ScriptedModelResponse,
} from '@openai/agents/testing';
import { SESSION_COOKIE, type Store } from '@parley/server';
import {
  createVisitor,
  type RawRequest,
  type RawResponse,
  type Visitor,
} from '@parley/testkit/chat-client';
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

/** The session id inside a token (`<id>.<mac>`). */
export function sessionIdOf(token: string): string {
  return token.split('.')[0] ?? '';
}

/** What one response leaked, by request. */
export interface Seen {
  request: string;
  leaks: string[];
}

/**
 * A visitor of `baseUrl` whose every response is checked for leaked internals (stack frames,
 * paths, error class names, `X-Powered-By`) into `seen`.
 */
export function leakCheckedVisitor(baseUrl: string, seen: Seen[]): Visitor {
  return createVisitor(baseUrl, {
    cookieName: SESSION_COOKIE,
    onResponse: (request: RawRequest, response: RawResponse) => {
      const headerText = Object.entries(response.headers)
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
        .join('\n');
      const leaks = [
        ...leaksIn(headerText),
        ...(response.status >= 400 ? leaksIn(response.body) : []),
      ];
      if (response.headers['x-powered-by'] !== undefined) leaks.push('x-powered-by');
      seen.push({ request: `${request.method} ${request.path}`, leaks });
    },
  });
}

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

/** How many conversations (visitor sessions) the store holds. */
export async function conversationCount(store: Store): Promise<number> {
  const row = await store.context.db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

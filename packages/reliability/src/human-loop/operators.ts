import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Message, OperatorConversation, OperatorConversationList } from '@parley/shared';
import { ALWAYS_OPEN, writeConfigFile } from '@parley/testkit/config-files';

/**
 * The operator's side of the human-loop suites: the environment that turns the operator API on
 * with support always open, and a client for that API as integrations call it (the admin token).
 */

/** One admin token for every instance this process starts, as a deployment shares one. */
export const ADMIN_TOKEN = randomBytes(24).toString('hex');

/**
 * PARLEY_ADMIN_TOKEN and a PARLEY_CONFIG file with business hours that are always open, so a
 * visitor asking for a person waits for one whatever the time of day. `cleanup` deletes the file.
 */
export function humanLoopEnv(config: Record<string, unknown> = {}): {
  env: Record<string, string>;
  cleanup(): void;
} {
  const file = writeConfigFile({ hours: ALWAYS_OPEN, ...config });
  return {
    env: { PARLEY_ADMIN_TOKEN: ADMIN_TOKEN, PARLEY_CONFIG: file },
    cleanup: () => rmSync(path.dirname(file), { recursive: true, force: true }),
  };
}

export interface OperatorCall<T> {
  status: number;
  body: T;
  /** When the request was sent (`performance.now()`). */
  sentAt: number;
}

/**
 * The operator HTTP API of one instance, with the admin token. Never throws on an HTTP status;
 * a network failure comes back as status 0.
 *
 * @example
 * const ops = operatorApi(b.url);
 * await ops.join(id, 'Dana');
 * await ops.reply(id, 'Hello', 'Dana');
 */
export function operatorApi(baseUrl: string) {
  const call = async <T>(route: string, init: RequestInit = {}): Promise<OperatorCall<T>> => {
    const sentAt = performance.now();
    try {
      const response = await fetch(`${baseUrl}/api/operator${route}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${ADMIN_TOKEN}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, sentAt };
    } catch {
      return { status: 0, body: undefined as T, sentAt };
    }
  };
  const post = <T>(route: string, body: unknown) =>
    call<T>(route, { method: 'POST', body: JSON.stringify(body) });
  return {
    baseUrl,
    list: (query = '') => call<OperatorConversationList>(`/conversations${query}`),
    get: (id: string) => call<OperatorConversation>(`/conversations/${id}`),
    join: (id: string, name: string) => post(`/conversations/${id}/join`, { name }),
    reply: (id: string, text: string, name: string) =>
      post<Message>(`/conversations/${id}/messages`, { text, name }),
    release: (id: string) => post(`/conversations/${id}/release`, {}),
  };
}

export type OperatorApi = ReturnType<typeof operatorApi>;

/** Every conversation id listed with `status`, following `nextCursor` to the last page. */
export async function listAll(
  api: OperatorApi,
  status: string,
): Promise<{ ids: string[]; statuses: number[] }> {
  const ids: string[] = [];
  const statuses: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.list(
      `?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    statuses.push(page.status);
    if (page.status !== 200) break;
    ids.push(...page.body.items.map((item) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return { ids, statuses };
}

/** The visitor tag (`[v017-…]` → `v017`) of a conversation's first visitor message. */
export async function visitorOf(api: OperatorApi, id: string): Promise<string | undefined> {
  const detail = await api.get(id);
  const first = detail.body?.messages?.find((m) => m.role === 'user');
  return /\[(v\d{3})\b/.exec(first?.text ?? '')?.[1];
}

/** One change an operator's live inbox (`GET /api/operator/events`) announced. */
export interface InboxChange {
  conversation: string;
  change: string;
  at: number;
}

/**
 * An operator console's live inbox on one instance: every `inbox` event, until `stop()`. A small
 * SSE reader of its own, since the visitor-side parser only knows the visitor's events.
 */
export function followInbox(baseUrl: string) {
  const changes: InboxChange[] = [];
  const hangUp = new AbortController();
  let opened = false;
  const reading = (async () => {
    const response = await fetch(`${baseUrl}/api/operator/events`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, Accept: 'text/event-stream' },
      signal: hangUp.signal,
    });
    opened = response.status === 200;
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      const frames = buffer.split('\n\n');
      buffer = frames.pop() ?? '';
      for (const frame of frames) {
        const lines = frame.split('\n');
        const event = lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (event !== 'inbox' || !data) continue;
        const parsed = JSON.parse(data) as { conversation: string; change: string };
        changes.push({ ...parsed, at: performance.now() });
      }
    }
  })().catch(() => {
    // Hung up by `stop()`, or the instance went away; what arrived is kept.
  });
  return {
    changes,
    opened: () => opened,
    async stop() {
      hangUp.abort();
      await reading;
    },
  };
}

import type { FakeResponder, RecordedRequest } from '@parley/testkit/fake-openai';

/**
 * Reading what the fake OpenAI server was sent, on either API: the visitor messages in a model
 * request, and tool calls whose partner is missing (which a real provider rejects with a 400).
 */
type Item = Record<string, unknown>;

function itemsOf(request: RecordedRequest): Item[] {
  const body = request.body as { input?: unknown; messages?: unknown } | undefined;
  const items = request.api === 'chat_completions' ? body?.messages : body?.input;
  if (typeof items === 'string') return [{ role: 'user', content: items }];
  return Array.isArray(items) ? (items as Item[]) : [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (typeof (part as Item).text === 'string' ? String((part as Item).text) : ''))
    .join('');
}

/** Every visitor message in a model request, oldest first. */
export function userTexts(request: RecordedRequest): string[] {
  return itemsOf(request)
    .filter((item) => item.role === 'user')
    .map((item) => textOf(item.content));
}

/**
 * Call ids in a model request that lack their partner: a call without its output, or an output
 * without its call. Empty for a consistent history.
 */
export function orphanCallIds(request: RecordedRequest): string[] {
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const item of itemsOf(request)) {
    if (item.type === 'function_call' && typeof item.call_id === 'string') calls.add(item.call_id);
    if (item.type === 'function_call_output' && typeof item.call_id === 'string')
      outputs.add(item.call_id);
    if (item.role === 'assistant' && Array.isArray(item.tool_calls)) {
      for (const call of item.tool_calls as Item[])
        if (typeof call.id === 'string') calls.add(call.id);
    }
    if (item.role === 'tool' && typeof item.tool_call_id === 'string')
      outputs.add(item.tool_call_id);
  }
  return [
    ...[...calls].filter((id) => !outputs.has(id)),
    ...[...outputs].filter((id) => !calls.has(id)),
  ];
}

/** The tag a reliability visitor puts in each message, e.g. `[v017-t3]`. */
export function visitorTag(visitor: number, turn: number): string {
  return `[v${String(visitor).padStart(3, '0')}-t${turn}]`;
}

const TAG = /\[(v\d{3})-t(\d+)\]/;

/** The visitor part of every tag in a text (`v017`), in order. */
export function visitorsIn(text: string): string[] {
  return [...text.matchAll(new RegExp(TAG, 'g'))].map((m) => m[1] ?? '');
}

/**
 * A responder that answers each request with the tag of its latest visitor message, and counts
 * requests whose history mixes visitors (cross-talk at the model) in `mixed`.
 */
export function echoTagResponder(options: { deltas?: number } = {}): {
  responder: FakeResponder;
  stats: { requests: number; mixed: number };
} {
  const stats = { requests: 0, mixed: 0 };
  const responder: FakeResponder = (request) => {
    stats.requests++;
    const said = userTexts(request);
    const visitors = new Set(said.flatMap(visitorsIn));
    if (visitors.size > 1) stats.mixed++;
    const tag = TAG.exec(said.at(-1) ?? '')?.[0] ?? '[none]';
    return {
      kind: 'text',
      text: `Answer for ${tag}: we have noted your question and here is what to do next.`,
      ...(options.deltas ? { deltas: options.deltas } : {}),
    };
  };
  return { responder, stats };
}

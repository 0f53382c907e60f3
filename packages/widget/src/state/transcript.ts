import type { Message, ParsedSseEvent, StreamEvent } from '@parley/shared';
import { type Cell, cell } from './cell';
import { type ChatMessage, fromStored, randomId } from './message';

/** One bubble; each has its own cell so a streaming answer re-renders only itself. */
export type MessageCell = Cell<ChatMessage>;

/** A stream position: `[seq, n]` for the event id `"seq.n"`, `[seq, 0]` for `"seq"`. */
type Position = readonly [number, number];

const parsePosition = (id: string): Position | undefined => {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(id);
  return match ? [+(match[1] as string), +(match[2] ?? 0)] : undefined;
};
const isAfter = (a: Position, b: Position) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** Live events change only an answer that is still being written (or that lost its stream). */
const LIVE_PHASES = new Set(['sending', 'waiting', 'streaming', 'failed']);

/**
 * The conversation as bubbles, and how far into the conversation's event stream the widget is.
 * Both streams (the answer to `POST /api/chat` and `GET /api/chat/events`) are folded in here, in
 * whatever order they arrive: every event with an id is applied once, because ids are positions
 * in one log and only an event past the furthest position seen is new.
 *
 * - `message`: a stored question (ours, which it then binds to its bubble, or another tab's) or
 *   an operator's message;
 * - `delta` / `tool` / `handoff` with id `"<base>.<n>"`: the answer to the question at `base`,
 *   in the bubble waiting for it, or a new one (an answer that was streaming before a reload);
 * - `done`: the stored answer; its text replaces what streamed.
 */
export function createTranscript(onArrived: (message: MessageCell) => void) {
  const messages = cell<readonly MessageCell[]>([]);
  let at: Position = [0, 0];

  const all = () => messages.peek();
  const push = (...cells: MessageCell[]) => {
    messages.value = [...all(), ...cells];
  };
  const patch = (target: MessageCell, changes: Partial<ChatMessage>) => {
    target.value = { ...target.peek(), ...changes };
  };
  const bySeq = (seq: number) => all().find((c) => c.peek().seq === seq);

  /** The bubble for the answer to the question at `base`, made when none waits for it. */
  function answerTo(base: number): MessageCell {
    let target = all().find((c) => c.peek().role === 'assistant' && c.peek().base === base);
    if (!target) {
      target = cell<ChatMessage>({
        id: randomId(),
        role: 'assistant',
        text: '',
        phase: 'waiting',
        base,
      });
      push(target);
    }
    return target;
  }

  /**
   * A stored question or operator message. `running` is the answer being asked for now; `own`
   * says the event came on that turn's own stream, where a question can only be its own.
   */
  function stored(message: Message, running: MessageCell | undefined, own: boolean): void {
    if (bySeq(message.seq)) return;
    const question =
      running && all().find((c) => c.peek().id === running.peek().request?.clientMessageId);
    // Ours: the question of the running turn (a retry stores it again, at a later position).
    if (
      question &&
      running &&
      message.role === 'user' &&
      (own || question.peek().text === message.text) &&
      (running.peek().base ?? -1) < message.seq
    ) {
      patch(question, { seq: message.seq });
      patch(running, { base: message.seq });
      return;
    }
    const added = cell(fromStored(message));
    push(added);
    if (message.role === 'operator') onArrived(added);
  }

  function answered(message: Message): void {
    if (bySeq(message.seq)) return;
    const open = all().findLast((c) => {
      const { role, seq, base } = c.peek();
      return role === 'assistant' && seq === undefined && base !== undefined && base < message.seq;
    });
    const done = fromStored(message);
    if (open) {
      const before = open.peek();
      open.value = { ...before, ...done, id: before.id, handoff: done.handoff ?? before.handoff };
    }
    const target = open ?? cell(done);
    if (!open) push(target);
    onArrived(target);
  }

  return {
    messages,
    push,
    remove(target: MessageCell) {
      messages.value = all().filter((c) => c !== target);
    },
    /** The id to resume the event stream after: the furthest position seen. */
    position: () => (at[1] ? `${at[0]}.${at[1]}` : String(at[0])),
    /**
     * Folds one event in. `running` is the answer the visitor is waiting for, if any: events
     * without an id (a replayed answer's text) belong to it. `own`: the event came on the stream
     * of that answer's `POST /api/chat`.
     */
    apply({ event, id }: ParsedSseEvent, running?: MessageCell, own = false): void {
      const position = id === undefined ? undefined : parsePosition(id);
      if (position) {
        if (!isAfter(position, at)) return;
        at = position;
      }
      if (event.event === 'message') stored(event.data, running, own);
      else if (event.event === 'done') answered(event.data);
      else if (event.event === 'delta' || event.event === 'tool' || event.event === 'handoff') {
        const target = position ? answerTo(position[0]) : running;
        if (target && LIVE_PHASES.has(target.peek().phase))
          target.value = applyLive(target.peek(), event);
      }
    },
    /**
     * Adds a page of history in front of what is shown. The latest page may overlap messages
     * that already arrived live; only those before them are added.
     */
    addPage(page: readonly Message[]): void {
      const live = all()
        .map((c) => c.peek().seq)
        .filter((seq) => seq !== undefined);
      const limit = Math.min(...live);
      const older = page.filter((m) => m.seq < limit);
      messages.value = [...older.map((m) => cell(fromStored(m, true))), ...all()];
      const newest = older.at(-1)?.seq;
      if (newest !== undefined && isAfter([newest, 0], at)) at = [newest, 0];
    },
    clear(): void {
      messages.value = [];
      at = [0, 0];
    },
  };
}

/** A live event of the answer being written, folded into its bubble. */
function applyLive(message: ChatMessage, event: StreamEvent): ChatMessage {
  const next: ChatMessage = {
    ...message,
    phase: message.text ? 'streaming' : 'waiting',
    failure: undefined,
  };
  if (event.event === 'delta') {
    // Text arriving means any tool has finished, even if its `done` event never came.
    return { ...next, phase: 'streaming', text: message.text + event.data.text, tool: undefined };
  }
  if (event.event === 'tool')
    return { ...next, tool: event.data.status === 'started' ? event.data.name : undefined };
  return event.event === 'handoff' ? { ...next, handoff: event.data.agent } : message;
}

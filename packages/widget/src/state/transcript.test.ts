import type { ParsedSseEvent } from '@parley/shared';
import { describe, expect, it, vi } from 'vitest';
import { type Frame, stored, storedFrame } from '../../test/fake-fetch';
import { cell } from './cell';
import type { ChatMessage } from './message';
import { createTranscript, type MessageCell } from './transcript';

const parsed = ({ id, ...event }: Frame): ParsedSseEvent => ({ event, id }) as ParsedSseEvent;

/** A transcript with one question asked here and its pending answer, as `send` leaves it. */
function asking(question = 'How do I reset?') {
  const arrived: ChatMessage[] = [];
  const transcript = createTranscript((message) => arrived.push(message.peek()));
  const asked = cell<ChatMessage>({ id: 'q1', role: 'user', text: question, phase: 'done' });
  const reply: MessageCell = cell<ChatMessage>({
    id: 'r1',
    role: 'assistant',
    text: '',
    phase: 'waiting',
    request: { message: question, clientMessageId: 'q1', idempotencyKey: 'k' },
  });
  transcript.push(asked, reply);
  const apply = (frame: Frame, own = true) => transcript.apply(parsed(frame), reply, own);
  const texts = () => transcript.messages.peek().map((m) => `${m.peek().role}:${m.peek().text}`);
  return { transcript, asked, reply, arrived, apply, texts };
}

describe('createTranscript', () => {
  it('binds the stored question to its bubble and streams the answer into the reply', () => {
    const { transcript, asked, reply, apply, arrived } = asking();
    apply(storedFrame(stored('user', 'How do I reset?', { seq: 4 })));
    expect(asked.peek().seq).toBe(4);
    expect(reply.peek().base).toBe(4);

    apply({ event: 'tool', data: { name: 'search_knowledge_base', status: 'started' }, id: '4.1' });
    expect(reply.peek()).toMatchObject({ phase: 'waiting', tool: 'search_knowledge_base' });
    apply({ event: 'delta', data: { text: 'Open ' }, id: '4.2' });
    apply({ event: 'delta', data: { text: 'Settings' }, id: '4.3' });
    expect(reply.peek()).toMatchObject({
      phase: 'streaming',
      text: 'Open Settings',
      tool: undefined,
    });
    expect(transcript.position()).toBe('4.3');

    const answer = stored('assistant', 'Open **Settings**.', {
      seq: 5,
      ticketId: 'T-1',
      citations: [{ title: 'Reset', url: '/kb' }],
    });
    apply(storedFrame(answer));
    // The stored text replaces what streamed: it is what history will return.
    expect(reply.peek()).toMatchObject({
      id: 'r1',
      phase: 'done',
      text: 'Open **Settings**.',
      seq: 5,
      messageId: answer.id,
      ticketId: 'T-1',
      citations: [{ title: 'Reset', url: '/kb' }],
    });
    expect(arrived).toEqual([reply.peek()]);
    expect(transcript.position()).toBe('5');
    expect(transcript.messages.peek()).toHaveLength(2);
  });

  it('applies each event once, whichever stream brings it first', () => {
    const { transcript, reply, apply, texts } = asking('Q');
    const question = storedFrame(stored('user', 'Q', { seq: 7 }));
    const frames: Frame[] = [
      question,
      { event: 'delta', data: { text: 'A' }, id: '7.1' },
      { event: 'delta', data: { text: 'B' }, id: '7.2' },
    ];
    // The event stream is ahead of the answer's own stream, then both send everything.
    apply(frames[0]!, false);
    apply(frames[1]!, false);
    for (const frame of frames) apply(frame);
    apply(frames[2]!, false);
    apply({ event: 'delta', data: { text: 'C' }, id: '7.3' });
    expect(reply.peek().text).toBe('ABC');
    const done = storedFrame(stored('assistant', 'ABC', { seq: 8 }));
    apply(done, false);
    apply(done);
    expect(texts()).toEqual(['user:Q', 'assistant:ABC']);
    expect(transcript.position()).toBe('8');
  });

  it('matches its own question on the event stream by text, before its own stream says so', () => {
    const { asked, apply, texts } = asking('Mine');
    apply(storedFrame(stored('user', 'Someone else', { seq: 2 })), false);
    apply(storedFrame(stored('user', 'Mine', { seq: 3 })), false);
    expect(asked.peek().seq).toBe(3);
    expect(texts()).toEqual(['user:Mine', 'assistant:', 'user:Someone else']);
  });

  it('binds a retried question stored again at a later position', () => {
    const { reply, apply } = asking('Q');
    apply(storedFrame(stored('user', 'Q', { seq: 1 })));
    apply(storedFrame(stored('user', 'Q', { seq: 3 })));
    expect(reply.peek().base).toBe(3);
    apply({ event: 'delta', data: { text: 'x' }, id: '3.1' });
    expect(reply.peek().text).toBe('x');
  });

  it('gives a replayed answer without ids to the running reply', () => {
    const { reply, apply } = asking('Q');
    apply(storedFrame(stored('user', 'Q', { seq: 1 })));
    apply({ event: 'delta', data: { text: 'Whole answer' } });
    apply(storedFrame(stored('assistant', 'Whole answer', { seq: 2 })));
    expect(reply.peek()).toMatchObject({ phase: 'done', text: 'Whole answer' });
  });

  it('makes a bubble for an answer nobody here waits for (one streaming before a reload)', () => {
    const arrived = vi.fn();
    const transcript = createTranscript(arrived);
    transcript.addPage([stored('user', 'Asked before the reload', { seq: 1 })]);
    transcript.apply(parsed({ event: 'delta', data: { text: 'Half' }, id: '1.4' }));
    transcript.apply(parsed({ event: 'delta', data: { text: ' and half' }, id: '1.5' }));
    const [, answer] = transcript.messages.peek();
    expect(answer?.peek()).toMatchObject({ role: 'assistant', base: 1, text: 'Half and half' });
    transcript.apply(parsed(storedFrame(stored('assistant', 'Half and half.', { seq: 2 }))));
    expect(answer?.peek()).toMatchObject({ phase: 'done', text: 'Half and half.' });
    expect(arrived).toHaveBeenCalledOnce();
  });

  it('adds operator messages with their author, once, and tells about them', () => {
    const arrived = vi.fn();
    const transcript = createTranscript(arrived);
    const reply = stored('operator', 'Hi, I am Dana.', { author: { name: 'Dana' } });
    transcript.apply(parsed(storedFrame(reply)));
    transcript.apply(parsed({ ...storedFrame(reply), id: undefined }));
    expect(transcript.messages.peek().map((m) => m.peek())).toEqual([
      expect.objectContaining({ role: 'operator', author: 'Dana', text: 'Hi, I am Dana.' }),
    ]);
    expect(arrived).toHaveBeenCalledOnce();
  });

  it('leaves a stopped answer alone, but takes the stored answer when it comes', () => {
    const { reply, apply } = asking('Q');
    apply(storedFrame(stored('user', 'Q', { seq: 1 })));
    apply({ event: 'delta', data: { text: 'Part' }, id: '1.1' });
    reply.value = { ...reply.peek(), phase: 'stopped' };
    apply({ event: 'delta', data: { text: ' more' }, id: '1.2' });
    expect(reply.peek()).toMatchObject({ phase: 'stopped', text: 'Part' });
  });

  it('puts history pages in front, older ones first, without repeating what arrived live', () => {
    const transcript = createTranscript(vi.fn());
    transcript.apply(parsed(storedFrame(stored('operator', 'live', { seq: 12 }))));
    transcript.addPage([
      stored('user', 'ten', { seq: 10 }),
      stored('assistant', 'eleven', { seq: 11 }),
      stored('operator', 'live', { seq: 12 }),
    ]);
    transcript.addPage([stored('user', 'nine', { seq: 9 })]);
    expect(transcript.messages.peek().map((m) => [m.peek().text, m.peek().past])).toEqual([
      ['nine', true],
      ['ten', true],
      ['eleven', true],
      ['live', false],
    ]);
    expect(transcript.position()).toBe('12');
  });

  it('starts the stream after the newest message of the first page', () => {
    const transcript = createTranscript(vi.fn());
    expect(transcript.position()).toBe('0');
    transcript.addPage([stored('user', 'a', { seq: 20 }), stored('assistant', 'b', { seq: 21 })]);
    expect(transcript.position()).toBe('21');
    transcript.clear();
    expect(transcript.position()).toBe('0');
    expect(transcript.messages.peek()).toEqual([]);
  });
});

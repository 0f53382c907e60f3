import { startTestApp, type TestApp } from '@parley/testkit/app';
import { deltasOf, doneOf, streamChat, tokenOf } from '@parley/testkit/chat-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitIntoDeltas } from './offline-answer.js';

/** The offline model end to end: real Runner, tools, sample knowledge base, store and HTTP. */
describe('the offline model on the sample knowledge base', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers "How do I reset my password?" from the password article and cites it first', async () => {
    const chat = await streamChat(app.baseUrl, 'How do I reset my password?');
    const done = doneOf(chat)!;
    expect(done.toolsUsed).toEqual(['search_knowledge_base']);
    expect(done.citations?.[0]?.url).toMatch(/password/);
    expect(done.text).toContain(done.citations?.[0]?.url);
    expect(chat.events.filter((e) => e.event === 'delta').length).toBeGreaterThan(3);
    expect(deltasOf(chat)).toBe(done.text);
  });

  it('tells business hours with the hours tool', async () => {
    const done = doneOf(await streamChat(app.baseUrl, 'What are your business hours?'))!;
    expect(done.toolsUsed).toEqual(['get_business_hours']);
    expect(done.text).toMatch(/America\/New_York|New York|ET|EST|EDT/);
    expect(done.text).toMatch(/open|closed/i);
  });

  it('hands billing questions to the billing specialist, which still searches and cites', async () => {
    const chat = await streamChat(app.baseUrl, 'Where do I download my invoice?');
    expect(chat.events).toContainEqual({ event: 'handoff', data: { agent: 'Billing' } });
    const done = doneOf(chat)!;
    expect(done.toolsUsed).toContain('search_knowledge_base');
    expect(done.citations?.[0]?.url).toMatch(/invoice/);
  });

  it('opens a ticket when the visitor asks for one, and says so', async () => {
    const message = 'Please open a ticket about my broken lock';
    const chat = await streamChat(app.baseUrl, message);
    const done = doneOf(chat)!;
    expect(done.toolsUsed).toEqual(['create_support_ticket']);
    expect(done.ticketId).toMatch(/^T-/);
    expect(done.text).toContain(done.ticketId);
    const ticket = await app.store.tickets.get(done.ticketId!);
    expect(ticket?.description).toBe(message);
  });

  it('asks a person to join when the visitor wants a human, and the stream says so', async () => {
    const chat = await streamChat(app.baseUrl, 'I want to talk to a human about my broken lock');
    const done = doneOf(chat)!;
    expect(done.toolsUsed).toEqual(['request_human']);
    // The test clock is a Tuesday afternoon in New York: support is open, so the visitor waits.
    expect(chat.events).toContainEqual({
      event: 'status',
      data: expect.objectContaining({ status: 'waiting' }),
    });
  });

  it('says honestly when nothing relevant is found and offers a person', async () => {
    const chat = await streamChat(app.baseUrl, 'zxqv plorb');
    expect(doneOf(chat)?.citations).toEqual([]);
    expect(doneOf(chat)?.text).toMatch(/couldn't find.*person/s);
    expect(tokenOf(chat)).toBeDefined();
  });
});

describe('splitIntoDeltas', () => {
  it('splits into pieces that join back to the text exactly', () => {
    const text = 'Reset it from **Settings → Security**.\n\nThen sign in again.';
    const pieces = splitIntoDeltas(text, 3);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(text);
  });
});

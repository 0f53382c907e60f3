import { describe, expect, it } from 'vitest';
import { HistoryMessage, HistoryResponse } from './history.js';

const userMessage = {
  id: 'msg_1',
  role: 'user',
  content: 'How do I reset my password?',
  createdAt: '2025-01-02T03:04:05.000Z',
};

const assistantMessage = {
  id: 'msg_2',
  role: 'assistant',
  content: 'Open Settings, then Security.',
  createdAt: '2025-01-02T03:04:07.000Z',
  toolsUsed: ['search_help_center', 'open_ticket'],
  citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
  ticketId: 'T-1',
};

describe('HistoryMessage', () => {
  it.each([
    { label: 'a user message', input: userMessage },
    { label: 'an assistant message with tools, citations and a ticket', input: assistantMessage },
    {
      label: 'an assistant message with empty tool and citation lists',
      input: { ...assistantMessage, toolsUsed: [], citations: [], ticketId: undefined },
    },
    { label: 'empty content', input: { ...userMessage, content: '' } },
  ])('accepts $label', ({ input }) => {
    expect(HistoryMessage.safeParse(input).success).toBe(true);
  });

  it.each([
    { label: 'a system message', input: { ...userMessage, role: 'system' } },
    { label: 'a tool message', input: { ...userMessage, role: 'tool' } },
    { label: 'a missing role', input: { ...userMessage, role: undefined } },
    { label: 'a missing id', input: { ...userMessage, id: undefined } },
    { label: 'a missing content', input: { ...userMessage, content: undefined } },
    { label: 'a missing createdAt', input: { ...userMessage, createdAt: undefined } },
    { label: 'a numeric timestamp', input: { ...userMessage, createdAt: 1735786800000 } },
    { label: 'toolsUsed as a string', input: { ...assistantMessage, toolsUsed: 'search' } },
    { label: 'a malformed citation', input: { ...assistantMessage, citations: [{ url: '/x' }] } },
    { label: 'a numeric ticket id', input: { ...assistantMessage, ticketId: 7 } },
  ])('rejects $label', ({ input }) => {
    expect(HistoryMessage.safeParse(input).success).toBe(false);
  });
});

describe('HistoryResponse', () => {
  it.each([
    { label: 'an empty transcript', input: { messages: [] } },
    { label: 'a conversation, oldest first', input: { messages: [userMessage, assistantMessage] } },
  ])('accepts $label', ({ input }) => {
    expect(HistoryResponse.parse(input)).toStrictEqual(input);
  });

  it('keeps the order of the messages', () => {
    const parsed = HistoryResponse.parse({ messages: [assistantMessage, userMessage] });
    expect(parsed.messages.map((m) => m.id)).toStrictEqual(['msg_2', 'msg_1']);
  });

  it.each([
    { label: 'a missing message list', input: {} },
    { label: 'null messages', input: { messages: null } },
    { label: 'a single message instead of a list', input: { messages: userMessage } },
    {
      label: 'one invalid message among valid ones',
      input: { messages: [userMessage, { ...assistantMessage, role: 'system' }] },
    },
    { label: 'a bare array', input: [userMessage] },
  ])('rejects $label', ({ input }) => {
    expect(HistoryResponse.safeParse(input).success).toBe(false);
  });
});

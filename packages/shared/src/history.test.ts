import { describe, expect, expectTypeOf, it } from 'vitest';
import { answer, operatorReply, question } from '../test/messages.js';
import { parseWith } from './check.js';
import { ChatReply, HistoryResponse } from './history.js';
import type { ConversationState, Message } from './messages.js';

const conversation = { status: 'bot', contactKnown: false };

describe('HistoryResponse', () => {
  it.each([
    { label: 'a conversation without messages', input: { messages: [], conversation } },
    {
      label: 'a page of messages, oldest first, with the cursor to the page before',
      input: { messages: [question, answer, operatorReply], conversation, before: '1' },
    },
    {
      label: 'a conversation a person has taken over',
      input: {
        messages: [question, operatorReply],
        conversation: { status: 'human', operator: { name: 'Sam' }, contactKnown: true },
      },
    },
  ])('accepts $label as is', ({ input }) => {
    expect(parseWith(HistoryResponse, input)).toStrictEqual(input);
  });

  it('keeps the order the server sent', () => {
    const parsed = parseWith(HistoryResponse, {
      messages: [operatorReply, question, answer],
      conversation,
    });
    expect(parsed?.messages.map((m) => m.id)).toStrictEqual(['msg_3', 'msg_1', 'msg_2']);
  });

  it('leaves out `before` on the first page of the conversation', () => {
    const parsed = parseWith(HistoryResponse, { messages: [question], conversation });
    expect(parsed).not.toHaveProperty('before');
  });

  it('drops the messages it cannot read and shows the rest, as a newer server may send new kinds', () => {
    const parsed = parseWith(HistoryResponse, {
      messages: [
        question,
        { ...answer, role: 'system' },
        { id: 'msg_x', kind: 'poll', options: ['a', 'b'] },
        null,
        'msg_4',
        answer,
        { ...answer, seq: Number.NaN },
        operatorReply,
      ],
      conversation,
    });
    expect(parsed?.messages).toStrictEqual([question, answer, operatorReply]);
  });

  it('drops fields it does not know, from the page and from every message', () => {
    const parsed = parseWith(HistoryResponse, {
      messages: [{ ...question, reactions: ['👍'] }],
      conversation: { ...conversation, queuePosition: 3 },
      before: '1',
      total: 57,
    });
    expect(parsed).toStrictEqual({ messages: [question], conversation, before: '1' });
  });

  it.each([
    { label: 'a missing message list', input: { conversation } },
    { label: 'null messages', input: { messages: null, conversation } },
    { label: 'a single message instead of a list', input: { messages: question, conversation } },
    { label: 'a missing conversation', input: { messages: [question] } },
    {
      label: 'an unknown conversation status',
      input: { messages: [], conversation: { ...conversation, status: 'asleep' } },
    },
    { label: 'a numeric cursor', input: { messages: [], conversation, before: 1 } },
    { label: 'a null cursor', input: { messages: [], conversation, before: null } },
    { label: 'a bare array of messages', input: [question] },
    {
      label: 'the old shape without a conversation',
      input: { messages: [{ ...question, text: undefined, content: 'Hi' }] },
    },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(HistoryResponse, input)).toBeUndefined();
  });

  it('has the type of its check', () => {
    expectTypeOf<HistoryResponse>().toEqualTypeOf<{
      messages: Message[];
      conversation: ConversationState;
      before?: string;
    }>();
  });
});

describe('ChatReply', () => {
  const reply = { sessionToken: 'tok', question, answer, conversation };

  it.each([
    { label: 'the stored question with its answer', input: reply },
    {
      label: 'an answer that opened a ticket',
      input: { ...reply, answer: { ...answer, ticketId: 'T-1' } },
    },
    {
      label: 'no answer, because a person handles the conversation',
      input: {
        sessionToken: 'tok',
        question,
        conversation: { status: 'human', operator: { name: 'Sam' }, contactKnown: true },
      },
    },
    {
      label: 'no answer while a person is being asked for',
      input: {
        sessionToken: 'tok',
        question,
        conversation: { status: 'waiting', waitMinutes: 4, contactKnown: false },
      },
    },
  ])('accepts $label as is', ({ input }) => {
    expect(parseWith(ChatReply, input)).toStrictEqual(input);
  });

  it('leaves out an answer sent as undefined', () => {
    expect(parseWith(ChatReply, { ...reply, answer: undefined })).not.toHaveProperty('answer');
  });

  it.each([
    { label: 'a missing session token', input: { ...reply, sessionToken: undefined } },
    { label: 'a numeric session token', input: { ...reply, sessionToken: 1 } },
    { label: 'a missing question', input: { ...reply, question: undefined } },
    { label: 'a malformed question', input: { ...reply, question: { ...question, seq: '1' } } },
    { label: 'a null answer', input: { ...reply, answer: null } },
    {
      label: 'a malformed answer',
      input: { ...reply, answer: { ...answer, citations: [{ title: 'x' }] } },
    },
    { label: 'a missing conversation', input: { ...reply, conversation: undefined } },
    {
      label: 'the old flat shape',
      input: {
        messageId: 'msg_2',
        reply: 'Open Settings.',
        toolsUsed: [],
        citations: [],
        sessionToken: 'tok',
      },
    },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(ChatReply, input)).toBeUndefined();
  });

  it('has the type of its check', () => {
    expectTypeOf<ChatReply>().toEqualTypeOf<{
      sessionToken: string;
      question: Message;
      answer?: Message;
      conversation: ConversationState;
    }>();
  });
});

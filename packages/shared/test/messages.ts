/**
 * One exchange as the server stores and sends it — the visitor's question, the assistant's
 * answer (tools, a citation, a ticket) and an operator's reply — for the contract tests of
 * messages and of the responses that carry them.
 */
export const question = {
  id: 'msg_1',
  seq: 1,
  role: 'user',
  text: 'How do I reset my password?',
  createdAt: '2026-01-06T15:00:00.000Z',
};

export const answer = {
  id: 'msg_2',
  seq: 2,
  role: 'assistant',
  text: 'Open **Settings**, then **Security**.',
  createdAt: '2026-01-06T15:00:02.000Z',
  toolsUsed: ['search_knowledge_base', 'open_ticket'],
  citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
  ticketId: 'T-1',
};

export const operatorReply = {
  id: 'msg_3',
  seq: 3,
  role: 'operator',
  text: 'Hi, Sam here. I have reset it for you.',
  createdAt: '2026-01-06T15:04:00.000Z',
  author: { name: 'Sam' },
};

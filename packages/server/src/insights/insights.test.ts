import { ManualClock } from '@parley/server';
import type { Insights } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { afterEach, describe, expect, it } from 'vitest';
import { groupUnanswered } from './insights.js';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
/** Monday 5 January 2026, 09:00 UTC: the seeded week is Monday to Sunday. */
const MONDAY = Date.UTC(2026, 0, 5, 9);
const DAY = 86_400_000;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * A week with known answers: 10 conversations, 3 of which asked for a person (deflection 0.7,
 * escalation 0.3); first replies after 60, 120 and 600 s (median 120 s); 4 thumbs up and 1 down
 * (CSAT 0.8); 2 tickets, 1 solved; three visitors asked about a "warranty claim for a cracked
 * screen" in different words and got no citation, one question got a thumbs-down.
 */
async function seed(app: TestApp, clock: ManualClock) {
  const { store } = app;
  let n = 0;
  const conversation = async (day: number, question: string, cited: boolean) => {
    clock.set(MONDAY + day * DAY + n * 1000);
    const id = `seed-session-${n++}`;
    await store.conversations.create(id);
    await store.log.append(id, { role: 'user', text: question });
    const answer = await store.log.append(id, {
      role: 'assistant',
      text: 'An answer.',
      citations: cited ? [{ title: 'Warranty', url: 'https://help.example/warranty' }] : [],
    });
    return { id, answer };
  };
  const escalate = async (id: string, replyAfterS: number) => {
    await store.conversations.changeStatus(id, { to: 'waiting', from: ['bot'] });
    clock.advance(replyAfterS * 1000);
    await store.conversations.changeStatus(id, {
      to: 'human',
      from: ['waiting'],
      operator: { id: 'op', name: 'Dana' },
    });
    await store.conversations.markOperatorReplied(id);
  };
  const cited = [];
  for (let i = 0; i < 6; i++)
    cited.push(await conversation(i % 5, `How long is the warranty ${i}?`, true));
  const a = await conversation(1, 'How do I claim warranty for a cracked screen?', false);
  const b = await conversation(2, 'Warranty claim for my cracked screen please', false);
  const c = await conversation(3, 'cracked screen warranty claim', false);
  const d = await conversation(4, 'Can I pay with cryptocurrency?', true);
  await escalate(a.id, 60);
  await escalate(b.id, 120);
  await escalate(c.id, 600);
  for (const { id, answer } of cited.slice(0, 4))
    await store.feedback.save(id, { messageId: answer.id, rating: 'up' });
  await store.feedback.save(d.id, { messageId: d.answer.id, rating: 'down' });
  clock.set(MONDAY + 2 * DAY);
  for (const id of ['T-AAAAAAAA', 'T-BBBBBBBB']) {
    await store.tickets.create(a.id, {
      id,
      conversation: 'c_seed',
      subject: 's',
      description: 'd',
      priority: 'low',
      createdAt: new Date(clock.now()).toISOString(),
      transcript: [],
    });
  }
  await store.tickets.update('T-AAAAAAAA', { status: 'solved' });
}

describe('GET /api/operator/insights', () => {
  it('reports the seeded week exactly', async () => {
    const clock = new ManualClock(MONDAY);
    app = await startTestApp({ clock, env: { PARLEY_ADMIN_TOKEN: ADMIN } });
    await seed(app, clock);
    clock.set(MONDAY + 6 * DAY);
    const response = await fetch(`${app.baseUrl}/api/operator/insights?days=7`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    const insights = (await response.json()) as Insights;
    expect(insights.totals).toMatchObject({
      conversations: 10,
      deflectionRate: 0.7,
      escalationRate: 0.3,
      csat: 0.8,
      ratings: 5,
      medianFirstReplySeconds: 120,
      ticketsOpened: 2,
      ticketsSolved: 1,
    });
    expect(insights.days).toHaveLength(7);
    expect(insights.days[0]).toMatchObject({ start: '2026-01-05', conversations: 2 });
    expect(insights.weeks).toHaveLength(1);
    expect(insights.weeks[0]?.conversations).toBe(10);
    expect(insights.unanswered[0]).toMatchObject({ count: 3, reasons: ['no_citation'] });
    expect(insights.unanswered[0]?.examples).toHaveLength(2);
    expect(insights.unanswered[1]).toMatchObject({
      text: 'Can I pay with cryptocurrency?',
      reasons: ['thumbs_down'],
    });
  });
});

describe('groupUnanswered', () => {
  it('groups wordings of one question and keeps different questions apart', () => {
    const groups = groupUnanswered([
      { text: 'How do I cancel my subscription?', reason: 'no_citation' },
      { text: 'cancel subscription', reason: 'thumbs_down' },
      { text: 'Do you ship to Norway?', reason: 'no_citation' },
    ]);
    expect(groups.map((g) => g.count)).toEqual([2, 1]);
    expect(groups[0]?.reasons).toEqual(['no_citation', 'thumbs_down']);
  });
});

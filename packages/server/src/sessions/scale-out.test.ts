import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assistantMessage, ScriptedModel } from '@openai/agents/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { doneOf, getHistory, streamChat, tokenOf } from '../test-support/chat-client.js';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '../test-support/redis.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import type { StoreLimits } from './store.js';
import { RedisStore } from './stores/redis-store.js';
import { SqliteStore } from './stores/sqlite-store.js';

const limits: StoreLimits = {
  sessionTtlMs: 3_600_000,
  sessionMaxAgeMs: 86_400_000,
  idempotencyTtlMs: 3_600_000,
};
const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** The model remembers what it was told: it answers with every user message it was given. */
function echoModel(): ScriptedModel {
  const model = new ScriptedModel();
  const answer = () => {
    const input = model.lastCall?.request.input;
    const said = Array.isArray(input)
      ? input.flatMap((item) =>
          'role' in item && item.role === 'user' && typeof item.content === 'string'
            ? [item.content]
            : [],
        )
      : [String(input)];
    return [assistantMessage(`I have heard: ${said.join(', ')}`)];
  };
  for (let i = 0; i < 10; i++) model.enqueue({ type: 'responder', respond: answer });
  return model;
}

describe('SQLite keeps conversations across a restart', () => {
  it('serves turn 1 from the first process and continues it in the second', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'parley-restart-')), 'parley.db');
    const clock = new ManualClock();
    const first = new SqliteStore({ path: file, clock, limits });
    const before = await startTestApp({ store: first, clock, model: echoModel() });
    const token = tokenOf(await streamChat(before.baseUrl, 'my order is late'))!;
    await before.close();
    await first.close();

    const second = new SqliteStore({ path: file, clock, limits });
    const after = await startTestApp({ store: second, clock, model: echoModel() });
    apps.push(after);
    const chat = await streamChat(after.baseUrl, 'any news?', { token });
    expect(doneOf(chat)?.text).toBe('I have heard: my order is late, any news?');
    expect((await getHistory(after.baseUrl, { token })).body.messages).toHaveLength(4);
    await second.close();
  });
});

await describeWithRedis('two instances sharing Redis', () => {
  it('continues one conversation across instances: turn 1 on A, turn 2 on B sees turn 1', async () => {
    const keyPrefix = `parley-test:${randomUUID()}:`;
    const clock = new ManualClock();
    const storeA = new RedisStore({ url: redisTestUrl, clock, limits, keyPrefix });
    const storeB = new RedisStore({ url: redisTestUrl, clock, limits, keyPrefix });
    await Promise.all([storeA.ready(), storeB.ready()]);
    const a = await startTestApp({ store: storeA, clock, model: echoModel() });
    const b = await startTestApp({ store: storeB, clock, model: echoModel() });
    apps.push(a, b);

    const token = tokenOf(await streamChat(a.baseUrl, 'hello from A'))!;
    const onB = await streamChat(b.baseUrl, 'and now B', { token });
    expect(doneOf(onB)?.text).toBe('I have heard: hello from A, and now B');
    const history = await getHistory(a.baseUrl, { token });
    expect(history.body.messages.map((m) => m.content)).toEqual([
      'hello from A',
      'I have heard: hello from A',
      'and now B',
      'I have heard: hello from A, and now B',
    ]);
    await Promise.all([storeA.close(), storeB.close()]);
    const admin = new Redis(redisTestUrl);
    await deleteRedisKeys(admin, keyPrefix);
    admin.disconnect();
  });
});

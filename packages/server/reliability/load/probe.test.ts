import { setTracingDisabled } from '@openai/agents';
import { it } from 'vitest';
import { createOpenAIModel } from '../../src/agent/models/openai-model.js';
import { systemClock } from '../../src/clock.js';
import { startFakeOpenAI } from '../../src/test-support/fake-openai.js';
import { startTestApp } from '../../src/test-support/test-app.js';
import { chatTurn, keepAliveAgent } from '../support/http-client.js';
import { echoTagResponder, visitorTag } from '../support/model-input.js';
import { runPool } from '../support/stats.js';

it('probe', async () => {
  setTracingDisabled(true);
  const echo = echoTagResponder({ deltas: 4 });
  const fake = await startFakeOpenAI({ responder: echo.responder, firstTokenDelayMs: 10, deltaIntervalMs: 5 });
  const model = await createOpenAIModel({ apiKey: 'k', baseURL: fake.url, model: 'm', api: 'responses', timeoutMs: 30000, maxRetries: 2 });
  const app = await startTestApp({ model, clock: systemClock, env: { PARLEY_RATE_LIMITS: 'off' } });
  const agent = keepAliveAgent(200);
  const arrivals: number[] = []; let conns = 0; const connTimes: number[] = [];
  app.server.on('connection', () => { conns++; connTimes.push(performance.now()); });
  app.server.on('request', (req) => { if (req.method === 'POST') arrivals.push(performance.now()); });
  const t0 = performance.now();
  const rows: string[] = [];
  await runPool(Array.from({ length: 200 }, (_, i) => i + 1), 200, async (v) => {
    let token: string | undefined;
    for (let t = 1; t <= 5; t++) {
      const start = performance.now() - t0;
      const r = await chatTurn(app.baseUrl, `hi ${visitorTag(v, t)}`, { sse: (v + t) % 2 === 0, agent, ...(token ? { token } : {}) });
      token = r.token;
      rows.push(`v${v} t${t} ${r.transport} start=${Math.round(start)} ms=${Math.round(r.ms)}`);
    }
  });
  rows.sort((a,b)=>Number(b.split('ms=')[1])-Number(a.split('ms=')[1])); console.log(rows.slice(0, 15).join('\n')); const byTurn: Record<string, number[]> = {}; for (const r of rows) { const t = r.split(' ')[1]!; (byTurn[t] ??= []).push(Number(r.split('ms=')[1])); } for (const [t, v] of Object.entries(byTurn)) { v.sort((a,b)=>a-b); console.log(t, 'p50', v[Math.floor(v.length/2)], 'max', v.at(-1)); }
  const arr = fake.requests.map((r, i) => i); const t1 = fake.requests.filter(r => JSON.stringify(r.body).includes('-t1]')).length; console.log('t1 requests among first 200 fake requests:', fake.requests.slice(0,200).filter(r => { const s = JSON.stringify(r.body); return s.includes('-t1]') && !s.includes('-t2]'); }).length, arr.length, t1);
  console.log('conns', conns, 'conn spread', Math.round(connTimes.at(-1)! - connTimes[0]!), 'first 200 arrivals spread', Math.round(arrivals[199]! - arrivals[0]!));
  console.log('fake requests', fake.requests.length, 'total', performance.now() - t0);
  agent.destroy(); await app.close(); await fake.close();
}, 120000);

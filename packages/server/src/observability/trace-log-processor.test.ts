import { Writable } from 'node:stream';
import { Agent, Runner, setTraceProcessors, setTracingDisabled, tool } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { TraceLogProcessor } from './trace-log-processor.js';

afterEach(() => {
  setTraceProcessors([]);
  setTracingDisabled(true);
});

describe('TraceLogProcessor', () => {
  it('logs each span of a run with its kind, name and duration, and no conversation text', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    setTraceProcessors([new TraceLogProcessor(pino({ level: 'debug' }, sink))]);
    setTracingDisabled(false);

    const lookup = tool({
      name: 'lookup_order',
      description: 'Looks up an order',
      parameters: z.object({ order: z.string() }),
      execute: async () => 'Order QX-4711-ZZ shipped yesterday',
    });
    const model = new ScriptedModel([
      [functionCall('lookup_order', { order: 'QX-4711-ZZ' }, { callId: 'call_1' })],
      [assistantMessage('Your secret order QX-4711-ZZ shipped.')],
    ]);
    const agent = new Agent({ name: 'support', instructions: 'Help.', tools: [lookup], model });
    await new Runner({ tracingDisabled: false }).run(agent, 'Where is my secret order QX-4711-ZZ?');

    const spans = lines.filter((line) => line.msg === 'agent span');
    expect(spans.map((s) => s.span)).toEqual(expect.arrayContaining(['agent', 'function']));
    expect(spans).toContainEqual(
      expect.objectContaining({ span: 'function', name: 'lookup_order' }),
    );
    expect(
      spans.every((s) => typeof s.traceId === 'string' && typeof s.durationMs === 'number'),
    ).toBe(true);
    expect(lines.some((line) => line.msg === 'agent trace finished')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('QX-4711-ZZ');
  });
});

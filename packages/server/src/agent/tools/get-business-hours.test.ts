import { Agent, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { DEFAULT_BUSINESS_HOURS } from '../../hours/schedule.js';
import { createTurnContext, type TurnContext } from '../context.js';
import { createGetBusinessHoursTool } from './get-business-hours.js';

beforeAll(() => setTracingDisabled(true));

/** Runs one turn where the model calls the tool, and returns the text the tool gave back. */
async function askForHours(
  hoursTool: ReturnType<typeof createGetBusinessHoursTool>,
  context: TurnContext = createTurnContext('s_1'),
) {
  const model = new ScriptedModel([
    [functionCall('get_business_hours', {}, { callId: 'call_hours' })],
    [assistantMessage('We are open Monday to Friday.')],
  ]);
  const agent = new Agent<TurnContext>({
    name: 'Support',
    instructions: 'Answer questions about support hours.',
    model,
    tools: [hoursTool],
  });
  const result = await run(agent, 'Are you open?', { context });
  expect(result.finalOutput).toBe('We are open Monday to Friday.');
  model.assertComplete();

  const output = model.calls[1]?.request.input;
  expect(Array.isArray(output)).toBe(true);
  const toolResult = (Array.isArray(output) ? output : []).find(
    (item) => item.type === 'function_call_result' && item.callId === 'call_hours',
  );
  if (toolResult?.type !== 'function_call_result') throw new Error('no function_call_result');
  const text = toolResult.output;
  if (typeof text === 'string') return text;
  if (!Array.isArray(text) && text.type === 'text') return text.text;
  throw new Error(`unexpected tool output ${JSON.stringify(text)}`);
}

describe('get_business_hours', () => {
  it('offers the model a tool without arguments', () => {
    const hoursTool = createGetBusinessHoursTool({
      hours: DEFAULT_BUSINESS_HOURS,
      clock: new ManualClock(),
    });
    expect(hoursTool.name).toBe('get_business_hours');
    expect(hoursTool.parameters).toMatchObject({ type: 'object', properties: {} });
  });

  it('answers from the injected clock at call time, not at creation time', async () => {
    const clock = new ManualClock(Date.parse('2026-01-05T20:00:00Z'));
    const hoursTool = createGetBusinessHoursTool({ hours: DEFAULT_BUSINESS_HOURS, clock });

    const monday = await askForHours(hoursTool);
    expect(monday).toContain('Support hours (time zone America/New_York):');
    expect(monday).toContain('- Monday to Friday: 9:00 AM to 6:00 PM');
    expect(monday).toContain('Support is open now (closes at 6:00 PM EST, in 3 hours).');

    clock.set(Date.parse('2026-01-10T17:00:00Z'));
    const saturday = await askForHours(hoursTool);
    expect(saturday).toContain(
      'Support is closed now; it next opens Monday, January 12 at 9:00 AM EST (in about 2 days).',
    );
  });

  it('tells the model the hours are unavailable when computing them fails', async () => {
    const brokenClock = {
      now(): number {
        throw new Error('clock source unavailable');
      },
    };
    const hoursTool = createGetBusinessHoursTool({
      hours: DEFAULT_BUSINESS_HOURS,
      clock: brokenClock,
    });
    const context = createTurnContext('s_1');

    const text = await askForHours(hoursTool, context);

    expect(text).toMatch(/^The business hours are unavailable right now\./);
    expect(text).not.toContain('clock source');
    expect([...context.failedTools]).toEqual(['get_business_hours']);
  });
});

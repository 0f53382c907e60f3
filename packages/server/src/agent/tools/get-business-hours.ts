import { tool } from '@openai/agents';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { describeBusinessHours } from '../../hours/business-hours.js';
import type { BusinessHoursConfig } from '../../hours/schedule.js';
import type { TurnContext } from '../context.js';
import { toolFailure } from './tool-failure.js';

export const GET_BUSINESS_HOURS = 'get_business_hours';

const NoParameters = z.object({});

export interface GetBusinessHoursToolOptions {
  hours: BusinessHoursConfig;
  /** "Now" comes from here so tests (and the answer) do not depend on the wall clock. */
  clock: Clock;
}

/**
 * The `get_business_hours` tool: the support schedule, upcoming holidays and whether support is
 * open right now, as text the model can relay. It takes no arguments, so there is nothing for a
 * prompt injection to steer.
 *
 * @example
 * const agent = new Agent<TurnContext>({
 *   name: 'Support',
 *   tools: [createGetBusinessHoursTool({ hours: DEFAULT_BUSINESS_HOURS, clock: systemClock })],
 * });
 */
export function createGetBusinessHoursTool({ hours, clock }: GetBusinessHoursToolOptions) {
  return tool<typeof NoParameters, TurnContext>({
    name: GET_BUSINESS_HOURS,
    description:
      'Get the support team business hours (weekly schedule, time zone, upcoming holidays) and ' +
      'whether support is open right now and when it next opens. Use it whenever the visitor asks ' +
      'when support is available or whether a human can answer now.',
    parameters: NoParameters,
    execute: () => describeBusinessHours(hours, clock.now()),
    errorFunction: toolFailure(GET_BUSINESS_HOURS, 'The business hours are unavailable right now.'),
  });
}

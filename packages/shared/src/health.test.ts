import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseWith } from './check.js';
import { HealthResponse } from './health.js';

const health = { status: 'ok', model: 'openai', store: 'memory', version: '0.1.0' };

describe('HealthResponse', () => {
  it.each([
    { label: 'the openai model', input: { ...health, model: 'openai' } },
    { label: 'the offline model', input: { ...health, model: 'offline' } },
    { label: 'a custom model', input: { ...health, model: 'custom' } },
    { label: 'the memory store', input: { ...health, store: 'memory' } },
    { label: 'the sqlite store', input: { ...health, store: 'sqlite' } },
    { label: 'the postgres store', input: { ...health, store: 'postgres' } },
    { label: 'the redis store', input: { ...health, store: 'redis' } },
    { label: 'any version string', input: { ...health, version: '1.2.3-rc.1+sha.abc' } },
  ])('accepts $label', ({ input }) => {
    expect(parseWith(HealthResponse, input)).toStrictEqual(input);
  });

  it('drops fields it does not know', () => {
    expect(parseWith(HealthResponse, { ...health, uptime: 12 })).toStrictEqual(health);
  });

  it.each([
    { label: 'a status other than ok', input: { ...health, status: 'degraded' } },
    { label: 'a boolean status', input: { ...health, status: true } },
    { label: 'an unknown model', input: { ...health, model: 'anthropic' } },
    { label: 'an unknown store', input: { ...health, store: 'mysql' } },
    { label: 'a numeric version', input: { ...health, version: 1 } },
    { label: 'a missing status', input: { ...health, status: undefined } },
    { label: 'a missing model', input: { ...health, model: undefined } },
    { label: 'a missing store', input: { ...health, store: undefined } },
    { label: 'a missing version', input: { ...health, version: undefined } },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(HealthResponse, input)).toBeUndefined();
  });

  it('has the type of its check', () => {
    expectTypeOf<HealthResponse>().toEqualTypeOf<{
      status: 'ok';
      model: 'openai' | 'offline' | 'custom';
      store: 'sqlite' | 'postgres' | 'memory' | 'redis';
      version: string;
    }>();
  });
});

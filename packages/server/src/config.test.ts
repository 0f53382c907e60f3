import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults: port 8787, SQLite store, offline model, tracing export off', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.store).toEqual({ kind: 'sqlite', path: path.resolve('data/parley.db') });
    expect(config.openai).toBeUndefined();
    expect(config.tracingExport).toBe(false);
    expect(config.sessionTtlMs).toBe(24 * 3_600_000);
    expect(config.limits.enabled).toBe(true);
    expect(config.file.companyName).toBe('Acme');
    expect(config.file.specialists.map((s) => s.name)).toEqual(['billing']);
  });

  it('configures the OpenAI provider only when a key is set', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_API: 'chat_completions',
      OPENAI_MODEL: 'llama3.1',
      OPENAI_TIMEOUT: '30s',
    });
    expect(config.openai).toEqual({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      api: 'chat_completions',
      timeoutMs: 30_000,
      maxRetries: 2,
    });
    expect(loadConfig({ OPENAI_API_KEY: '  ' }).openai).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['OPENAI_API', 'completions'],
    ['OPENAI_BASE_URL', 'ftp://example.com'],
    ['PARLEY_SESSION_TTL', 'forever'],
    ['PARLEY_ALLOWED_ORIGINS', 'https://a.example.com/path'],
    ['PARLEY_ALLOWED_ORIGINS', 'not an origin'],
    ['PARLEY_RATE_LIMITS', 'maybe'],
    ['PARLEY_ADMIN_TOKEN', 'short'],
    ['PARLEY_ADMIN_TOKEN', 'aaaaaaaaaaaaaaaa'],
    ['PARLEY_METRICS_TOKEN', 'abcabcabcabcabcabc'],
    ['PARLEY_SESSION_SECRET', 'a'.repeat(64)],
    ['PARLEY_SESSION_SECRET', `${'f3a9c01b7de24e86a1c3d5e7f90b2c4d'},short`],
    ['LOG_LEVEL', 'loud'],
    ['PARLEY_STORE', 'redis://127.0.0.1:6379'],
    ['PARLEY_STORE', 'mysql://db/parley'],
    ['PARLEY_STORE', 'sqlite:'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('reads PARLEY_STORE into a store spec, and sends Redis users to PARLEY_REDIS_URL', () => {
    expect(loadConfig({ PARLEY_STORE: 'memory' }).store).toEqual({ kind: 'memory' });
    const url = 'postgres://parley:pw@db:5432/parley';
    expect(loadConfig({ PARLEY_STORE: url }).store).toEqual({ kind: 'postgres', url });
    expect(() => loadConfig({ PARLEY_STORE: 'redis://:hunter2@cache:6379' })).toThrow(
      /PARLEY_STORE.*PARLEY_REDIS_URL/s,
    );
    expect(() => loadConfig({ PARLEY_STORE: 'redis://:hunter2@cache:6379' })).not.toThrow(
      /hunter2/,
    );
  });

  it('reads session secrets as a trimmed list, newest first, without empty entries', () => {
    const a = 'f3a9c01b7de24e86a1c3d5e7f90b2c4d';
    const b = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4c3b2a19';
    expect(loadConfig({ PARLEY_SESSION_SECRET: ` ${a} ,, ${b},` }).sessionSecrets).toEqual([a, b]);
    expect(loadConfig({ PARLEY_SESSION_SECRET: ' , ' }).sessionSecrets).toBeUndefined();
  });

  it('says which session secret is weak and how to make a good one', () => {
    expect(() =>
      loadConfig({ PARLEY_SESSION_SECRET: 'f3a9c01b7de24e86a1c3d5e7f90b2c4d,short' }),
    ).toThrow(/PARLEY_SESSION_SECRET: secret #2 is shorter than 32 characters.*openssl rand/);
  });

  it('logs agent spans locally only when asked, or when the log level is debug', () => {
    expect(loadConfig({}).traceLog).toBe(false);
    expect(loadConfig({ LOG_LEVEL: 'debug' }).traceLog).toBe(true);
    expect(loadConfig({ PARLEY_TRACE_LOG: '1' }).traceLog).toBe(true);
    expect(loadConfig({ LOG_LEVEL: 'debug', PARLEY_TRACE_LOG: '0' }).traceLog).toBe(false);
    expect(loadConfig({ PARLEY_TRACE_LOG: '1' }).tracingExport).toBe(false);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', OPENAI_API: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT[\s\S]*OPENAI_API/);
    }
  });

  it('parses origins and durations the way operators write them', () => {
    const config = loadConfig({
      PARLEY_ALLOWED_ORIGINS: 'https://www.acme.example, https://shop.acme.example/',
      PARLEY_SESSION_TTL: '90',
      PARLEY_SESSION_MAX_AGE: '7d',
    });
    expect(config.allowedOrigins).toEqual([
      'https://www.acme.example',
      'https://shop.acme.example',
    ]);
    expect(config.sessionTtlMs).toBe(90_000);
    expect(config.sessionMaxAgeMs).toBe(7 * 86_400_000);
  });

  describe('the PARLEY_CONFIG file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-config-'));
    const write = (name: string, body: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, body);
      return file;
    };

    it('accepts the shipped example file', () => {
      const example = path.resolve(import.meta.dirname, '../../../parley.config.example.json');
      const config = loadConfig({ PARLEY_CONFIG: example });
      expect(config.file.hours.timezone).toBe('America/New_York');
      expect(config.file.maxTicketsPerSession).toBe(3);
    });

    it.each([
      ['missing', path.join(dir, 'nope.json'), /no file/],
      ['not JSON', write('bad.json', '{ nope'), /not valid JSON/],
      [
        'a bad time zone',
        write('tz.json', '{"hours":{"timezone":"Mars/Olympus","weekly":{}}}'),
        /hours\.timezone/,
      ],
      [
        'a bad specialist name',
        write(
          'sp.json',
          '{"specialists":[{"name":"Bad Name","displayName":"x","handoffDescription":"x","instructions":"x"}]}',
        ),
        /specialists\.0\.name/,
      ],
    ])('refuses a file that is %s, naming what is wrong', (_case, file, message) => {
      expect(() => loadConfig({ PARLEY_CONFIG: file })).toThrow(ConfigError);
      expect(() => loadConfig({ PARLEY_CONFIG: file })).toThrow(message);
    });
  });
});

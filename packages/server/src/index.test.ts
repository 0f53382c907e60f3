import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSseParser, type StreamEvent } from '@parley/shared';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the real entry point (`src/index.ts` through tsx) and resolves once it listens. */
async function startServer(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; baseUrl: string; logs: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-process-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'index.ts')],
    {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        PARLEY_STORE: `sqlite:${path.join(dir, 'parley.db')}`,
        PARLEY_DATA_DIR: dir,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const logs: string[] = [];
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${logs.join('')}`)),
      20_000,
    );
    child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
    child.stdout?.on('data', (chunk) => {
      logs.push(String(chunk));
      const match = /"port":(\d+)/.exec(String(chunk));
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`)),
    );
  });
  return { child, baseUrl, logs };
}

describe('the server process', () => {
  it('finishes a streamed turn on SIGTERM, refuses readiness meanwhile, then exits 0', async () => {
    const { child, baseUrl } = await startServer();
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const response = await fetch(`${baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Origin: baseUrl },
      body: JSON.stringify({ message: 'How do I reset my password?' }),
    });
    const parser = createSseParser();
    const events: StreamEvent[] = [];
    let signalled = false;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const { event } of parser.push(value)) {
        events.push(event);
        if (event.event === 'delta' && !signalled) {
          signalled = true;
          child.kill('SIGTERM');
          await waitFor(
            async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.status === 503,
          );
        }
      }
    }
    expect(signalled).toBe(true);
    expect(events.at(-1)?.event).toBe('done');
    expect(await exited).toBe(0);
  });

  it('refuses to start in production without a session secret, naming the variable', async () => {
    await expect(startServer({ NODE_ENV: 'production' })).rejects.toThrow(/PARLEY_SESSION_SECRET/);
  });

  it('refuses to start with a bad variable, naming it', async () => {
    await expect(startServer({ OPENAI_API: 'completions' })).rejects.toThrow(/OPENAI_API/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  hashPassword,
  loadConfig,
  type RunningServer,
  startServer,
} from '@parley/server';

/** The built console the server serves at `/console`. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

export interface Operator {
  email: string;
  name: string;
  password: string;
}

export interface ParleyForConsole {
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/**
 * Support is open around the clock, so asking for a person always makes a conversation wait
 * (whatever day the suite runs) while the server keeps the real clock, and wait times read true.
 */
const ALWAYS_OPEN = {
  timezone: 'UTC',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]),
  ),
  holidays: [],
};

/**
 * A real Parley server as `npm start` builds it (`startServer`): memory store, offline model,
 * rate limits on, the built console at `/console`, and the given operator accounts.
 */
export async function startParley(operators: Operator[]): Promise<ParleyForConsole> {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error('The console is not built: run `npm run build -w @parley/console` first');
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-console-e2e-'));
  const configFile = join(dir, 'parley.config.json');
  writeFileSync(configFile, JSON.stringify({ companyName: 'Acme', hours: ALWAYS_OPEN }));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PARLEY_STORE: 'memory',
    PARLEY_CONFIG: configFile,
    PARLEY_DATA_DIR: dir,
    PARLEY_SESSION_SECRET: 'console-e2e-secret-0123456789abcdef0123456789',
    PARLEY_MAIL_DELAY: '0',
  });
  const server = await startServer(config, {
    logger: createLogger('silent'),
    watchKnowledgeBase: false,
  });
  for (const operator of operators) {
    await server.store.operators.add({
      email: operator.email,
      name: operator.name,
      passwordHash: await hashPassword(operator.password),
    });
  }
  return {
    server,
    url: server.url,
    async close() {
      await server.stop(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

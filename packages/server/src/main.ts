import { ConfigError, loadConfig } from './config.js';
import { createLogger, createLogOutput } from './logger.js';
import { startServer } from './start.js';

/** How long past the shutdown grace the process may take before it is ended anyway. */
const HARD_EXIT_MARGIN_MS = 10_000;

/** Said at start-up in production without PARLEY_PUBLIC_URL. */
function publicUrlWarning(): string {
  return (
    "PARLEY_PUBLIC_URL is not set: the server takes its own origin from each request's Host " +
    'header, so a request for another host name (DNS rebinding) counts as same-origin. Set ' +
    'PARLEY_PUBLIC_URL to the public base URL, e.g. https://chat.example.com.'
  );
}

/** The process: read the configuration, start the server, stop it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logOutput = createLogOutput();
  const logger = createLogger(config.logLevel, logOutput.stream);
  if (config.production && !config.publicUrl) logger.warn(publicUrlWarning());
  const running = await startServer(config, { logger });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs below (a stuck store, a socket that never closes), the process still ends.
    const hardExit = setTimeout(
      () => process.exit(1),
      config.shutdownGraceMs + HARD_EXIT_MARGIN_MS,
    );
    hardExit.unref();
    logger.info({ signal }, 'signal received');
    await running.stop(config.shutdownGraceMs);
    await logOutput.flush(1_000);
    process.exit(0);
  };
  // Registering our own handlers also keeps the Agents SDK from calling process.exit itself.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Parley cannot start.\n${error.message}`);
  } else {
    console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});

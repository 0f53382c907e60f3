import type { Model } from '@openai/agents';
import {
  type Clock,
  type KnowledgeBase,
  loadConfig,
  loadWidgetAsset,
  OfflineModel,
  resolveWidgetPath,
  type WidgetAsset,
} from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { type HostSite, startHostSite } from './host-site.js';

/** Parley on `http://127.0.0.1:<p1>` and a customer's site on `http://localhost:<p2>`. */
export interface Stack {
  parley: TestApp;
  host: HostSite;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Defaults to the offline model, streaming with {@link StackOptions.deltaDelayMs}. */
  model?: Model;
  knowledgeBase?: KnowledgeBase;
  /** Pause between the offline model's streamed pieces, so a stream is visible in the browser. */
  deltaDelayMs?: number;
  /** Extra environment for the server (admin token, identity secret, config file…). */
  env?: Record<string, string>;
  clock?: Clock;
}

/** The built widget; the browser suites test what ships, so the build must have run. */
export function builtWidget(): WidgetAsset {
  const file = resolveWidgetPath();
  if (!file) {
    throw new Error('The widget is not built: run `npm run build -w @parley/widget` first');
  }
  return loadWidgetAsset(file);
}

/**
 * Starts the host site, then Parley allowing that site's origin, serving the built widget. The
 * offline model answers from the sample knowledge base unless a model is given.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const widget = builtWidget();
  const host = await startHostSite();
  const env = { PARLEY_ALLOWED_ORIGINS: host.origin, ...options.env };
  const { file } = loadConfig({ NODE_ENV: 'test', PARLEY_STORE: 'memory', ...env });
  const model =
    options.model ??
    new OfflineModel({
      companyName: file.companyName,
      specialists: file.specialists,
      deltaDelayMs: options.deltaDelayMs ?? 30,
    });
  const parley = await startTestApp({
    model,
    env,
    widget,
    ...(options.knowledgeBase ? { knowledgeBase: options.knowledgeBase } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    parley,
    host,
    async close() {
      await Promise.all([parley.close(), host.close()]);
    },
  };
}

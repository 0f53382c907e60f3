import type { Model } from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import { OfflineModel } from './agent/models/offline-model.js';
import { createOpenAIModel } from './agent/models/openai-model.js';
import type { Config } from './config.js';

/** Picks the model for this process: the configured OpenAI-compatible provider, else offline. */
export async function createModel(
  config: Config,
): Promise<{ model: Model; kind: HealthResponse['model']; name: string }> {
  if (config.openai) {
    return {
      model: await createOpenAIModel(config.openai),
      kind: 'openai',
      name: config.openai.model,
    };
  }
  const model = new OfflineModel({
    companyName: config.file.companyName,
    specialists: config.file.specialists,
    deltaDelayMs: 25,
  });
  return { model, kind: 'offline', name: 'offline' };
}

import { type Model, OpenAIProvider } from '@openai/agents';
import OpenAI from 'openai';

export interface OpenAIModelOptions {
  apiKey: string;
  baseURL: string | undefined;
  model: string;
  api: 'responses' | 'chat_completions';
  timeoutMs: number;
  maxRetries: number;
  /** Injected for tests (a fake server's fetch is not needed: base URL is enough). */
  fetch?: typeof fetch;
}

/**
 * The real model: the SDK's OpenAI provider over one shared `openai` client, for OpenAI itself or
 * any OpenAI-compatible server (Ollama, vLLM, LM Studio) by base URL.
 *
 * Retries live in exactly one layer, this client's: bounded (`maxRetries`), exponential backoff
 * with jitter, honouring `Retry-After`, and only before a response starts, so never after text
 * was streamed. The SDK's own `modelSettings.retry` stays unset so attempts never multiply.
 */
export async function createOpenAIModel(options: OpenAIModelOptions): Promise<Model> {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const provider = new OpenAIProvider({
    openAIClient: client,
    useResponses: options.api === 'responses',
  });
  return provider.getModel(options.model);
}

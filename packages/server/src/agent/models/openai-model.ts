import {
  type Model,
  type ModelRequest,
  OpenAIChatCompletionsModel,
  OpenAIProvider,
  type ResponseStreamEvent,
} from '@openai/agents';
import OpenAI from 'openai';
import type { Config } from '../../config.js';

/** The provider settings from `OPENAI_*` (see config.ts), plus a `fetch` tests may inject. */
export type OpenAIModelOptions = NonNullable<Config['openai']> & { fetch?: typeof fetch };

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
  if (options.api === 'chat_completions') return new ChatCompletionsModel(client, options.model);
  const provider = new OpenAIProvider({ openAIClient: client, useResponses: true });
  return provider.getModel(options.model);
}

/**
 * The SDK's streamed Chat Completions converter only creates a message once a non-empty text
 * delta arrives, so a streamed answer with no text at all ends with no output, and the runner asks
 * the model again until `maxTurns`. Non-streamed Chat Completions and the Responses API return an
 * empty message instead; this does the same, so an empty answer ends the turn on every API.
 */
class ChatCompletionsModel extends OpenAIChatCompletionsModel {
  override async *getStreamedResponse(request: ModelRequest): AsyncIterable<ResponseStreamEvent> {
    for await (const event of super.getStreamedResponse(request)) {
      if (event.type === 'response_done' && event.response.output.length === 0) {
        event.response.output.push({
          type: 'message',
          role: 'assistant',
          status: 'completed',
          ...(event.response.id ? { id: event.response.id } : {}),
          content: [{ type: 'output_text', text: '' }],
        });
      }
      yield event;
    }
  }
}

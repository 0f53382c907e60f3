import { type FakeOpenAI, type FakeResponder, startFakeOpenAI } from '@parley/testkit/fake-openai';
import { echoTagResponder } from './model-input.js';

/**
 * The fake OpenAI server the load suites point Parley at (10 ms to the first token, 5 ms per
 * delta, every answer carrying its visitor's tag) and the environment that makes Parley use it
 * through the real provider, as an operator would set OPENAI_BASE_URL. `respond` may answer some
 * requests itself: it gets the echo responder and returns the one the server uses.
 */
export async function startLoadModel(
  api: 'responses' | 'chat_completions',
  respond: (echo: FakeResponder) => FakeResponder = (echo) => echo,
) {
  const echo = echoTagResponder({ deltas: 4 });
  const fake: FakeOpenAI = await startFakeOpenAI({
    responder: respond(echo.responder),
    firstTokenDelayMs: 10,
    deltaIntervalMs: 5,
  });
  const env = {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    OPENAI_MODEL: 'gpt-fake',
    OPENAI_API: api,
    OPENAI_TIMEOUT: '30s',
    OPENAI_MAX_RETRIES: '2',
    PARLEY_RATE_LIMITS: 'off',
  };
  return { fake, echo, env };
}

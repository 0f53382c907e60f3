import type { InputGuardrail } from '@openai/agents';

/** What the visitor is told when the guardrail refuses a message. */
export const GUARDRAIL_REFUSAL =
  "Sorry, I can't help with that request. I'm happy to answer questions about our products, your account or an order.";

export const INPUT_GUARDRAIL_NAME = 'parley_input_screen';

/** Why a message was refused; goes into the tripwire's `outputInfo` (never the message itself). */
export type ScreenResult =
  | { ok: true }
  | { ok: false; reason: 'too_long'; length: number; maxChars: number }
  | { ok: false; reason: 'prompt_injection'; rule: string };

/**
 * A handful of unmistakable attempts to take over the assistant. Deliberately tiny and precise:
 * the model's instructions are the real defence, and a refused genuine question costs more than
 * a missed jailbreak (which the model usually shrugs off anyway). Each rule needs wording that a
 * support question has no reason to contain, and is checked against a table of ordinary
 * questions in the test.
 */
const RULES: readonly { name: string; test: (text: string) => boolean }[] = [
  {
    // "Ignore all/any/your previous instructions" as a command: at the start of the message, after
    // punctuation, or after "please"/"now". So "should I ignore your previous instructions about
    // the router?" and "ignore my previous message" pass. What may precede the verb is checked
    // by a lookbehind once the verb has matched: as a leading group, tried at every position, its
    // "\n" followed by "\s*" rescanned a run of blank lines from each of them (64,000 characters
    // of blank lines took 1.2 s).
    name: 'ignore_instructions',
    test: (text) =>
      /(?:ignore|disregard|forget)(?<=(?:^|[.,!?:;\n"'(]\s*|\b(?:please|now)\s+)(?:ignore|disregard|forget))\s+(?:(?:all|any)\s+(?:of\s+)?(?:your\s+|the\s+)?|your\s+)(?:previous|prior|earlier|above)\s+(?:instructions|prompts|rules)\b/i.test(
        text,
      ),
  },
  {
    // Asking for the assistant's own prompt ("your"), not a product's "system prompt" setting.
    name: 'reveal_system_prompt',
    test: (text) =>
      /\b(?:reveal|show|print|repeat|output|display|dump|leak|give|tell)\s+(?:me\s+|us\s+)?your\s+(?:(?:full|entire|exact|hidden|secret|original|initial)\s+)*(?:system\s+prompt|system\s+instructions|hidden\s+instructions)\b/i.test(
        text,
      ),
  },
  {
    // The "DAN" ("Do Anything Now") persona; DAN in upper case and alone, so a colleague called
    // Dan or a "DAN-2" adapter is fine.
    name: 'dan_persona',
    test: (text) => /\byou\s+are\s+now\s+(DAN)(?![\w-])/i.exec(text)?.[1] === 'DAN',
  },
  {
    name: 'no_restrictions',
    test: (text) =>
      /\b(?:pretend|act\s+as\s+if)\s+(?:that\s+)?you\s+(?:have|had)\s+no\s+(?:rules|restrictions|guidelines|filters|content\s+polic(?:y|ies))\b/i.test(
        text,
      ),
  },
];

/**
 * Screens one visitor message without any model call: too long, or one of the {@link RULES}.
 *
 * @example
 * screenMessage('How do I reset my password?', { maxChars: 4000 }); // { ok: true }
 */
export function screenMessage(text: string, options: { maxChars: number }): ScreenResult {
  if (text.length > options.maxChars) {
    return { ok: false, reason: 'too_long', length: text.length, maxChars: options.maxChars };
  }
  // NFKC folds full-width and other look-alike letters into plain ones before matching.
  const normalised = text.normalize('NFKC');
  for (const rule of RULES) {
    if (rule.test(normalised)) return { ok: false, reason: 'prompt_injection', rule: rule.name };
  }
  return { ok: true };
}

/**
 * An Agents SDK input guardrail for the entry agent. It runs before the model (`runInParallel:
 * false`), so a tripped message costs nothing and the run throws `InputGuardrailTripwireTriggered`
 * without a model call. Only the newest visitor message is screened, not the session history
 * the SDK prepends to the input.
 *
 * @example
 * new Agent({ name: 'support', inputGuardrails: [createInputGuardrail({ maxChars: config.maxMessageLength })] });
 */
export function createInputGuardrail(options: { maxChars: number }): InputGuardrail {
  return {
    name: INPUT_GUARDRAIL_NAME,
    runInParallel: false,
    async execute({ input }) {
      const result = screenMessage(latestUserText(input), options);
      return { tripwireTriggered: !result.ok, outputInfo: result };
    },
  };
}

/** The text of the last user message in a run's input (a string, or items with history first). */
function latestUserText(input: string | readonly unknown[]): string {
  if (typeof input === 'string') return input;
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as { role?: unknown; content?: unknown } | undefined;
    if (item?.role !== 'user') continue;
    if (typeof item.content === 'string') return item.content;
    if (Array.isArray(item.content)) {
      return item.content
        .map((part: { type?: unknown; text?: unknown }) =>
          part.type === 'input_text' && typeof part.text === 'string' ? part.text : '',
        )
        .join('\n');
    }
    return '';
  }
  return '';
}

// The contract. Values from constants, sse, stream-event-guard and widget-config-parser are
// zod-free (`constants.test.ts` checks their imports), so a bundle that takes only those, and types,
// never loads zod: the widget stays within its size budget. The rest are zod schemas, each with its
// type.
export {
  ChatReply,
  ChatRequest,
  Citation,
  ClientId,
  createChatRequestSchema,
  FeedbackRequest,
} from './chat.js';
export {
  characterCount,
  DEFAULT_MAX_MESSAGE_LENGTH,
  ERROR_CODES,
  fitsLength,
  IDEMPOTENCY_KEY_HEADER,
  isWidgetLanguage,
  normaliseLang,
  RETRYABLE_ERROR_CODES,
  STREAM_EVENT_NAMES,
  TOOL_STATUSES,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from './constants.js';
export { ErrorBody, ErrorCode, ErrorIssue } from './errors.js';
export { HealthResponse } from './health.js';
export { HistoryMessage, HistoryResponse } from './history.js';
export {
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type ParsedSseEvent,
  type SseParser,
} from './sse.js';
export { toStreamEvent } from './stream-event-guard.js';
export {
  DeltaEvent,
  DoneEvent,
  ErrorEvent,
  HandoffEvent,
  SessionEvent,
  StreamEvent,
  type StreamEventData,
  type StreamEventName,
  ToolEvent,
} from './stream-events.js';
export { WidgetConfig, type WidgetConfigKey } from './widget-config.js';
export {
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
} from './widget-config-parser.js';

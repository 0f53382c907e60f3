// Zod-free values and helpers: safe for bundles with a size budget (the widget imports only these
// and types).
export {
  DEFAULT_MAX_MESSAGE_LENGTH,
  ERROR_CODES,
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
export {
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type ParsedSseEvent,
  type SseParser,
} from './sse.js';
export { toStreamEvent } from './stream-event-guard.js';
export {
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
} from './widget-config-parser.js';

// The zod schemas, each with its type.
export {
  ChatReply,
  ChatRequest,
  Citation,
  ClientId,
  createChatRequestSchema,
  FeedbackRequest,
} from './chat.js';
export { ErrorBody, ErrorCode, ErrorIssue } from './errors.js';
export { HealthResponse } from './health.js';
export { HistoryMessage, HistoryResponse } from './history.js';
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

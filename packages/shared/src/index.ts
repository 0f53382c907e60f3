export {
  ChatReply,
  ChatRequest,
  Citation,
  ClientId,
  createChatRequestSchema,
  DEFAULT_MAX_MESSAGE_LENGTH,
  FeedbackRequest,
  IDEMPOTENCY_KEY_HEADER,
} from './chat.js';
export { ERROR_CODES, ErrorBody, ErrorCode, ErrorIssue, RETRYABLE_ERROR_CODES } from './errors.js';
export { HealthResponse } from './health.js';
export { HistoryMessage, HistoryResponse } from './history.js';
export {
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type ParsedSseEvent,
  type SseParser,
} from './sse.js';
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
export {
  normaliseLang,
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
  WIDGET_LANGUAGES,
  WidgetConfig,
  type WidgetConfigKey,
  type WidgetLanguage,
} from './widget-config.js';

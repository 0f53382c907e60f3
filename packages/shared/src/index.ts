// Parley's contracts. What the server receives is declared with zod (`chat.ts`); what it sends is
// declared with zod-free checks (`check.ts`), which the widget can bundle. Each shape is declared
// once and its type inferred from its declaration. `constants.test.ts` checks that the modules the
// widget imports never load zod.
export {
  ChatRequest,
  ClientId,
  ContactRequest,
  createChatRequestSchema,
  FeedbackRequest,
  HistoryQuery,
  IdentifyRequest,
  personName,
  withoutNul,
} from './chat.js';
export * from './check.js';
export {
  CONTACT_REASONS,
  CONVERSATION_STATUSES,
  characterCount,
  DEFAULT_MAX_MESSAGE_LENGTH,
  ERROR_CODES,
  fitsLength,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  IDEMPOTENCY_KEY_HEADER,
  isWidgetLanguage,
  MESSAGE_ROLES,
  normaliseLang,
  RETRYABLE_ERROR_CODES,
  STREAM_EVENT_NAMES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TOOL_STATUSES,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from './constants.js';
export { ErrorBody, type ErrorCode, ErrorIssue } from './errors.js';
export { HealthResponse } from './health.js';
export { ChatReply, ContactReply, HistoryResponse, IdentifyReply } from './history.js';
export * from './messages.js';
export {
  ConsoleSession,
  INBOX_CHANGES,
  InboxEvent,
  Insights,
  InsightsPeriod,
  KnowledgeSearchResult,
  OperatorConversation,
  OperatorConversationList,
  OperatorConversationSummary,
  OperatorRef,
  TicketDetail,
  TicketList,
  TicketSummary,
  UnansweredQuestion,
} from './operator.js';
export {
  JoinRequest,
  OperatorConversationsQuery,
  OperatorMessageRequest,
  SignInRequest,
  TicketsQuery,
  TicketUpdateRequest,
} from './operator-requests.js';
export {
  createSseFrameParser,
  createSseParser,
  encodeSseComment,
  encodeSseEvent,
  type ParsedSseEvent,
  type SseFrame,
  type SseFrameParser,
  type SseParser,
} from './sse.js';
export {
  type StreamEvent,
  type StreamEventData,
  type StreamEventName,
  toStreamEvent,
} from './stream-events.js';
export {
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
  type WidgetConfig,
  type WidgetConfigKey,
} from './widget-config.js';

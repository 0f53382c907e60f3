// @parley/server as a library: what the entry point (`main.ts`), the reliability suites, the
// benchmarks and the test kit build a Parley server from. Everything else is internal.

export { createTurnContext, type TurnContext } from './agent/context.js';
export { FALLBACK_LABEL } from './agent/models/circuit-breaker-model.js';
export { OfflineModel } from './agent/models/offline-model.js';
export { createOpenAIModel } from './agent/models/openai-model.js';
export { createSupportAgents, type SupportAgents } from './agent/support-agent.js';
export { createSupportTicketTool } from './agent/tools/create-support-ticket.js';
export { createGetBusinessHoursTool } from './agent/tools/get-business-hours.js';
export { createSearchKnowledgeBaseTool } from './agent/tools/search-knowledge-base.js';
export { type AppDeps, createApp, type ParleyApp } from './app.js';
export { EMPTY_ANSWER_FALLBACK } from './chat/agent-run.js';
export { windowHistory } from './chat/history-window.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { type Config, loadConfig } from './config.js';
export { hashPassword } from './console/passwords.js';
export { type Coordination, createCoordination } from './coordination/coordination.js';
export { type BusMessage, type EventBus, memoryBus } from './coordination/event-bus.js';
export {
  ConfigError,
  ConversationNotFoundError,
  InvalidCursorError,
  isStoreUnavailable,
  ParleyError,
  StoreUnavailableError,
} from './errors.js';
export { STATUS_BY_CODE, STORE_UNAVAILABLE_MESSAGE } from './http/errors.js';
export { applyServerTimeouts } from './http/server-timeouts.js';
export { SESSION_COOKIE } from './http/session-identity.js';
export { createKnowledgeBase, DEFAULT_KB_DIR } from './knowledge/knowledge-base.js';
export type { KnowledgeBase } from './knowledge/types.js';
export { createLogger, createLogOutput, hashSessionId } from './logger.js';
export { createModel } from './models.js';
export { createMetrics, type Metrics } from './observability/metrics.js';
export { createSessionId, createTokenSigner } from './sessions/tokens.js';
export { type RunningServer, type StartOptions, startServer } from './start.js';
export type { StoreLimits } from './store/context.js';
export { openDatabase, type SqlDialect } from './store/database.js';
export { migrateToLatest } from './store/migrate.js';
export { MIGRATIONS } from './store/migrations/index.js';
export { createStore, openStore, type Store } from './store/store.js';
export { parseStoreSpec, type StoreSpec } from './store/store-spec.js';
export { resolveConsoleDir } from './web/console-app.js';
export { loadWidgetAsset, resolveWidgetPath, type WidgetAsset } from './web/widget-asset.js';

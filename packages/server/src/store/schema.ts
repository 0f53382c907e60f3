import type { Generated } from 'kysely';

/*
 * The tables, as Kysely sees them. Times are epoch milliseconds (bigint columns, read back as
 * numbers); JSON is stored as text on both SQLite and PostgreSQL, as nothing queries inside it;
 * booleans are 0/1 integers. Migrations in `migrations/` create exactly this.
 */

export interface ConversationsTable {
  /** The visitor's session id: secret, the signed token carries it. */
  id: string;
  /** The id operators, logs and integrations see. */
  public_id: string;
  created_at: number;
  last_seen_at: number;
  /** The newest log position; a message takes `last_seq + 1` under this row's lock. */
  last_seq: number;
  status: 'bot' | 'waiting' | 'human' | 'closed';
  status_changed_at: number | null;
  /** Since when a person has been asked for (while `waiting`). */
  waiting_since: number | null;
  operator_id: string | null;
  operator_name: string | null;
  contact_email: string | null;
  contact_name: string | null;
  /** The `sub` of a verified identity (a JWT signed by the site's backend). */
  identity_sub: string | null;
  identity_email: string | null;
  identity_name: string | null;
  /** The newest log position delivered to the visitor (live, or in a history page). */
  visitor_seen_seq: number;
  /** First time a person was asked for; null when the assistant handled it alone. */
  escalated_at: number | null;
  first_operator_reply_at: number | null;
  /** How long the visitor waited for a person, the last time one joined. */
  last_wait_ms: number | null;
  closed_at: number | null;
}

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  id: string;
  role: 'user' | 'assistant' | 'operator';
  text: string;
  /** JSON: tools, citations, ticket, author, handoffs. */
  meta: string;
  created_at: number;
}

export interface ModelItemsTable {
  id: Generated<number>;
  conversation_id: string;
  /** One Agents SDK input item, as JSON. */
  item: string;
}

export interface TicketsTable {
  id: string;
  /** Null once the conversation was erased; the ticket and its transcript stay. */
  conversation_id: string | null;
  conversation_public_id: string;
  subject: string;
  description: string;
  priority: 'low' | 'medium' | 'high' | 'urgent';
  created_at: number;
  /** JSON: the conversation's messages as they stood. */
  transcript: string;
  contact_email: string | null;
  contact_name: string | null;
  status: 'open' | 'pending' | 'solved';
  assignee_id: string | null;
  assignee_name: string | null;
  updated_at: number | null;
  solved_at: number | null;
}

export interface FeedbackTable {
  conversation_id: string;
  message_id: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: number;
}

export interface IdempotencyTable {
  conversation_id: string;
  key: string;
  request_hash: string;
  state: 'running' | 'done' | 'failed';
  /** JSON of the stored reply once done; of the stored question once failed. */
  reply: string | null;
  expires_at: number;
}

export interface UsageTable {
  conversation_id: string;
  /** 'YYYY-MM-DD', UTC. */
  day: string;
  turns: number;
  tokens: number;
}

export interface RateLimitHitsTable {
  key: string;
  hits: number;
  reset_at: number;
}

/** Work to do later, exactly once across instances: mail to visitors, webhook deliveries. */
export interface OutboxTable {
  id: Generated<number>;
  kind: 'mail' | 'webhook';
  conversation_id: string | null;
  /** JSON: what to send. */
  payload: string;
  due_at: number;
  attempts: number;
  last_error: string | null;
  /** Set while an instance works on it; another may take it over after this. */
  claimed_until: number | null;
  created_at: number;
  done_at: number | null;
}

export interface OperatorsTable {
  id: string;
  /** Lowercase. */
  email: string;
  name: string;
  /** `scrypt$N$r$p$salt$hash` (see console/passwords.ts). */
  password_hash: string;
  created_at: number;
}

export interface OperatorSessionsTable {
  token_hash: string;
  operator_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
}

export interface Tables {
  conversations: ConversationsTable;
  messages: MessagesTable;
  model_items: ModelItemsTable;
  tickets: TicketsTable;
  feedback: FeedbackTable;
  idempotency: IdempotencyTable;
  usage: UsageTable;
  rate_limit_hits: RateLimitHitsTable;
  outbox: OutboxTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
}

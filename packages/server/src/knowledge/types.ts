/** One Markdown article of the knowledge base, front matter parsed. */
export interface Article {
  /** File path relative to the knowledge-base folder, without extension. */
  id: string;
  title: string;
  url: string;
  tags: string[];
  /** Markdown body without the front matter. */
  body: string;
}

export interface SearchHit {
  id: string;
  title: string;
  url: string;
  /** The passage of the article that best matches the query, plain text, at most ~400 chars. */
  snippet: string;
  score: number;
}

/** A searchable, live-reloading knowledge base. */
export interface KnowledgeBase {
  /** Best matches first; empty when nothing is relevant. */
  search(query: string, limit?: number): SearchHit[];
  /** Number of indexed articles. */
  readonly size: number;
  /** Stops watching the folder. */
  close(): Promise<void>;
}

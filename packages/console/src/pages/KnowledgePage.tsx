import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../components/Notice';
import { useCell } from '../state/cell';
import type { KnowledgeState } from '../state/knowledge';

export interface KnowledgePageProps {
  knowledge: KnowledgeState;
  /** A question from the address (`?q=`), asked at once. */
  initialQuestion?: string | undefined;
  /** Keeps the asked question in the address, so the result can be linked to. */
  onAsk?(question: string): void;
}

/**
 * The knowledge-base tester: a question, and the ranked articles with snippets and scores that
 * the agent's search tool would get for it.
 */
export function KnowledgePage({ knowledge, initialQuestion, onAsk }: KnowledgePageProps) {
  const result = useCell(knowledge.result);
  const loading = useCell(knowledge.loading);
  const error = useCell(knowledge.error);
  const [question, setQuestion] = useState(initialQuestion ?? '');

  useEffect(() => {
    if (initialQuestion) {
      setQuestion(initialQuestion);
      void knowledge.search(initialQuestion);
    }
  }, [initialQuestion, knowledge]);

  const top = result?.results[0]?.score ?? 0;
  return (
    <div class="page knowledge">
      <h1 tabIndex={-1}>Knowledge-base tester</h1>
      <p class="muted">
        See what the assistant’s search finds for a question, and how well it matches.
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for some screen readers; the role says the same. */}
      <form
        class="ask"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void knowledge.search(question);
          if (question.trim()) onAsk?.(question.trim());
        }}
      >
        <label for="kb-question">Question</label>
        <input
          id="kb-question"
          type="search"
          value={question}
          data-search
          placeholder="How do I reset my password?"
          onInput={(event) => setQuestion((event.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" disabled={loading}>
          {loading ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {result && (
        <section aria-labelledby="kb-results-title" aria-live="polite">
          <h2 id="kb-results-title">
            {result.results.length === 0
              ? `No article matches “${result.query}”`
              : `${result.results.length} article${result.results.length === 1 ? '' : 's'} for “${result.query}”`}
          </h2>
          <ol class="kb-results">
            {result.results.map((hit) => (
              <li key={hit.url} class="card">
                <h3>
                  <a href={hit.url} target="_blank" rel="noopener noreferrer">
                    {hit.title}
                  </a>
                </h3>
                <p class="score">
                  Score <strong>{hit.score.toFixed(3)}</strong>
                  <svg class="score-bar" viewBox="0 0 100 6" aria-hidden="true" focusable="false">
                    <rect class="track" x="0" y="0" width="100" height="6" />
                    <rect
                      class="fill"
                      x="0"
                      y="0"
                      width={top > 0 ? (hit.score / top) * 100 : 0}
                      height="6"
                    />
                  </svg>
                </p>
                <p class="snippet">{hit.snippet}</p>
                <p class="muted url">{hit.url}</p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

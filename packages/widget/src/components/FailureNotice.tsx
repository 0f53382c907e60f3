import type { Strings } from '../i18n';
import type { Failure } from '../state/message';

export interface FailureNoticeProps {
  failure: Failure;
  strings: Strings;
  onRetry(): void;
}

/** Says what went wrong in the visitor's words, with Retry when sending again can help. */
export function FailureNotice({ failure, strings, onRetry }: FailureNoticeProps) {
  return (
    <div class="failure">
      <p>{failureText(failure, strings)}</p>
      {failure.retryable && (
        <button type="button" class="btn" aria-disabled={failure.waiting} onClick={onRetry}>
          {strings.retry}
        </button>
      )}
    </div>
  );
}

/** The sentence for a failure: server codes map to the few situations a visitor can act on. */
export function failureText(failure: Failure, strings: Strings): string {
  if (failure.offline) return strings.offline;
  switch (failure.code) {
    case 'network':
      return strings.network;
    case 'rate_limited':
      return strings.wait(failure.retryAfter ?? 10);
    case 'budget_exhausted':
    case 'model_unavailable':
      return strings.unavailable;
    default:
      return strings.generic;
  }
}

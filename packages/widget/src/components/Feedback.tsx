import type { Strings } from '../i18n';
import { Icon } from './Icon';

export interface FeedbackProps {
  rating: 'up' | 'down' | undefined;
  strings: Strings;
  onRate(rating: 'up' | 'down'): void;
}

/** Thumbs up / down on an answer; the pressed one reflects the visitor's vote. */
export function Feedback({ rating, strings, onRate }: FeedbackProps) {
  return (
    <div class="rate">
      {(['up', 'down'] as const).map((value) => (
        <button
          key={value}
          type="button"
          class={`icon-btn ${value}`}
          aria-label={strings[value]}
          aria-pressed={rating === value}
          onClick={() => onRate(value)}
        >
          <Icon name="thumb" />
        </button>
      ))}
    </div>
  );
}

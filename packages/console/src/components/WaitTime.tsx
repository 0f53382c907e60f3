import { formatDuration } from '../state/format';
import { useNow } from '../state/ticker';

export interface WaitTimeProps {
  /** ISO 8601: since when the visitor waits. */
  since: string;
}

/** How long a visitor has been waiting, ticking every second. Not a live region: it would chatter. */
export function WaitTime({ since }: WaitTimeProps) {
  const now = useNow();
  return (
    <time class="wait" dateTime={since}>
      waiting {formatDuration(now - Date.parse(since))}
    </time>
  );
}

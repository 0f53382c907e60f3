/**
 * A duration as people say it: "45 s", "3 min", "1 h 5 min", "2 d 4 h".
 *
 * @example
 * formatDuration(185_000) // '3 min'
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** A share (0-1) as a whole percentage, or an en dash when there is nothing to divide. */
export function formatPercent(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

/** Seconds as a duration, or an en dash. */
export function formatSeconds(seconds: number | undefined): string {
  return seconds === undefined ? '–' : formatDuration(seconds * 1000);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** A time of today as "14:05", any other as "Mar 3, 14:05". */
export function formatTime(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return (sameDay ? timeFormat : dateTimeFormat).format(date);
}

/** An ISO date (UTC day) as "Mar 3". */
export function formatDay(isoDate: string): string {
  return dayFormat.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

/** Who a conversation is with, as far as the team knows. */
export function visitorName(conversation: {
  id: string;
  contact?: { email: string; name?: string };
  identity?: { sub: string; email?: string; name?: string };
}): string {
  const { contact, identity } = conversation;
  return (
    contact?.name ??
    identity?.name ??
    contact?.email ??
    identity?.email ??
    `Visitor ${conversation.id.slice(-6)}`
  );
}

import type { ComponentChildren } from 'preact';

export interface NoticeProps {
  /** `error` is announced at once (alert); `info` politely (status). */
  kind?: 'error' | 'info';
  children: ComponentChildren;
}

/** A short message in the flow of the page: a failure, or news such as "signed out". */
export function Notice({ kind = 'info', children }: NoticeProps) {
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

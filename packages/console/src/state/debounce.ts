/** A function that runs `fn` once, `ms` after the last of a burst of calls. */
export interface Debounced {
  (): void;
  /** Forgets a pending call. */
  cancel(): void;
}

/**
 * Debounces `fn`: a burst of inbox events (a visitor typing three messages, a status change and
 * a message together) costs one refetch, not one per event.
 */
export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  return Object.assign(call, { cancel: () => clearTimeout(timer) });
}

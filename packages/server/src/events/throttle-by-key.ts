/**
 * Passes the first value of a key at once and then at most one more per `windowMs`: the latest
 * value that came in meanwhile, when the window ends. A burst of the same change (one message is
 * announced as stored, logged and as an inbox change) becomes one event, and the last change of
 * a burst is never swallowed: a visitor's second message 200 ms after the first still gets its
 * event.
 */
export function throttleByKey<T>(windowMs: number, emit: (value: T) => void) {
  const open = new Map<string, { latest?: { value: T }; timer: NodeJS.Timeout }>();

  const startWindow = (key: string) => {
    const timer = setTimeout(() => {
      const entry = open.get(key);
      open.delete(key);
      if (entry?.latest) {
        emit(entry.latest.value);
        startWindow(key);
      }
    }, windowMs);
    timer.unref();
    open.set(key, { timer });
  };

  return {
    push(key: string, value: T): void {
      const entry = open.get(key);
      if (entry) {
        entry.latest = { value };
        return;
      }
      emit(value);
      startWindow(key);
    },
    /** Drops what is still held (the stream closed). */
    close(): void {
      for (const entry of open.values()) clearTimeout(entry.timer);
      open.clear();
    },
  };
}

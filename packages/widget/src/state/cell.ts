import { useLayoutEffect, useState } from 'preact/hooks';

/**
 * A value that can be watched: the widget's minimal take on a signal. `@preact/signals` would
 * cost 2.7 KiB gzip of a 20 KiB budget (measured on the built bundle); this is ~0.2 KiB. The
 * trade-off is that components subscribe explicitly with {@link useCell} instead of by reading.
 * The console keeps a copy (`packages/console/src/state/cell.ts`).
 */
export interface ReadonlyCell<T> {
  readonly value: T;
  /** Same as `value`; reads meant not to subscribe say so, as with signals. */
  peek(): T;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export interface Cell<T> extends ReadonlyCell<T> {
  value: T;
}

/**
 * Creates a cell. Setting the same value again notifies nobody.
 *
 * @example
 * const count = cell(0);
 * count.subscribe(() => console.log(count.value));
 * count.value++; // logs 1
 */
export function cell<T>(initial: T): Cell<T> {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    get value() {
      return current;
    },
    set value(next) {
      if (Object.is(next, current)) return;
      current = next;
      for (const listener of [...listeners]) listener();
    },
    peek: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Reads a cell in a component and re-renders it when the cell changes. Preact batches the
 * re-renders, so a burst of stream deltas in one task paints once.
 */
export function useCell<T>(source: ReadonlyCell<T>): T {
  const [, rerender] = useState(0);
  const rendered = source.peek();
  useLayoutEffect(() => {
    const update = () => rerender((n) => n + 1);
    // A change between this render and the subscription must not be missed.
    if (source.peek() !== rendered) update();
    return source.subscribe(update);
  }, [source]);
  return rendered;
}

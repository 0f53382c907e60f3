import { useLayoutEffect, useState } from 'preact/hooks';

/**
 * A value that can be watched: the widget's minimal take on a signal (about 0.2 KiB against
 * `@preact/signals`' 2.7 KiB gzip). Components subscribe explicitly with {@link useCell}.
 *
 * A copy of `packages/widget/src/state/cell.ts`; keep the two alike. It is not in
 * `@parley/shared`: that package holds the Preact-free contracts the server loads too, and
 * {@link useCell} needs Preact.
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

/** Reads a cell in a component and re-renders it when the cell changes. */
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

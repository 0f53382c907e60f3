/** A listener for one event type. */
export type Listener<T> = (detail: T) => void;

/** A tiny typed event emitter for the public `on` / `off` API. */
export interface Emitter<M> {
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): void;
  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void;
  emit<K extends keyof M>(type: K, detail: M[K]): void;
  clear(): void;
}

/**
 * Creates an emitter whose listeners cannot hurt the widget: a listener that throws is reported
 * on the console and the others still run.
 */
export function createEmitter<M>(): Emitter<M> {
  const listeners = new Map<keyof M, Set<Listener<never>>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      set.add(listener as Listener<never>);
      listeners.set(type, set);
    },
    off(type, listener) {
      listeners.get(type)?.delete(listener as Listener<never>);
    },
    emit(type, detail) {
      for (const listener of listeners.get(type) ?? []) {
        try {
          (listener as Listener<M[typeof type]>)(detail);
        } catch (error) {
          console.error(`Parley: a "${String(type)}" listener threw`, error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}

import type { Page } from '../store.js';
import { clampPageSize, decodeCursor, encodeCursor } from './paging.js';

/**
 * Records by id, pageable newest first by sort key, holding at most `capacity` (the oldest are
 * dropped). The memory store's tickets and feedback; ids are unique, sort keys are unique because
 * they end with the id.
 */
export class NewestFirstIndex<T> {
  readonly #byId = new Map<string, { key: string; value: T }>();
  /** Sort keys, ascending; records arrive roughly in time order so inserts land near the end. */
  readonly #keys: string[] = [];
  readonly #idByKey = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): T | undefined {
    return this.#byId.get(id)?.value;
  }

  *values(): Generator<T> {
    for (const entry of this.#byId.values()) yield entry.value;
  }

  /** Inserts or replaces the record `id`, placing it at `key`. */
  set(id: string, key: string, value: T): void {
    this.delete(id);
    this.#byId.set(id, { key, value });
    this.#idByKey.set(key, id);
    this.#keys.splice(this.#insertionPoint(key), 0, key);
    while (this.#keys.length > this.#capacity) {
      const oldest = this.#keys.shift()!;
      this.#byId.delete(this.#idByKey.get(oldest)!);
      this.#idByKey.delete(oldest);
    }
  }

  delete(id: string): void {
    const existing = this.#byId.get(id);
    if (!existing) return;
    this.#byId.delete(id);
    this.#idByKey.delete(existing.key);
    this.#keys.splice(this.#insertionPoint(existing.key), 1);
  }

  /** Newest first, starting after the record the cursor points at. */
  page(limit: number, cursor?: string): Page<T> {
    const size = clampPageSize(limit);
    // Everything strictly older than the cursor's key, i.e. left of its insertion point.
    let end = cursor === undefined ? this.#keys.length : this.#insertionPoint(decodeCursor(cursor));
    const items: T[] = [];
    let lastKey: string | undefined;
    while (end > 0 && items.length < size) {
      end--;
      lastKey = this.#keys[end]!;
      items.push(this.#byId.get(this.#idByKey.get(lastKey)!)!.value);
    }
    return end > 0 && lastKey !== undefined
      ? { items, nextCursor: encodeCursor(lastKey) }
      : { items };
  }

  /** The first index whose key is >= `key` (binary search). */
  #insertionPoint(key: string): number {
    let low = 0;
    let high = this.#keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#keys[mid]! < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

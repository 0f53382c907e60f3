/** One item of `list`, chosen by `random`. */
export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** Every field name that occurs anywhere in `values`, for mutations that add a field. */
export function fieldNames(values: readonly unknown[]): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, field] of Object.entries(value)) {
        names.add(key);
        visit(field);
      }
    }
  };
  values.forEach(visit);
  return [...names];
}

/**
 * Returns a changed copy of `value`: one edit somewhere in its tree. An array gets an item from
 * `pool` inserted, an item removed, or an item changed; an object gets a field removed, a field
 * (named from `keys`) set to an item of `pool`, or a field changed; anything else, and sometimes a
 * whole subtree, is replaced by an item of `pool`. The input is never modified, and values taken
 * from `pool` are never descended into by the same edit, so a pool may hold hostile values
 * (proxies, throwing getters) as long as they are only used in the last edit.
 */
export function mutate(
  value: unknown,
  random: () => number,
  pool: readonly unknown[],
  keys: readonly string[],
  depth = 0,
): unknown {
  const roll = random();
  if (depth > 4 || roll < 0.1) return pick(random, pool);
  if (Array.isArray(value)) {
    const copy = [...value];
    const index = Math.floor(random() * (copy.length + 1));
    if (roll < 0.4) copy.splice(index, 0, pick(random, pool));
    else if (roll < 0.6) copy.splice(index, 1);
    else copy[index] = mutate(copy[index], random, pool, keys, depth + 1);
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...value };
    const own = Object.keys(copy);
    if (roll < 0.35 && own.length > 0) delete copy[pick(random, own)];
    // A key of `__proto__` replaces the copy's prototype: inherited fields are part of the test.
    else if (roll < 0.6) copy[pick(random, keys)] = pick(random, pool);
    else if (own.length > 0) {
      const key = pick(random, own);
      copy[key] = mutate(copy[key], random, pool, keys, depth + 1);
    }
    return copy;
  }
  return pick(random, pool);
}

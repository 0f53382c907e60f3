/**
 * Runtime checks for what the server sends (replies, history, stream events), written without a
 * schema library so the widget can bundle them: it has 20 KiB for everything, and zod/mini costs
 * about 8 KiB gzip for these shapes alone. Each shape is declared once, as a check, and its type is
 * inferred from it; the server builds values of that type, the bundles check them on arrival.
 * What the server *receives* is declared with zod instead (`chat.ts`), where error messages per
 * field matter and bundle size does not.
 *
 * A check returns the checked value (a fresh copy for objects and arrays, unknown fields dropped)
 * or throws; {@link parseWith} turns a throw into `undefined`.
 */

/** Checks an unknown value; returns it typed, or throws. */
export type Check<T> = (value: unknown) => T;
/** A check whose field may be absent (`undefined`). */
export type OptionalCheck<T> = Check<T | undefined> & { readonly optional: true };
/** The type a check returns. */
export type Infer<C> = C extends Check<infer T> ? T : never;

// One error object for every refusal: building a stack trace per refused value would make
// checking a long list of bad entries slow, and the message is all anyone reads.
const UNEXPECTED = new TypeError('unexpected shape');
const invalid = (): never => {
  throw UNEXPECTED;
};

export const string: Check<string> = (value) => (typeof value === 'string' ? value : invalid());
export const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : invalid());
/** A finite number. */
export const number: Check<number> = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? value : invalid();

/** One of a fixed list of strings. */
export const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (value) =>
    (values as readonly unknown[]).includes(value) ? (value as T) : invalid();

/** The field may be absent; `null` is not absent. */
export const optional = <T>(check: Check<T>): OptionalCheck<T> =>
  Object.assign((value: unknown) => (value === undefined ? undefined : check(value)), {
    optional: true as const,
  });

/** Every item must pass. */
export const array =
  <T>(item: Check<T>): Check<T[]> =>
  (value) =>
    Array.isArray(value) ? Array.from(value, (entry) => item(entry)) : invalid();

/**
 * Items that do not pass are dropped rather than failing the list: a newer server may send kinds
 * of items an older bundle does not know, and the rest must still show.
 */
export const arrayOfValid =
  <T>(item: Check<T>): Check<T[]> =>
  (value) => {
    if (!Array.isArray(value)) return invalid();
    const out: T[] = [];
    for (const entry of value) {
      const checked = parseWith(item, entry);
      if (checked !== undefined) out.push(checked);
    }
    return out;
  };

type Shape = Record<string, Check<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends OptionalCheck<unknown> ? never : K;
}[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
/** The object type of a shape: optional checks become optional keys. */
export type ObjectOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & {
    [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

/**
 * An object with the shape's fields: anything but `null` and arrays, fields read as `value[key]`,
 * unknown fields dropped, an optional field present only when it has a value.
 */
export const object = <S extends Shape>(shape: S): Check<ObjectOf<S>> & { readonly shape: S } =>
  Object.assign(
    (value: unknown) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid();
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) {
        const checked = (shape[key] as Check<unknown>)(input[key]);
        if (checked !== undefined) out[key] = checked;
      }
      return out as ObjectOf<S>;
    },
    { shape },
  );

/**
 * The checked value, or `undefined` when it does not pass.
 *
 * @example
 * parseWith(Message, JSON.parse(body)) // Message | undefined
 */
export function parseWith<T>(check: Check<T>, value: unknown): T | undefined {
  try {
    return check(value);
  } catch {
    return undefined;
  }
}

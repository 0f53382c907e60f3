import { describe, expect, it } from 'vitest';
import { ConsoleApiError } from '../api/errors';
import { cell } from './cell';
import { latestLoad } from './latest';

/** A load whose answer the test gives (or refuses) when it wants. */
function pending<T>() {
  let answer!: (value: T) => void;
  let fail!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { request: () => promise, answer, fail };
}

function setup() {
  const loading = cell(false);
  const error = cell<string | undefined>(undefined);
  const shown: string[] = [];
  const latest = latestLoad(loading, error);
  const load = (request: () => Promise<string>) => latest.run(request, (v) => shown.push(v));
  return { loading, error, shown, latest, load };
}

describe('latestLoad', () => {
  it('applies only the latest answer, and loads until the latest one ends', async () => {
    const { loading, shown, load } = setup();
    const older = pending<string>();
    const newer = pending<string>();
    const first = load(older.request);
    const second = load(newer.request);
    expect(loading.value).toBe(true);
    newer.answer('newer');
    await second;
    older.answer('older');
    await first;
    expect(shown).toEqual(['newer']);
    expect(loading.value).toBe(false);
  });

  it('shows the latest failure until a load succeeds, and ignores an older one', async () => {
    const { error, load } = setup();
    await load(() => Promise.reject(new ConsoleApiError(503, 'unavailable', 'Try later.')));
    expect(error.value).toBe('Try later.');
    const older = pending<string>();
    const first = load(older.request);
    await load(() => Promise.resolve('fine'));
    older.fail(new ConsoleApiError(500, 'internal', 'Broken.'));
    await first;
    expect(error.value).toBeUndefined();
  });

  it('drops what is under way, and tells a next-page request whether it still applies', async () => {
    const { shown, latest, load } = setup();
    const stillCurrent = latest.stillCurrent();
    expect(stillCurrent()).toBe(true);
    const inFlight = pending<string>();
    const dropped = load(inFlight.request);
    expect(stillCurrent()).toBe(false);
    const afterLoad = latest.stillCurrent();
    latest.drop();
    inFlight.answer('too late');
    await dropped;
    expect(shown).toEqual([]);
    expect(afterLoad()).toBe(false);
  });
});

import { type Cell, cell } from './cell';

export const SOUND_KEY = 'parley-console:sound';

/** Reads and writes localStorage without throwing (it may be disabled or full). */
function storage(store: Storage | undefined) {
  return {
    read(key: string): string | null {
      try {
        return store?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    write(key: string, value: string): void {
      try {
        store?.setItem(key, value);
      } catch {
        // The preference lasts for this page only.
      }
    },
  };
}

/** The operator's settings on this browser: for now, the sound when someone starts waiting. */
export function createPreferences(store: Storage | undefined): { sound: Cell<boolean> } {
  const saved = storage(store);
  // Off unless the operator turned it on: a console must not start beeping unasked.
  const sound = cell(saved.read(SOUND_KEY) === 'on');
  sound.subscribe(() => saved.write(SOUND_KEY, sound.peek() ? 'on' : 'off'));
  return { sound };
}

type StorageKind = 'localStorage' | 'sessionStorage';

/**
 * Reads a storage item. Storage is best effort: merely touching `window.localStorage` throws in
 * some privacy modes and sandboxed iframes, and a failure must never break the chat.
 */
export function readStorage(kind: StorageKind, key: string): string | undefined {
  try {
    return window[kind].getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Writes (or, with `undefined`, removes) a storage item; quota and privacy errors are ignored. */
export function writeStorage(kind: StorageKind, key: string, value: string | undefined): void {
  try {
    if (value === undefined) window[kind].removeItem(key);
    else window[kind].setItem(key, value);
  } catch {
    // Without storage the conversation still works; it just does not survive a reload.
  }
}

/** What a keyboard shortcut does; the app maps each to a handler. */
export type ShortcutAction =
  | 'inbox'
  | 'tickets'
  | 'insights'
  | 'knowledge'
  | 'search'
  | 'next'
  | 'previous'
  | 'reply'
  | 'help';

export interface Shortcut {
  /** Keys pressed one after the other (`event.key` values). */
  keys: readonly string[];
  label: string;
  action: ShortcutAction;
}

/** Every shortcut, in the order the help dialog lists them: the one list both read. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['g', 'i'], label: 'Go to the inbox', action: 'inbox' },
  { keys: ['g', 't'], label: 'Go to tickets', action: 'tickets' },
  { keys: ['g', 'n'], label: 'Go to insights', action: 'insights' },
  { keys: ['g', 'k'], label: 'Go to the knowledge-base tester', action: 'knowledge' },
  { keys: ['/'], label: 'Search (the inbox, or the tester’s question)', action: 'search' },
  { keys: ['j'], label: 'Next conversation', action: 'next' },
  { keys: ['k'], label: 'Previous conversation', action: 'previous' },
  { keys: ['r'], label: 'Write a reply to the open conversation', action: 'reply' },
  { keys: ['?'], label: 'Show these shortcuts', action: 'help' },
];

/** How long the second key of a sequence may take. */
export const SEQUENCE_MS = 1500;

/** Key presses aimed at a form field are typing, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return Boolean(
    target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'),
  );
}

/**
 * Listens for the shortcuts on `target` (the document) and runs `run(action)`. Shortcuts never
 * fire while typing in a field, with Ctrl, Alt or Meta held, or while a dialog is open (it has
 * its own keys). Returns the function that stops listening.
 */
export function bindShortcuts(
  target: Pick<Document, 'addEventListener' | 'removeEventListener'>,
  run: (action: ShortcutAction) => void,
  options: { blocked?: () => boolean; now?: () => number } = {},
): () => void {
  const now = options.now ?? (() => Date.now());
  let pending: { key: string; at: number } | undefined;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || options.blocked?.()) return;
    const key = event.key;
    const first = pending && now() - pending.at <= SEQUENCE_MS ? pending.key : undefined;
    pending = undefined;
    const match =
      (first &&
        SHORTCUTS.find((s) => s.keys.length === 2 && s.keys[0] === first && s.keys[1] === key)) ||
      SHORTCUTS.find((s) => s.keys.length === 1 && s.keys[0] === key);
    if (match) {
      event.preventDefault();
      run(match.action);
      return;
    }
    if (SHORTCUTS.some((s) => s.keys.length === 2 && s.keys[0] === key)) {
      pending = { key, at: now() };
    }
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}

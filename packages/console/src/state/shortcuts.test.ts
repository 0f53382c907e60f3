import { describe, expect, it } from 'vitest';
import { bindShortcuts, SHORTCUTS, type ShortcutAction } from './shortcuts';

function setup(blocked = false) {
  const target = new EventTarget() as unknown as Document;
  const ran: ShortcutAction[] = [];
  let now = 0;
  const stop = bindShortcuts(target, (action) => ran.push(action), {
    blocked: () => blocked,
    now: () => now,
  });
  const press = (key: string, init: KeyboardEventInit = {}, on?: Element) => {
    const event = new KeyboardEvent('keydown', { key, cancelable: true, ...init });
    if (on) Object.defineProperty(event, 'target', { value: on });
    target.dispatchEvent(event);
    return event;
  };
  const wait = (ms: number) => {
    now += ms;
  };
  return { ran, press, stop, wait };
}

describe('keyboard shortcuts', () => {
  it('runs single keys and two-key sequences', () => {
    const { ran, press } = setup();
    press('g');
    press('i');
    press('g');
    press('t');
    press('k');
    press('j');
    press('/');
    press('?', { shiftKey: true });
    expect(ran).toEqual(['inbox', 'tickets', 'previous', 'next', 'search', 'help']);
  });

  it('lets a sequence lapse after a pause', () => {
    const { ran, press, wait } = setup();
    press('g');
    wait(2000);
    press('k');
    expect(ran).toEqual(['previous']);
  });

  it('ignores keys typed into fields, with modifiers, or while a dialog is open', () => {
    const { ran, press } = setup();
    const field = document.createElement('textarea');
    press('j', {}, field);
    press('j', { ctrlKey: true });
    press('r', { metaKey: true });
    expect(ran).toEqual([]);
    const blocked = setup(true);
    blocked.press('j');
    expect(blocked.ran).toEqual([]);
  });

  it('lists every shortcut once', () => {
    const keys = SHORTCUTS.map((s) => s.keys.join(' '));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

import { h, render } from 'preact';
import { createApiClient } from './api/client';
import { App } from './components/App';
import { createChatElement } from './element';
import { en, loadStrings, type Strings } from './i18n';
import { type MountOptions, resolveOptions } from './options';
import { setPartsServer } from './parts';
import { createChatState, type ParleyEvents } from './state/chat-state';
import type { Listener } from './state/emitter';
import { applyHostStyle, trackVisualViewport } from './theme/host-style';

export type { FailureCode } from './api/errors';
export type { MountOptions, ResolvedOptions } from './options';
export type { ParleyEvents } from './state/chat-state';
export type { Listener } from './state/emitter';

/** Controls one mounted widget; on the script-tag build this is `window.Parley`. */
export interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Opens the panel and sends `text` as the visitor; false when it could not be sent now. */
  send(text: string): boolean;
  /**
   * Tells Parley who the visitor is, with an identity token the site's backend signed. Their
   * conversation from another browser or device replaces this one; a refused token changes
   * nothing (one console warning says why).
   */
  identify(token: string): Promise<void>;
  on<K extends keyof ParleyEvents>(event: K, listener: Listener<ParleyEvents[K]>): void;
  off<K extends keyof ParleyEvents>(event: K, listener: Listener<ParleyEvents[K]>): void;
  /** Removes the widget, aborts any running answer and detaches every listener. */
  destroy(): void;
}

/** What {@link mount} returns: call it to unmount; it also carries the {@link ParleyApi}. */
export type ParleyInstance = (() => void) & ParleyApi;

/**
 * Mounts the chat widget: appends `<parley-chat>` (an open shadow root holding the launcher and
 * panel) and returns the function that removes it again.
 *
 * @example
 * import { mount } from '@parley/widget';
 *
 * const unmount = mount({ server: 'https://chat.example.com', title: 'Acme help', accent: '#0f766e' });
 * unmount.on('message', ({ role, text }) => console.log(role, text));
 * // later, e.g. when the SPA route changes
 * unmount();
 */
export function mount(options: MountOptions): ParleyInstance {
  const resolved = resolveOptions(options);
  setPartsServer(resolved.server);
  const origin = new URL(resolved.server).origin;
  const element = createChatElement();
  const state = createChatState({
    client: createApiClient({ server: resolved.server }),
    openKey: `parley:open:${origin}`,
    startOpen: resolved.open,
    identityToken: resolved.identityToken,
  });
  const parent = options.target ?? document.body;
  parent.append(element);
  applyHostStyle(element.hostStyle, resolved, element.parentElement ?? document.body);
  const stopTracking = trackVisualViewport(element.hostStyle);
  let mounted = true;
  const draw = (strings: Strings, lang = resolved.lang) => {
    if (mounted)
      render(h(App, { state, options: { ...resolved, lang }, strings }), element.shadowRoot);
  };
  // English is in the bundle and shows at once; another language shows once its part arrives.
  if (resolved.lang === 'en') draw(en);
  else {
    loadStrings(resolved.lang).then(draw, (error: unknown) => {
      console.warn(`Parley: the "${resolved.lang}" texts could not load; using English.`, error);
      draw(en, 'en');
    });
  }

  const unmount = () => {
    if (!mounted) return;
    mounted = false;
    render(null, element.shadowRoot);
    state.dispose();
    stopTracking();
    element.remove();
  };
  const api: ParleyApi = {
    open: () => state.setOpen(true),
    close: () => state.setOpen(false),
    toggle: () => state.setOpen(!state.isOpen.peek()),
    send(text) {
      state.setOpen(true);
      return state.send(text);
    },
    identify: state.identify,
    on: state.events.on,
    off: state.events.off,
    destroy: unmount,
  };
  return Object.assign(unmount, api);
}

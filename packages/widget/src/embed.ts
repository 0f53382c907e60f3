import { readWidgetConfig } from './config';
import { defineChatElement, TAG_NAME } from './element';
import { mount, type ParleyApi } from './index';

declare global {
  interface Window {
    /** The script-tag widget's API; the only global Parley adds. */
    Parley?: ParleyApi;
  }
}

/**
 * The `<script>` that loaded us. `currentScript` is set while a classic script (async included)
 * runs; the fallback finds a script whose src ends with widget.js.
 */
function findOwnScript(): HTMLScriptElement | undefined {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  return Array.from(document.scripts).find((script) => /\/widget\.js(?:[?#]|$)/.test(script.src));
}

function boot(): void {
  // Including the script twice (or next to an npm mount) must mount once. The element registry
  // is the latch, as it is shared by every copy of the script on the page.
  if (window.Parley || customElements.get(TAG_NAME)) return;
  const script = findOwnScript();
  const { config, warnings } = readWidgetConfig(script?.dataset ?? {});
  for (const warning of warnings) console.warn(warning);
  const server = config.server ?? new URL(script?.src || location.href).origin;
  // Defined now, not when the body exists, so a second copy running meanwhile sees the latch.
  defineChatElement();
  const start = () => {
    try {
      const instance = mount({ ...config, server });
      window.Parley = {
        ...instance,
        destroy() {
          instance();
          delete window.Parley;
        },
      };
    } catch (error) {
      console.error('Parley: the chat widget could not start', error);
    }
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
}

try {
  boot();
} catch (error) {
  // Nothing in the widget may break the host page, not even a browser without custom elements.
  console.error('Parley: the chat widget could not start', error);
}

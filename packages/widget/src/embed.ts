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
 * The `<script>` whose `data-*` attributes configure the widget: the first tag in document order
 * that loads this script. With two tags on a page (a CMS plugin plus a pasted one), async copies
 * run in any order and only the first to run mounts, so `currentScript` alone would make the
 * configuration a race. The running script (set while a classic script runs, async included) only
 * tells us which URL is ours, query and hash aside; without it, any src ending in widget.js is.
 */
function findConfigScript(): HTMLScriptElement | undefined {
  const path = (src = '') => src.split(/[?#]/)[0];
  // An SVG <script> has no string src, so it counts as unknown.
  const own = path((document.currentScript as HTMLScriptElement | null)?.src);
  return Array.from(document.scripts).find((script) =>
    own ? path(script.src) === own : /\/widget\.js(?:[?#]|$)/.test(script.src),
  );
}

function boot(): void {
  // Including the script twice (or next to an npm mount) must mount once. The element registry
  // is the latch, as it is shared by every copy of the script on the page.
  if (window.Parley || customElements.get(TAG_NAME)) return;
  const script = findConfigScript();
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

import css from './styles.css?inline';

/** The widget's tag name. */
export const TAG_NAME = 'parley-chat';

/** A `<parley-chat>` element: an open shadow root plus the rule that holds per-instance styles. */
export interface ChatElement extends HTMLElement {
  readonly shadowRoot: ShadowRoot;
  /** The `:host` rule of this instance's own stylesheet (accent, z-index, viewport height). */
  readonly hostStyle: CSSStyleDeclaration;
}

// One parsed copy of the base styles, shared by every instance on the page.
let baseSheet: CSSStyleSheet | undefined;

/**
 * Defines `<parley-chat>` once. The class is created on first use rather than at import time so
 * that importing the package during server-side rendering (no `HTMLElement`) cannot crash.
 */
export function defineChatElement(): void {
  if (customElements.get(TAG_NAME)) return;
  customElements.define(
    TAG_NAME,
    class extends HTMLElement {
      readonly hostStyle: CSSStyleDeclaration;

      constructor() {
        super();
        const root = this.attachShadow({ mode: 'open' });
        if (!baseSheet) {
          baseSheet = new CSSStyleSheet();
          baseSheet.replaceSync(css);
        }
        // Constructable sheets need no `<style>` element, so `style-src` CSPs without
        // 'unsafe-inline' still apply them.
        const own = new CSSStyleSheet();
        own.replaceSync(':host{}');
        root.adoptedStyleSheets = [baseSheet, own];
        this.hostStyle = (own.cssRules[0] as CSSStyleRule).style;
      }
    },
  );
}

/** Creates a `<parley-chat>` element (not yet attached). */
export function createChatElement(): ChatElement {
  defineChatElement();
  return document.createElement(TAG_NAME) as ChatElement;
}

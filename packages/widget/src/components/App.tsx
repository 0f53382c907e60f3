import { Component, type ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { Strings } from '../i18n';
import type { ResolvedOptions } from '../options';
import { useCell } from '../state/cell';
import type { ChatState } from '../state/chat-state';
import { Launcher } from './Launcher';
import { Panel } from './Panel';

export interface AppProps {
  state: ChatState;
  options: ResolvedOptions;
  strings: Strings;
}

/** The whole widget: launcher plus, while open, the panel. */
export function App({ state, options, strings }: AppProps) {
  const launcher = useRef<HTMLButtonElement>(null);
  const open = useCell(state.isOpen);
  const unread = useCell(state.unread);
  // The theme class is `light`, `dark` or `auto`; under `auto` a media query picks the colours.
  const classes = [
    'root',
    options.theme,
    options.position === 'bottom-left' && 'left',
    open && 'open',
  ];
  return (
    <ErrorBoundary>
      <div class={classes.filter(Boolean).join(' ')} dir={strings.dir} lang={options.lang}>
        <Launcher
          open={open}
          unread={unread}
          label={options.launcherLabel}
          strings={strings}
          buttonRef={launcher}
          onToggle={() => state.setOpen(!open)}
        />
        {open && (
          <Panel
            state={state}
            options={options}
            strings={strings}
            // After the close has rendered: on phones the launcher is hidden under the open panel
            // (out of the tab order) and only focusable again once the panel is gone.
            onFocusLeave={() => setTimeout(() => launcher.current?.focus())}
          />
        )}
      </div>
    </ErrorBoundary>
  );
}

/**
 * A rendering bug hides the widget instead of throwing into the host page. This is the last
 * resort: a message that fails to render falls back to its text on its own (see Markdown).
 */
class ErrorBoundary extends Component<{ children: ComponentChildren }, { failed?: boolean }> {
  override componentDidCatch(error: unknown): void {
    console.error('Parley: the chat failed to render', error);
    this.setState({ failed: true });
  }

  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

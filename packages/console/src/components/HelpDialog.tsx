import { SHORTCUTS } from '../state/shortcuts';
import { Dialog } from './Dialog';

export interface HelpDialogProps {
  onClose(): void;
}

/** The keyboard shortcuts, read from the same list the key handler uses. */
export function HelpDialog({ onClose }: HelpDialogProps) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table class="shortcuts">
        <caption class="sr-only">Keys and what they do</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action}>
              <td>
                {shortcut.keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 && <span class="then"> then </span>}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Enter</kbd> / <kbd>Shift</kbd>+<kbd>Enter</kbd>
            </td>
            <td>In a reply box: send / new line</td>
          </tr>
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>Close this dialog</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">Shortcuts are off while you type in a field.</p>
    </Dialog>
  );
}

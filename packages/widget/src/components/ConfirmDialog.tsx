import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * An in-widget confirmation: `window.confirm` would block the host page and cannot be styled.
 * Focus starts on Cancel, the safe choice, and stays on the two buttons until one is chosen;
 * Escape cancels.
 */
export function ConfirmDialog({
  message,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);

  useEffect(() => cancel.current?.focus(), []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'Tab') {
      event.preventDefault();
      const onCancelButton = event.target === cancel.current;
      (onCancelButton ? confirm : cancel).current?.focus();
    }
  };

  return (
    <div class="overlay">
      <div
        class="confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="parley-confirm"
        onKeyDown={onKeyDown}
      >
        <p id="parley-confirm">{message}</p>
        <div class="actions">
          <button ref={cancel} type="button" class="btn" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button ref={confirm} type="button" class="btn primary" onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../../test/fake-fetch';
import { freshPageForEachTest, mountWidget, server } from '../../test/widget-harness';

freshPageForEachTest();

describe('languages', () => {
  it('follows the page language, loading its texts first', async () => {
    document.documentElement.lang = 'de-DE';
    const { ui, host } = mountWidget();
    // Nothing shows in the wrong language meanwhile.
    expect(host.shadowRoot.querySelector('button')).toBeNull();
    await vi.waitFor(() => ui.getByRole('button', { name: 'Chat öffnen' }));
    fireEvent.click(ui.getByRole('button', { name: 'Chat öffnen' }));
    await settle();
    expect(ui.getByRole('dialog', { name: 'Support' })).toBeTruthy();
    expect(ui.getByRole('textbox', { name: 'Nachricht' })).toBeTruthy();
  });

  it('lays Arabic out right to left', async () => {
    const { ui, host } = mountWidget(server(), { lang: 'ar' });
    await vi.waitFor(() => ui.getByRole('button', { name: 'فتح المحادثة' }));
    const root = host.shadowRoot.querySelector('.root');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(root?.getAttribute('lang')).toBe('ar');
    fireEvent.click(ui.getByRole('button', { name: 'فتح المحادثة' }));
    await settle();
    expect(ui.getByRole('dialog', { name: 'الدعم' })).toBeTruthy();
  });

  it('uses English for languages it does not ship', () => {
    document.documentElement.lang = 'pt-BR';
    const { host } = mountWidget();
    expect(host.shadowRoot.querySelector('.root')?.getAttribute('dir')).toBe('ltr');
    expect(
      within(host.shadowRoot as unknown as HTMLElement).getByRole('button', { name: 'Open chat' }),
    ).toBeTruthy();
  });
});

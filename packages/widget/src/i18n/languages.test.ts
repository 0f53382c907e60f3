import { fireEvent, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle } from '../../test/fake-fetch';
import { freshPage, mountWidget, server, unmountWidget } from '../../test/widget-harness';

beforeEach(() => freshPage());
afterEach(unmountWidget);

describe('languages', () => {
  it('follows the page language', async () => {
    document.documentElement.lang = 'de-DE';
    const { ui } = mountWidget();
    expect(ui.getByRole('button', { name: 'Chat öffnen' })).toBeTruthy();
    fireEvent.click(ui.getByRole('button', { name: 'Chat öffnen' }));
    await settle();
    expect(ui.getByRole('dialog', { name: 'Support' })).toBeTruthy();
    expect(ui.getByRole('textbox', { name: 'Nachricht' })).toBeTruthy();
  });

  it('lays Arabic out right to left', async () => {
    const { ui, host } = mountWidget(server(), { lang: 'ar' });
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

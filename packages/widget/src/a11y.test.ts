import { fireEvent, within } from '@testing-library/preact';
import axe from 'axe-core';
import { describe, expect, it, vi } from 'vitest';
import { answer, settle, stored, storedFrame } from '../test/fake-fetch';
import { contactServer, freshPageForEachTest, mountWidget } from '../test/widget-harness';

freshPageForEachTest();

async function seriousViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    resultTypes: ['violations'],
    // happy-dom does no layout, so rules that need rendered colours or boxes cannot run here.
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core)', () => {
  it('has no serious violations closed, open, with an answer, and through the human loop', async () => {
    const server = contactServer([
      ...answer('See [the guide](https://help.example.com) and `code`.', {
        citations: [{ title: 'Guide', url: 'https://help.example.com/guide' }],
      }),
      { event: 'status', data: { status: 'waiting', waitMinutes: 2, contactKnown: false } },
      { event: 'contact', data: { reason: 'follow_up' } },
    ]);
    const { instance, ui } = mountWidget(server.handler, { starters: ['Pricing?'] });
    expect(await seriousViolations()).toEqual([]);

    instance.open();
    await settle();
    expect(await seriousViolations()).toEqual([]);

    instance.send('Where is the guide?');
    await settle();
    const form = await vi.waitFor(() => ui.getByRole('form'));
    server.events().send({
      event: 'status',
      data: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
    });
    server
      .events()
      .send(storedFrame(stored('operator', 'Dana here, **hello**.', { author: { name: 'Dana' } })));
    await settle();
    expect(await seriousViolations()).toEqual([]);

    // The form with an error on its field, then the thanks.
    fireEvent.submit(form);
    await settle();
    expect(ui.getByText('Enter your email address.')).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
    (within(form).getByRole('textbox', { name: 'Email' }) as HTMLInputElement).value = 'a@b.co';
    fireEvent.submit(form);
    await vi.waitFor(() => ui.getByText(/Thanks!/));
    expect(await seriousViolations()).toEqual([]);
  });
});

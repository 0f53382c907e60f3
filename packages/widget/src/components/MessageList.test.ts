import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { answer, historyPage, settle, sseResponse, stored } from '../../test/fake-fetch';
import {
  conversationServer,
  freshPageForEachTest,
  mountWidget,
  openPanel,
  sendMessage,
} from '../../test/widget-harness';

freshPageForEachTest({ token: 'tok' });

/** Three pages of history, newest first; the cursor of each is its oldest message's position. */
function pagedServer() {
  return conversationServer({
    history: (request) => {
      const before = request.query.get('before');
      if (!before)
        return historyPage(
          [stored('user', 'page 3', { seq: 30 }), stored('assistant', 'newest', { seq: 31 })],
          { before: '30' },
        );
      if (before === '30')
        return historyPage([stored('user', 'page 2', { seq: 20 })], { before: '20' });
      return historyPage([stored('user', 'page 1', { seq: 1 })]);
    },
    turns: [() => sseResponse(answer('Fresh answer'))],
  });
}

/** Gives the transcript a layout happy-dom lacks: a height that grows with its messages. */
function layout(log: HTMLElement) {
  Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(log, 'scrollHeight', {
    configurable: true,
    get: () => 100 * log.querySelectorAll('.msg').length,
  });
}

describe('MessageList', () => {
  it('keeps history above the live log, so screen readers hear only what arrives now', async () => {
    const { ui } = mountWidget(pagedServer().handler);
    await openPanel(ui);
    await settle();
    const log = ui.getByRole('log');
    expect(ui.getByText('newest')).toBeTruthy();
    expect(within(log).queryByText('newest')).toBeNull();
    await sendMessage(ui, 'Another question');
    expect(within(log).getByText('Another question')).toBeTruthy();
    expect(within(log).getByText('Fresh answer')).toBeTruthy();
  });

  it('offers earlier messages instead of the greeting until the first one is shown', async () => {
    const { ui, active, host } = mountWidget(pagedServer().handler, { greeting: 'Hello!' });
    await openPanel(ui);
    await settle();
    expect(ui.queryByText('Hello!')).toBeNull();
    const earlier = ui.getByRole('button', { name: 'Earlier messages' });
    earlier.focus();
    fireEvent.click(earlier);
    await settle();
    expect(ui.getByText('page 2')).toBeTruthy();
    expect(active()).toBe(earlier);
    fireEvent.click(earlier);
    await settle();
    const texts = [...host.shadowRoot.querySelectorAll('.bubble')].map((b) => b.textContent);
    expect(texts).toEqual(['Hello!', 'page 1', 'page 2', 'page 3', 'newest']);
    expect(ui.queryByRole('button', { name: 'Earlier messages' })).toBeNull();
    // The button is gone; focus stays in the transcript rather than falling to the page.
    expect(active()).toBe(host.shadowRoot.querySelector('.log'));
  });

  it('loads the page before when scrolled to the top, keeping the same messages in view', async () => {
    const { ui, host, requests } = mountWidget(pagedServer().handler);
    await openPanel(ui);
    await settle();
    const log = host.shadowRoot.querySelector('.log') as HTMLElement;
    layout(log);
    log.scrollTop = 20;
    fireEvent.scroll(log);
    fireEvent.scroll(log);
    await settle();
    expect(requests.filter((r) => r.query.get('before') === '30')).toHaveLength(1);
    expect(ui.getByText('page 2')).toBeTruthy();
    // One message (100px) was added above: what was 20px from the top still is, below it.
    expect(log.scrollTop).toBe(120);
  });
});

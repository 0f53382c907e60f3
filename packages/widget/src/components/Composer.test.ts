import { fireEvent } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { answer, openStream, settle, sseResponse } from '../../test/fake-fetch';
import {
  freshPageForEachTest,
  mountWidget,
  openPanel,
  server,
  typeMessage,
} from '../../test/widget-harness';

freshPageForEachTest();

describe('composer keyboard', () => {
  it('sends on Enter and clears the box', async () => {
    const { ui, chats } = mountWidget(server(() => sseResponse(answer('Hi!'))));
    await openPanel(ui);
    const box = await typeMessage(ui, 'Hello');
    const enter = fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    expect(enter).toBe(false);
    expect(chats()).toHaveLength(1);
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('leaves Shift+Enter and IME composition to the textarea', async () => {
    const { ui, chats } = mountWidget();
    await openPanel(ui);
    const box = await typeMessage(ui, 'line one');
    expect(fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })).toBe(true);
    expect(fireEvent.keyDown(box, { key: 'Enter', isComposing: true })).toBe(true);
    await settle();
    expect(chats()).toHaveLength(0);
  });

  it('sends with the Send button, which becomes Stop while the answer streams', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui, requests } = mountWidget(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    await openPanel(ui);
    await typeMessage(ui, 'Explain everything');
    fireEvent.click(ui.getByRole('button', { name: 'Send' }));
    await settle();
    stream.send({ event: 'delta', data: { text: 'Well, ' } });
    await settle();
    fireEvent.click(ui.getByRole('button', { name: 'Stop' }));
    await settle();
    const chat = requests.find((r) => r.path === '/api/chat');
    expect(chat?.signal?.aborted).toBe(true);
    expect(ui.getByText('Stopped')).toBeTruthy();
    expect(ui.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('shows a counter near the length limit', async () => {
    const { ui } = mountWidget();
    await openPanel(ui);
    await typeMessage(ui, 'x'.repeat(3500));
    expect(ui.queryByText(/\/4000/)).toBeNull();
    const box = await typeMessage(ui, 'x'.repeat(3700));
    expect(ui.getByText('3700/4000')).toBeTruthy();
    expect(box.getAttribute('aria-describedby')).toBe('parley-count');
    expect(box.getAttribute('maxlength')).toBe('4000');
  });
});

import { act, fireEvent } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { answer, errorResponse, openStream, settle, sseResponse } from '../test/fake-fetch';
import {
  freshPageForEachTest,
  mountWidget,
  openPanel,
  sendMessage,
  server,
} from '../test/widget-harness';

freshPageForEachTest();

describe('JS API', () => {
  it('opens, closes, toggles, sends and reports events', async () => {
    const { ui, instance } = mountWidget(server(() => sseResponse(answer('Pong'))));
    const events: string[] = [];
    const onMessage = (m: { role: string; text: string }) => events.push(`${m.role}:${m.text}`);
    instance.on('open', () => events.push('open'));
    instance.on('close', () => events.push('close'));
    instance.on('message', onMessage);

    act(() => instance.open());
    expect(ui.getByRole('dialog')).toBeTruthy();
    act(() => instance.toggle());
    expect(ui.queryByRole('dialog')).toBeNull();
    act(() => {
      expect(instance.send('Ping')).toBe(true);
    });
    await settle();
    instance.off('message', onMessage);
    act(() => instance.close());
    expect(events).toEqual(['open', 'close', 'open', 'user:Ping', 'assistant:Pong', 'close']);
  });

  it('shows an unread badge when an answer arrives while closed', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui, instance } = mountWidget(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    act(() => {
      instance.send('Are you there?');
    });
    await settle();
    act(() => instance.close());
    for (const event of answer('Yes!')) stream.send(event);
    await settle();
    const launcher = ui.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-describedby')).toBe('parley-unread');
    expect(ui.getByText('1 new message')).toBeTruthy();
    fireEvent.click(launcher);
    await settle();
    expect(ui.queryByText('1 new message')).toBeNull();
  });

  it('identifies the visitor from the option and from identify(), and warns once if refused', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { instance, requests } = mountWidget(
      (request) =>
        request.path === '/api/chat/identify'
          ? errorResponse(401, 'identity_invalid')
          : new Response(null, { status: 204 }),
      { identityToken: 'h.p.s' },
    );
    await settle();
    await instance.identify('h.p.t');
    expect(requests.filter((r) => r.path === '/api/chat/identify').map((r) => r.body)).toEqual([
      { token: 'h.p.s' },
      { token: 'h.p.t' },
    ]);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('unmounts completely', () => {
    const { instance } = mountWidget();
    instance();
    expect(document.querySelector('parley-chat')).toBeNull();
    instance();
  });
});

describe('isolation', () => {
  it('styles through adopted sheets only: no style attributes, no <style> elements', async () => {
    const { ui, host } = mountWidget(
      server(() => sseResponse(answer('**Styled** answer'))),
      {
        accent: '#0f766e',
        zIndex: 42,
        starters: ['One'],
      },
    );
    await openPanel(ui);
    await sendMessage(ui, 'x');
    expect(host.hasAttribute('style')).toBe(false);
    expect(host.shadowRoot.querySelectorAll('[style], style')).toHaveLength(0);
    expect(host.shadowRoot.adoptedStyleSheets).toHaveLength(2);
    const own = host.shadowRoot.adoptedStyleSheets[1]?.cssRules[0] as CSSStyleRule;
    expect(own.style.getPropertyValue('--parley-accent')).toBe('#0f766e');
    expect(own.style.getPropertyValue('z-index')).toBe('42');
    expect(own.style.getPropertyPriority('z-index')).toBe('important');
  });

  it('ignores an accent the browser does not take for a colour', () => {
    // happy-dom's CSS.supports accepts anything; browsers refuse this value.
    const supports = vi.fn(() => false);
    vi.stubGlobal('CSS', { supports });
    const { host } = mountWidget(server(), { accent: 'red; } * { display: none' });
    expect(supports).toHaveBeenCalledWith('color', 'red; } * { display: none');
    const own = host.shadowRoot.adoptedStyleSheets[1]?.cssRules[0] as CSSStyleRule;
    expect(own.style.getPropertyValue('--parley-accent')).toBe('');
  });

  it('applies the theme and position as classes', () => {
    const { host } = mountWidget(server(), { theme: 'dark', position: 'bottom-left' });
    expect(host.shadowRoot.querySelector('.root')?.className).toBe('root dark left');
  });
});

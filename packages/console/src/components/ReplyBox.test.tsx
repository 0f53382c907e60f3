import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '../../test/fake-server';
import { ReplyBox } from './ReplyBox';

afterEach(cleanup);

function setup(result = true, disabledReason?: string) {
  const sent: string[] = [];
  render(
    <ReplyBox
      id="r"
      label="Reply to Maria"
      disabledReason={disabledReason}
      onSend={async (text) => {
        sent.push(text);
        return result;
      }}
    />,
  );
  const box = screen.getByRole('textbox', { name: 'Reply to Maria' }) as HTMLTextAreaElement;
  const type = (value: string) => fireEvent.input(box, { target: { value } });
  return { sent, box, type };
}

describe('the reply box', () => {
  it('sends on Enter and empties itself', async () => {
    const { sent, box, type } = setup();
    type('Hello there');
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    expect(sent).toEqual(['Hello there']);
    expect(box.value).toBe('');
  });

  it('leaves Shift+Enter to make a new line, and Enter alone while composing', async () => {
    const { sent, box, type } = setup();
    type('Line one');
    const shift = fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    const composing = fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    await settle();
    // Not prevented: the browser inserts the line break (or commits the character).
    expect(shift).toBe(true);
    expect(composing).toBe(true);
    expect(sent).toEqual([]);
  });

  it('sends nothing blank, and keeps the text when sending fails', async () => {
    const { sent, box, type } = setup(false);
    type('   ');
    fireEvent.keyDown(box, { key: 'Enter' });
    type('Keep me');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    expect(sent).toEqual(['Keep me']);
    expect(box.value).toBe('Keep me');
  });

  it('says why it is disabled', () => {
    const { box } = setup(true, 'The conversation is closed.');
    expect(box.disabled).toBe(true);
    expect(screen.getByText('The conversation is closed.').id).toBe(
      box.getAttribute('aria-describedby'),
    );
  });
});

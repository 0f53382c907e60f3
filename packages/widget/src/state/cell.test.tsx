import { act, render } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { cell, useCell } from './cell';

describe('cell', () => {
  it('notifies subscribers on change, not on the same value', () => {
    const count = cell(0);
    const listener = vi.fn();
    const unsubscribe = count.subscribe(listener);
    count.value = 1;
    count.value = 1;
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    count.value = 2;
    expect(listener).toHaveBeenCalledTimes(1);
    expect(count.peek()).toBe(2);
  });

  it('re-renders only the components that read it', async () => {
    const a = cell('a1');
    const b = cell('b1');
    const renders = { a: 0, b: 0 };
    function A() {
      renders.a++;
      return <p>{useCell(a)}</p>;
    }
    function B() {
      renders.b++;
      return <p>{useCell(b)}</p>;
    }
    const { container } = render(
      <>
        <A />
        <B />
      </>,
    );
    await act(() => {
      a.value = 'a2';
    });
    expect(container.textContent).toBe('a2b1');
    expect(renders).toEqual({ a: 2, b: 1 });
  });

  it('does not miss a change made before the component subscribed', async () => {
    const value = cell(1);
    function Show() {
      const current = useCell(value);
      if (current === 1) value.value = 2;
      return <p>{current}</p>;
    }
    const { container } = render(<Show />);
    await act(() => undefined);
    expect(container.textContent).toBe('2');
  });
});

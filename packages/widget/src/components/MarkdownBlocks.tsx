import type { VNode } from 'preact';
import { useRef } from 'preact/hooks';
import { type Block, type Inline, splitBlocks } from '../markdown/parse';

export interface MarkdownBlocksProps {
  /** Untrusted markdown from the model; it is parsed, never interpreted as HTML. */
  source: string;
}

/**
 * Renders model output as elements and text nodes built from a parse: there is no HTML path. It
 * ships as a part (`markdown`), loaded when the chat first shows a message.
 *
 * While an answer streams, every delta re-renders it. Each block keeps its source and vnodes by
 * position, so only a block whose source changed (the last, still growing one) is parsed again,
 * and Preact skips the vnodes it has already rendered.
 */
export function MarkdownBlocks({ source }: MarkdownBlocksProps) {
  const cache = useRef<[string, VNode][]>([]).current;
  return splitBlocks(source).map(([piece, parse], k) => {
    let entry = cache[k];
    if (entry?.[0] !== piece) {
      entry = [piece, renderBlock(parse(), k)];
      cache[k] = entry;
    }
    return entry[1];
  });
}

function renderBlock(block: Block, key: number): VNode {
  switch (block.type) {
    case 'paragraph':
      return <p key={key}>{renderInlines(block.children)}</p>;
    case 'heading':
      return (
        <p key={key}>
          <strong>{renderInlines(block.children)}</strong>
        </p>
      );
    case 'code':
      return (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable).
        <pre key={key} tabIndex={0}>
          <code>{block.text}</code>
        </pre>
      );
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderListItem(item)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
  }
}

/** List items render tight: a leading paragraph becomes plain inline content. */
function renderListItem(blocks: Block[]) {
  return blocks.map((block, i) =>
    i || block.type !== 'paragraph' ? renderBlock(block, i) : renderInlines(block.children),
  );
}

function renderInlines(nodes: Inline[]) {
  return nodes.map(renderInline);
}

function renderInline(node: Inline, key: number) {
  if (typeof node === 'string') return node;
  if (node.type === 'code') return <code key={key}>{node.text}</code>;
  const children = renderInlines(node.children);
  if (node.type === 'link') {
    return (
      <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    );
  }
  // `strong` and `em` are their own tag names.
  const Tag = node.type;
  return <Tag key={key}>{children}</Tag>;
}

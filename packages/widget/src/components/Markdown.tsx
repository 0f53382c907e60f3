import type { VNode } from 'preact';
import { useMemo } from 'preact/hooks';
import { type Block, type Inline, parseMarkdown } from '../markdown/parse';

export interface MarkdownProps {
  /** Untrusted markdown from the model; it is parsed, never interpreted as HTML. */
  source: string;
}

/** Renders model output as elements and text nodes built from a parse: there is no HTML path. */
export function Markdown({ source }: MarkdownProps) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return <>{blocks.map(renderBlock)}</>;
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
function renderListItem([first, ...rest]: Block[]) {
  if (first?.type !== 'paragraph')
    return [first, ...rest].filter((b) => b !== undefined).map(renderBlock);
  return [renderInlines(first.children), ...rest.map((block, i) => renderBlock(block, i + 1))];
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
  return node.type === 'strong' ? (
    <strong key={key}>{children}</strong>
  ) : (
    <em key={key}>{children}</em>
  );
}

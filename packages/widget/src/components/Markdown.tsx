import { Component } from 'preact';
import { MAX_MARKDOWN_LENGTH } from '../markdown/parse';
import { part } from '../parts';
import { useCell } from '../state/cell';

export interface MarkdownProps {
  /** Untrusted markdown from the model; it is parsed, never interpreted as HTML. */
  source: string;
}

/**
 * Shows model output rendered from its Markdown (see `MarkdownBlocks`). Until the renderer has
 * loaded (it is a part), and for a message past {@link MAX_MARKDOWN_LENGTH} or one whose
 * rendering throws, the raw text shows instead, so one bad message never takes the rest of the
 * chat down with it.
 */
export class Markdown extends Component<MarkdownProps, { failed?: boolean }> {
  override componentDidCatch(error: unknown): void {
    console.error('Parley: a message failed to render', error);
    this.setState({ failed: true });
  }

  override render({ source }: MarkdownProps) {
    return this.state.failed || source.length > MAX_MARKDOWN_LENGTH ? (
      <p>{source}</p>
    ) : (
      <Rendered source={source} />
    );
  }
}

function Rendered({ source }: MarkdownProps) {
  const renderer = useCell(part('markdown'));
  return renderer ? <renderer.MarkdownBlocks source={source} /> : <p>{source}</p>;
}

/*
 * The Markdown renderer as the script-tag build loads it: `dist/widget/markdown.js`, built by
 * `vite build --mode parts` with widget.js's Preact handed over through `bindRuntime`.
 */
export { bindRuntime } from 'parley:runtime';
export { MarkdownBlocks } from '../components/MarkdownBlocks';

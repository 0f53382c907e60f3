/*
 * The contact-form part as the script-tag build loads it: `dist/widget/contact-form.js`, built by
 * `vite build --mode parts`, where `preact` and `parley:runtime` resolve to the runtime that
 * widget.js hands over through `bindRuntime` before it renders the form.
 */
export { bindRuntime } from 'parley:runtime';
export { ContactForm } from '../components/ContactForm';

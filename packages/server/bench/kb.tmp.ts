import { createKnowledgeBase, DEFAULT_KB_DIR } from '../src/knowledge/knowledge-base.js';
import { formatSearchResults } from '../src/knowledge/format-results.js';
const kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR, watch: false });
console.log('articles', kb.size);
for (const q of ['How do I reset my password?', 'my invoice shows a wrong VAT number', 'the router keeps blinking orange after the firmware update']) {
  for (let i = 0; i < 300; i++) formatSearchResults(kb.search(q, 3));
  const t = performance.now(); const N = 2000;
  for (let i = 0; i < N; i++) formatSearchResults(kb.search(q, 3));
  const s = performance.now(); for (let i = 0; i < N; i++) kb.search(q, 3);
  const e = performance.now();
  console.log(q, ((s - t) / N).toFixed(3), 'ms search+format;', ((e - s) / N).toFixed(3), 'ms search only');
}
await kb.close();

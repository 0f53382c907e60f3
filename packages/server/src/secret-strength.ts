/**
 * A rough strength check for operator-chosen tokens and secrets. It cannot prove a value random,
 * but it refuses the obviously weak ones an operator types while testing and then ships:
 * `aaaaaaaaaaaaaaaa`, `abcabcabcabcabca`, `1111222233334444`, `changemechangeme`.
 */

/**
 * Estimated bits of entropy: the length times the Shannon entropy of the value's own character
 * distribution. Random hex scores about 3.9 bits a character, random base64 about 5.5; a value
 * built from few distinct characters scores low however long it is.
 *
 * @example
 * estimateEntropyBits('aaaaaaaaaaaaaaaa'); // 0
 * estimateEntropyBits('3f9c0a7be41d5286'); // 64
 */
export function estimateEntropyBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...counts.values()].reduce((sum, n) => sum + n, 0);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / length;
    perChar -= p * Math.log2(p);
  }
  return length * perChar;
}

/** Whether the value is one short piece repeated (`abcabcabc…`, `changeme` twice). */
function isRepetition(value: string): boolean {
  for (let unit = 1; unit <= value.length / 2; unit++) {
    if (value.length % unit !== 0) continue;
    const piece = value.slice(0, unit);
    if (piece.repeat(value.length / unit) === value) return true;
  }
  return false;
}

/** Why a value is too weak to guard access, or undefined when it is acceptable. */
export function weakSecretReason(value: string, minBits: number): string | undefined {
  if (isRepetition(value)) return 'is one short piece repeated; use a random value';
  const bits = estimateEntropyBits(value);
  if (bits < minBits) {
    return `looks guessable (about ${Math.floor(bits)} bits of entropy, at least ${minBits} needed); generate one with \`openssl rand -hex 32\``;
  }
  return undefined;
}

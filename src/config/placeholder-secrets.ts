// Words that mark a secret someone meant to replace: a shipped example, a template default. A key
// that holds one was published somewhere (this repository, a chart, a tutorial), so anyone can sign
// with it; a process must not start with it.
const PLACEHOLDER_WORDS = ["replace-me", "replace_me", "replaceme", "change-me", "change_me", "changeme", "change-this", "example", "placeholder", "your-secret", "secret-key", "dummy"];

/** True when a secret is a known placeholder or plainly repetitive (one character, "aaaa..."). */
export function isPlaceholderSecret(value: string): boolean {
  const lower = value.toLowerCase();
  return PLACEHOLDER_WORDS.some((word) => lower.includes(word)) || new Set(value).size <= 2;
}

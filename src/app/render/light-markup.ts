/**
 * Answers are written in one light markup, the subset Slack's mrkdwn and a terminal both read:
 * *bold*, • bullets, `code` and line breaks. Each renderer maps it to its surface from here.
 */
const BOLD = /(^|[\s(“"])\*([^*\n]+?)\*(?=$|[\s.,;:!?)”"])/gm;

/** Rewrite every *bold* span with `wrap` (e.g. to **bold** for Markdown, or bare for plain text). */
export function mapBold(text: string, wrap: (inner: string) => string): string {
  return text.replace(BOLD, (_match, before: string, inner: string) => `${before}${wrap(inner)}`);
}

/** Where each *bold* span's two markers stand in `text`: [opening index, closing index]. */
export function boldMarkers(text: string): [number, number][] {
  return Array.from(text.matchAll(BOLD), (match) => {
    const open = match.index + match[1].length;
    return [open, open + match[2].length + 1];
  });
}

/**
 * Characters someone else's text (a spec) must not carry raw into what we write: generated files,
 * a terminal, a pull-request body.
 */

/**
 * C0 controls other than tab and line feed, DEL and the C1 controls (ESC and CSI start the
 * terminal's escape sequences), U+2028/U+2029 (line terminators to JavaScript), and the invisible
 * and bidirectional formatting characters ("Trojan Source", CVE-2021-42574: U+202E can make a
 * comment read as code in an editor or a review).
 */
export const UNSAFE_CHARACTERS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export const escape = (char: string): string =>
  `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every UNSAFE_CHARACTERS character written as a `\uXXXX` escape. Spec text reaches
 * generated files only inside strings (TypeScript or JSON: the escape is the same character),
 * comments (where it reads as the escape) and quoted or escaped names, so applied to a whole
 * generated file it changes no value and leaves nothing raw.
 */
export function escapeUnsafeCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, escape);
}

/**
 * One line of text with UNSAFE_CHARACTERS and line feeds escaped: printableLine
 * (common/printable-line.ts) without its one exception, every joiner escaped too. For names that
 * are ASCII tokens when valid (a header's, in the client's option errors), where no emoji belongs;
 * apart so that the client's entry chunk does not carry printableLine's pictograph tests.
 */
export function escapedLine(text: string): string {
  return escapeUnsafeCharacters(text).replace(/\n/g, escape);
}

/**
 * Spec text on its way into generated TypeScript. A spec is someone else's input: a title such as
 * `x *\/ export const pwned = 1; /*` (with a real `*\/`) must stay a comment, never become code that runs on import.
 */

/** Line breaks a `/** ... *\/` line must not carry (ECMAScript line terminators). */
const LINE_BREAKS = /[\r\n\u2028\u2029]+/g;

/**
 * Text safe inside a one-line `/** ... *\/` comment: `*\/` cannot close it (written `*\/`, as
 * openapi-typescript does), and line breaks become spaces so the comment stays one line.
 */
export function commentText(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(/\*\//g, '*\\/');
}

/**
 * Characters no generated file carries raw: C0 controls other than tab and line feed, DEL and the
 * C1 controls, U+2028/U+2029 (line terminators to JavaScript), and the invisible and
 * bidirectional formatting characters ("Trojan Source", CVE-2021-42574: U+202E can make a
 * comment read as code in an editor or a review).
 */
export const UNSAFE_CHARACTERS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * `text` with every UNSAFE_CHARACTERS character written as a `\uXXXX` escape. Spec text reaches
 * generated files only inside strings (TypeScript or JSON: the escape is the same character),
 * comments (where it reads as the escape) and quoted or escaped names, so applied to a whole
 * generated file it changes no value and leaves nothing raw.
 */
export function escapeUnsafeCharacters(text: string): string {
  return text.replace(
    UNSAFE_CHARACTERS,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A TypeScript string literal for any text (JSON's escaping is valid TypeScript). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/** True when `name` is a plain identifier the generator may declare (`export type <name>`). */
export function isPlainIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

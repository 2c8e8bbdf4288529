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

/** A TypeScript string literal for any text (JSON's escaping is valid TypeScript). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/** True when `name` is a plain identifier the generator may declare (`export type <name>`). */
export function isPlainIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

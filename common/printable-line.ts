/**
 * Someone else's text (a server's message, a name upstream) as one line for a terminal, a log or a
 * markdown table (common/unsafe-characters.ts says which characters and why).
 */
import { escape } from './unsafe-characters.ts';

/** UNSAFE_CHARACTERS and the line feed. */
const UNSAFE_IN_A_LINE =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** A pictograph just before (with its variation selector or skin tone), as an emoji sequence has. */
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}[\ufe0f\u{1f3fb}-\u{1f3ff}]?$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;

/**
 * One line of someone else's text for a terminal or a markdown table: UNSAFE_CHARACTERS and line
 * feeds escaped, so that a name upstream can neither colour, retitle or rewrite the terminal
 * (ESC, CR) nor start a line of the report that looks like ours. A zero-width joiner between two
 * pictographs is left as it is: it joins an emoji sequence (the family, a profession), which
 * would otherwise show as `\u200d`; anywhere else it is escaped like the rest.
 */
export function printableLine(text: string): string {
  return text.replace(UNSAFE_IN_A_LINE, (char: string, offset: number) =>
    char === '\u200d' &&
    PICTOGRAPH_BEFORE.test(text.slice(Math.max(0, offset - 4), offset)) &&
    PICTOGRAPH_AFTER.test(text.slice(offset + 1, offset + 3))
      ? char
      : escape(char),
  );
}

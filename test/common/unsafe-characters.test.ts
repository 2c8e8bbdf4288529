/** printableLine: someone else's text as one line a terminal or a markdown table shows as it is. */
import { describe, expect, it } from 'vitest';
import { printableLine } from '../../common/printable-line.ts';
import { escapedLine, UNSAFE_CHARACTERS } from '../../common/unsafe-characters.ts';

describe('printableLine', () => {
  it('escapes every UNSAFE_CHARACTERS character and the line feed, and nothing else of the BMP', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      UNSAFE_CHARACTERS.lastIndex = 0;
      const unsafe = UNSAFE_CHARACTERS.test(char) || char === '\n';
      const shown = unsafe ? `a\\u${code.toString(16).padStart(4, '0')}b` : `a${char}b`;
      expect(printableLine(`a${char}b`), `U+${code.toString(16)}`).toBe(shown);
      expect(escapedLine(`a${char}b`), `U+${code.toString(16)}`).toBe(shown);
    }
  });

  it.each([
    ['a family', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'],
    ['a profession with a skin tone', '\u{1f469}\u{1f3fd}\u200d\u{1f52c}'],
    ['a rainbow flag (variation selector)', '\u{1f3f3}\ufe0f\u200d\u{1f308}'],
  ])('leaves the joiner of an emoji sequence (%s) as it is', (_name, emoji) => {
    expect(printableLine(`build ${emoji} done`)).toBe(`build ${emoji} done`);
    // escapedLine, for names that are ASCII tokens when valid, escapes it.
    expect(escapedLine(emoji)).toBe(emoji.replace(/\u200d/g, '\\u200d'));
  });

  it.each([
    ['between letters', 'ad\u200dmin', 'ad\\u200dmin'],
    ['at the start', '\u200d\u{1f468}', '\\u200d\u{1f468}'],
    ['at the end', '\u{1f468}\u200d', '\u{1f468}\\u200d'],
    ['before a bidi override', '\u{1f468}\u200d\u202e', '\u{1f468}\\u200d\\u202e'],
    ['two in a row', '\u{1f468}\u200d\u200d\u{1f469}', '\u{1f468}\\u200d\\u200d\u{1f469}'],
  ])('escapes a joiner elsewhere (%s)', (_name, text, shown) => {
    expect(printableLine(text)).toBe(shown);
  });
});

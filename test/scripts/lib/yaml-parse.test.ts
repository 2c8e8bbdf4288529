/**
 * scripts/lib/yaml-parse.ts parses YAML exactly as @redocly/openapi-core's `parseYaml` (which
 * the pipeline used to import, at 2-4 s of startup): the same values and the same errors.
 */
import { parseYaml as redoclyParseYaml } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../scripts/lib/yaml-parse.ts';

const outcome = (parse: (text: string) => unknown, text: string): unknown => {
  try {
    return { value: parse(text) };
  } catch (error) {
    const { name, reason, mark } = error as { name: string; reason?: string; mark?: object };
    return { error: { name, reason, line: (mark as { line?: number } | undefined)?.line } };
  }
};

describe('parseYaml, as Redocly parses', () => {
  it.each([
    ['a date stays a string (no timestamps)', 'a: 2001-12-14'],
    ['merge keys', 'base: &b {x: 1}\nc:\n  <<: *b\n  y: 2'],
    ['YAML 1.2 booleans only', 'on: yes\noff: no\nt: true'],
    ['hex and octal numbers', 'n: 0x1F\no: 0o17'],
    ['binary', 't: !!binary aGVsbG8='],
    ['empty text', ''],
    ['a duplicate key (an error)', 'a: 1\na: 2'],
    ['an unterminated flow list (an error)', 'a: ['],
    ['two documents (an error)', '---\na: 1\n---\nb: 2'],
  ])('%s', (_name, text) => {
    expect(outcome(parseYaml, text)).toEqual(outcome(redoclyParseYaml, text));
  });
});

import { describe, expect, it } from 'vitest';
import { relativeTsSpecifiers, rewriteDeclarationSpecifiers } from '../scripts/commands/build.ts';

describe('rewriteDeclarationSpecifiers', () => {
  it.each([
    ['export from', "export * from './schema.ts';", "export * from './schema.js';"],
    [
      'type export',
      "export type * from '../generated/index.ts';",
      "export type * from '../generated/index.js';",
    ],
    [
      'named import',
      'import type { paths } from "../generated/index.ts";',
      'import type { paths } from "../generated/index.js";',
    ],
    [
      'import type()',
      "type A = import('./errors.ts').APIError;",
      "type A = import('./errors.js').APIError;",
    ],
    [
      'a package name stays',
      "import type { Client } from 'openapi-fetch';",
      "import type { Client } from 'openapi-fetch';",
    ],
    [
      'a .d.ts specifier stays',
      "import type { X } from './x.d.ts';",
      "import type { X } from './x.d.ts';",
    ],
    ['already .js stays', "export * from './a.js';", "export * from './a.js';"],
    [
      'a .ts in a string that is no import stays',
      "declare const file = './a.ts';",
      "declare const file = './a.ts';",
    ],
  ])('%s', (_name, given, want) => {
    expect(rewriteDeclarationSpecifiers(given)).toBe(want);
  });

  it('rewrites every specifier in a file, leaving none for relativeTsSpecifiers to find', () => {
    const text = "export * from './a.ts';\nexport { b } from './b.ts';\nimport('./c.ts');\n";
    expect(relativeTsSpecifiers(text)).toEqual(['./a.ts', './b.ts', './c.ts']);
    expect(relativeTsSpecifiers(rewriteDeclarationSpecifiers(text))).toEqual([]);
  });
});

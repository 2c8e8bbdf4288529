/**
 * Generated code stays inert: a spec whose titles, paths, descriptions, operationIds, enum values
 * and keys try to close a comment or a string and run code still generates files that hold only
 * the generator's own declarations, and importing them runs nothing.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGenerated, type BuildResult } from '../../scripts/pipeline/pipeline.ts';
import { renderAliases } from '../../scripts/pipeline/aliases.ts';
import { commentText } from '../../scripts/pipeline/ts-text.ts';
import { makeWholeApiTree, wholeApiMissing, type WholeApiTree } from '../helpers/feather-api.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/workspace.ts';
import { PARAMETER_SHARD_COUNT } from '../../common/parameter-shard.ts';

const run = promisify(execFile);
const HOSTILE = path.join(FIXTURES, 'hostile', 'inert');

/**
 * What each generated module may declare at its top level, and nothing else: exported consts of
 * data by name, or (`call`) exported consts each made by one call of that imported function with
 * data as its arguments.
 */
const ALLOWED: Record<string, { values: string[]; call?: { name: string; from: string } }> = {
  'schema.ts': { values: [] },
  'aliases.ts': { values: [] },
  'parameters.ts': { values: ['PARAMETER_RULES'] },
  'operations.ts': { values: ['PAGINATION', 'IDEMPOTENCY_KEY_BODY_OPERATIONS'] },
  'fingerprint.ts': { values: ['SPEC_FINGERPRINT'] },
  'response-schemas.ts': { values: ['RESPONSE_SCHEMAS_JSON'] },
  'index.ts': { values: [] },
  'functions.ts': {
    values: [],
    call: { name: 'operationFunction', from: '../src/client/operation.ts' },
  },
  'parameter-shards.ts': { values: [] },
  'inits.ts': { values: [] },
  ...Object.fromEntries(
    Array.from({ length: PARAMETER_SHARD_COUNT }, (_, shard) => [
      shardFile(shard),
      { values: ['RULES', 'KEYED_BODY'] },
    ]),
  ),
};

/** `parameter-shards/07.ts`, as the generator names shard 7. */
function shardFile(shard: number): string {
  return `parameter-shards/${String(shard).padStart(2, '0')}.ts`;
}

/** The one function the generator writes, with fixed text: index.ts's lazy schema import. */
const SCHEMA_LOADER = 'loadResponseSchemas';

/** `() => import(<specifier>)`, exactly: no parameter, a literal specifier. */
function isImportOf(node: ts.Expression, specifier: string): boolean {
  if (!ts.isArrowFunction(node) || node.parameters.length > 0) return false;
  const body = node.body;
  return (
    ts.isCallExpression(body) &&
    body.expression.kind === ts.SyntaxKind.ImportKeyword &&
    body.arguments.length === 1 &&
    ts.isStringLiteral(body.arguments[0]!) &&
    body.arguments[0].text === specifier
  );
}

/** parameter-shards.ts's `PARAMETER_SHARDS`: shard n's literal import at n, and nothing else. */
function isShardLoaderList(name: string, declaration: ts.VariableDeclaration): boolean {
  const init = declaration.initializer;
  if (name !== 'parameter-shards.ts' || !ts.isIdentifier(declaration.name)) return false;
  if (declaration.name.text !== 'PARAMETER_SHARDS' || init === undefined) return false;
  return (
    ts.isArrayLiteralExpression(init) &&
    init.elements.length === PARAMETER_SHARD_COUNT &&
    init.elements.every((element, shard) => isImportOf(element, `./${shardFile(shard)}`))
  );
}

/** `() => import("./response-schemas.ts")`, exactly: no parameter, a literal specifier. */
function isSchemaLoader(name: string, declaration: ts.VariableDeclaration): boolean {
  const init = declaration.initializer;
  if (name !== 'index.ts' || !ts.isIdentifier(declaration.name)) return false;
  if (declaration.name.text !== SCHEMA_LOADER || init === undefined) return false;
  if (!ts.isArrowFunction(init) || init.parameters.length > 0) return false;
  const body = init.body;
  return (
    ts.isCallExpression(body) &&
    body.expression.kind === ts.SyntaxKind.ImportKeyword &&
    body.arguments.length === 1 &&
    ts.isStringLiteral(body.arguments[0]!) &&
    body.arguments[0].text === './response-schemas.ts'
  );
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** True when `node` is data only: literals, arrays, objects, `as const`; no call, no name read. */
function isLiteralData(node: ts.Expression): boolean {
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return isLiteralData(node.expression);
  if (ts.isStringLiteral(node) || ts.isNumericLiteral(node)) return true;
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  )
    return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isLiteralData);
  if (ts.isObjectLiteralExpression(node))
    return node.properties.every(
      (p) =>
        ts.isPropertyAssignment(p) &&
        (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name)) &&
        // `"__proto__": x` in a literal sets the prototype rather than a key.
        !(ts.isStringLiteral(p.name) || ts.isIdentifier(p.name)
          ? p.name.text === '__proto__'
          : false) &&
        isLiteralData(p.initializer),
    );
  return false;
}

/**
 * The problems with a generated module: a parse error, or a top-level statement other than a
 * type-only import, a re-export, an exported interface or type, or an exported const of data.
 */
function statementProblems(name: string, text: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  for (const d of diagnostics)
    problems.push(`${name}: parse error ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  const values = ALLOWED[name]?.values ?? [];
  const call = ALLOWED[name]?.call;
  /** `call(<data>, ...)`, with type arguments of literal types only. */
  const isAllowedCall = (node: ts.Expression): boolean =>
    call !== undefined &&
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === call.name &&
    (node.typeArguments ?? []).every(
      (t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal),
    ) &&
    node.arguments.every(isLiteralData);
  for (const statement of file.statements) {
    const where = `${name}:${file.getLineAndCharacterOfPosition(statement.getStart()).line + 1}`;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
    if (
      call !== undefined &&
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === call.from &&
      statement.importClause?.name === undefined &&
      statement.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(statement.importClause.namedBindings) &&
      statement.importClause.namedBindings.elements.every(
        (e) => e.name.text === call.name && e.propertyName === undefined,
      )
    )
      continue;
    if (ts.isExportDeclaration(statement) && !statement.exportClause) continue;
    if (ts.isInterfaceDeclaration(statement) && isExported(statement)) continue;
    if (ts.isTypeAliasDeclaration(statement) && isExported(statement)) continue;
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      const declarations = statement.declarationList.declarations;
      const ok =
        (statement.declarationList.flags & ts.NodeFlags.Const) !== 0 &&
        declarations.every(
          (d) =>
            isSchemaLoader(name, d) ||
            isShardLoaderList(name, d) ||
            (ts.isIdentifier(d.name) &&
              d.initializer !== undefined &&
              ((values.includes(d.name.text) && isLiteralData(d.initializer)) ||
                isAllowedCall(d.initializer))),
        );
      if (ok) continue;
    }
    problems.push(
      `${where}: unexpected ${ts.SyntaxKind[statement.kind]}: ${statement.getText().slice(0, 80)}`,
    );
  }
  return problems;
}

describe('commentText', () => {
  it.each([
    ['closes no comment', 'a */ b', 'a *\\/ b'],
    ['keeps one line', 'a\nb\r\nc\u2028d\u2029e', 'a b c d e'],
    ['leaves plain text alone', 'Row (title "Row")', 'Row (title "Row")'],
    ['escapes every close', '*/*/', '*\\/*\\/'],
  ])('%s', (_name, given, want) => {
    expect(commentText(given)).toBe(want);
  });
});

describe('renderAliases', () => {
  it('refuses a name that is not a plain identifier', () => {
    expect(() => renderAliases([{ name: 'A = 1; B', target: 'string', doc: '' }])).toThrow(
      /not a plain identifier/,
    );
  });
});

describe('a hostile spec generates inert code', () => {
  let root: string;
  let build: BuildResult;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'feather-hostile-'));
    await cp(path.join(HOSTILE, 'spec'), path.join(root, 'spec'), { recursive: true });
    // The fixture's lint config lets hostile names through, so the generator itself is tested.
    await cp(path.join(HOSTILE, 'redocly.yaml'), path.join(root, 'redocly.yaml'));
    build = await buildGenerated({
      root,
      specDir: 'spec',
      outDir: 'generated',
      configFile: 'redocly.yaml',
    });
  }, 60_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every TypeScript module the generator knows, and only those', () => {
    const modules = [...build.files.keys()].filter((name) => name.endsWith('.ts')).sort();
    expect(modules).toEqual(Object.keys(ALLOWED).sort());
  });

  it('parses each module with no statement beyond the declarations the generator writes', () => {
    const problems = [...build.files]
      .filter(([name]) => name.endsWith('.ts'))
      .flatMap(([name, text]) => statementProblems(name, text));
    expect(problems).toEqual([]);
  });

  it('keeps the hostile text, escaped, in comments and types', () => {
    const aliases = build.files.get('aliases.ts')!;
    expect(aliases).toContain('title "Foo *\\/ export const pwned');
    expect(aliases).not.toMatch(/^export const/m);
    expect(build.files.get('schema.ts')).toContain('"key */ process.exit(7); /*"');
  });

  it('the checker itself rejects the injection the issue reported', () => {
    const pwned = '/** Foo */ export const pwned = (globalThis as any).process?.exit?.(7); /* */\n';
    expect(statementProblems('aliases.ts', pwned)).toHaveLength(1);
  });

  it('the checker allows the schema loader only as the generator writes it', () => {
    const loader = (body: string) => `export const loadResponseSchemas = ${body};\n`;
    expect(statementProblems('index.ts', loader('() => import("./response-schemas.ts")'))).toEqual(
      [],
    );
    expect(
      statementProblems('index.ts', loader('() => import("node:child_process")')),
    ).toHaveLength(1);
    expect(statementProblems('index.ts', loader('(x) => import(x)'))).toHaveLength(1);
    expect(
      statementProblems('aliases.ts', loader('() => import("./response-schemas.ts")')),
    ).toHaveLength(1);
  });

  it('importing the generated modules runs nothing and exports only data, the schema loader and operation functions', async () => {
    const out = path.join(root, 'generated');
    await mkdir(out, { recursive: true });
    await mkdir(path.join(out, 'parameter-shards'));
    for (const [name, text] of build.files) await writeFile(path.join(out, name), text);
    // functions.ts calls the client's operationFunction: the probe imports the real one.
    for (const dir of ['src', 'common', 'node_modules'])
      await symlink(path.join(REPO_ROOT, dir), path.join(root, dir));
    const probe = path.join(root, 'probe.mts');
    // Each module on its own: index.ts re-exports aliases.ts as types only, so never loads it.
    const modules = Object.keys(ALLOWED).map((name) => path.join(out, name));
    await writeFile(
      probe,
      `process.exit = () => { throw new Error('exit called on import'); };\n` +
        `const kinds = {};\n` +
        `for (const file of ${JSON.stringify(modules)})\n` +
        `  for (const [k, v] of Object.entries(await import(file))) kinds[k] = typeof v;\n` +
        `console.log(JSON.stringify(kinds));\n`,
    );
    const { stdout } = await run(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [probe], {
      cwd: root,
    });
    const kinds = JSON.parse(stdout.trim()) as Record<string, string>;
    const data = Object.keys(kinds).filter((k) => kinds[k] !== 'function');
    expect(data.sort()).toEqual([
      'IDEMPOTENCY_KEY_BODY_OPERATIONS',
      'KEYED_BODY',
      'PAGINATION',
      'PARAMETER_RULES',
      'PARAMETER_SHARDS',
      'RESPONSE_SCHEMAS_JSON',
      'RULES',
      'SPEC_FINGERPRINT',
    ]);
    // Every function is the schema loader or an operation function of functions.ts, by name.
    const declared = [
      ...build.files.get('functions.ts')!.matchAll(/^export const (\w+)[:=]/gm),
    ].map((m) => m[1]);
    expect(
      Object.keys(kinds)
        .filter((k) => kinds[k] === 'function')
        .sort(),
    ).toEqual([SCHEMA_LOADER, ...declared].sort());
    expect(declared).not.toContain('constructor');
  }, 30_000);
});

describe.skipIf(wholeApiMissing())(
  `the statement check holds on the whole API (${wholeApiMissing() ?? '1.87.0'})`,
  () => {
    let tree: WholeApiTree;
    beforeAll(async () => {
      tree = await makeWholeApiTree('1.87.0', { form: 'whole' });
    }, 120_000);
    afterAll(async () => {
      await tree?.remove();
    });

    it('generated/ of the whole API declares only what the generator writes', async () => {
      const { readFile } = await import('node:fs/promises');
      const problems: string[] = [];
      for (const name of Object.keys(ALLOWED)) {
        const text = await readFile(path.join(tree.root, 'generated', name), 'utf8');
        problems.push(...statementProblems(name, text));
      }
      expect(problems).toEqual([]);
    });
  },
);

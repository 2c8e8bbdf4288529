/**
 * Type-checks one workspace member twice with its own tsconfig, through the TypeScript compiler
 * API: once against the package as it is and once against the regenerated copy (the package's
 * name mapped to each copy's src/index.ts), and returns the diagnostics in the member's own files
 * that only the second has, each with the operation whose call it belongs to, the property it
 * reads or the exported name it imports.
 */
import path from 'node:path';
import ts from 'typescript';

/** One place in a member that compiled against the package as it is and does not against the next. */
export interface BreakSite {
  /** Absolute path of the member's file. */
  file: string;
  line: number;
  column: number;
  /** TypeScript's code and first message line (`TS2339`, "Property 'plan' does not exist ..."). */
  code: string;
  message: string;
  /** `GET /v1/...`: the client call the failing code calls, or reads the result of. */
  operation?: string;
  /** Where that call's path argument is, when `operation` is set. */
  call?: { line: number; column: number };
  /** The property the code reads that the new types do not have. */
  property?: string;
  /** The name the code imports from the package that it no longer exports. */
  importedName?: string;
}

export type CheckResult =
  { checked: true; sites: BreakSite[] } | { checked: false; reason: string };

/** The client's methods that take a path (openapi-fetch's). */
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']);
/** How many variables a value is followed back through to the call that produced it. */
const MAX_HOPS = 4;

/**
 * Source files shared between the programs of one run: lib.d.ts, @types and the member's own
 * files are parsed once, not once per program.
 */
export type SourceFileCache = Map<string, ts.SourceFile | undefined>;

function compilerHost(options: ts.CompilerOptions, cache: SourceFileCache): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const key = `${fileName}\0${JSON.stringify(languageVersionOrOptions)}`;
    if (!cache.has(key))
      cache.set(key, read(fileName, languageVersionOrOptions, onError, shouldCreate));
    return cache.get(key);
  };
  return host;
}

function parseConfig(tsconfig: string): ts.ParsedCommandLine | string {
  let problem: string | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        problem = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      },
    },
  );
  if (!parsed) return `${tsconfig}: ${problem ?? 'cannot be read'}`;
  return parsed;
}

/** The member's own source files: its root files outside node_modules. */
function ownFiles(program: ts.Program, dir: string): ts.SourceFile[] {
  return program
    .getRootFileNames()
    .filter((file) => !path.relative(dir, file).startsWith('..') && !/node_modules/.test(file))
    .map((file) => program.getSourceFile(file))
    .filter((file): file is ts.SourceFile => file !== undefined);
}

function diagnosticsOf(program: ts.Program, dir: string): ts.Diagnostic[] {
  return ownFiles(program, dir).flatMap((file) => [
    ...program.getSyntacticDiagnostics(file),
    ...program.getSemanticDiagnostics(file),
  ]);
}

const keyOf = (d: ts.Diagnostic): string => `${d.file?.fileName}:${d.start}:${d.code}`;

/** The innermost node of `file` that spans `position`. */
function nodeAt(file: ts.SourceFile, position: number): ts.Node {
  let found: ts.Node = file;
  const visit = (node: ts.Node): void => {
    if (position >= node.getStart(file) && position < node.getEnd()) {
      found = node;
      node.forEachChild(visit);
    }
  };
  file.forEachChild(visit);
  return found;
}

/** `feather.GET('/v1/x', ...)` -> the call, when `node` is one. */
function operationCall(node: ts.Node): ts.CallExpression | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  const first = node.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || !METHODS.has(callee.name.text)) return undefined;
  return first && ts.isStringLiteralLike(first) ? node : undefined;
}

/** The first operation call inside `node` (itself included). */
function callWithin(node: ts.Node): ts.CallExpression | undefined {
  const own = operationCall(node);
  if (own) return own;
  let found: ts.CallExpression | undefined;
  node.forEachChild((child) => {
    found ??= callWithin(child);
  });
  return found;
}

/**
 * The operation call whose result `expression` is: through property and element reads, `await`,
 * parentheses, calls wrapping it (`unwrap(feather.GET(...))`), and variables initialized from it.
 */
function producingCall(
  expression: ts.Node,
  checker: ts.TypeChecker,
  hops = 0,
): ts.CallExpression | undefined {
  let node: ts.Node = expression;
  for (;;) {
    const call = operationCall(node);
    if (call) return call;
    if (
      ts.isPropertyAccessExpression(node) ||
      ts.isElementAccessExpression(node) ||
      ts.isParenthesizedExpression(node) ||
      ts.isAwaitExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isAsExpression(node)
    ) {
      node = node.expression;
      continue;
    }
    if (ts.isCallExpression(node)) {
      for (const argument of node.arguments) {
        const inner = producingCall(argument, checker, hops);
        if (inner) return inner;
      }
      node = node.expression;
      continue;
    }
    break;
  }
  if (!ts.isIdentifier(node) || hops >= MAX_HOPS) return undefined;
  const symbol = checker.getSymbolAtLocation(node);
  let declaration: ts.Node | undefined = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  while (declaration && ts.isBindingElement(declaration)) declaration = declaration.parent.parent; // binding pattern -> its declaration
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
    return producingCall(declaration.initializer, checker, hops + 1);
  return undefined;
}

function position(file: ts.SourceFile, at: number): { line: number; column: number } {
  const { line, character } = file.getLineAndCharacterOfPosition(at);
  return { line: line + 1, column: character + 1 };
}

/** What the failing code at a diagnostic is about: its operation, property or imported name. */
function describeSite(diagnostic: ts.Diagnostic, checker: ts.TypeChecker): BreakSite {
  const file = diagnostic.file!;
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n')[0]!;
  const site: BreakSite = {
    file: file.fileName,
    ...position(file, diagnostic.start ?? 0),
    code: `TS${diagnostic.code}`,
    message,
  };
  const property = /^Property '([^']+)' does not exist/.exec(message)?.[1];
  if (property !== undefined) site.property = property;
  const imported = /has no exported member(?: named)? '([^']+)'/.exec(message)?.[1];
  if (imported !== undefined) site.importedName = imported;
  let node: ts.Node | undefined = nodeAt(file, diagnostic.start ?? 0);
  let call: ts.CallExpression | undefined;
  for (let up: ts.Node | undefined = node; up && !call; up = up.parent) call = operationCall(up);
  // A read of a call's result: the widest read expression around the node, back to its source.
  while (
    !call &&
    node?.parent &&
    (ts.isPropertyAccessExpression(node.parent) || ts.isElementAccessExpression(node.parent)) &&
    node.parent.expression !== node
  )
    node = node.parent;
  if (!call && node && (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)))
    call = producingCall(node.expression, checker);
  if (!call && node && ts.isIdentifier(node)) call = producingCall(node, checker);
  if (call) {
    const method = (call.expression as ts.PropertyAccessExpression).name.text;
    const route = (call.arguments[0] as ts.StringLiteralLike).text;
    site.operation = `${method} ${route}`;
    site.call = position(file, call.arguments[0]!.getStart(file));
  }
  return site;
}

/**
 * The diagnostics in `tsconfig`'s member that appear with the package at `nextEntry` and not with
 * it at `pinnedEntry` (each a src/index.ts), described.
 */
export function breakingSites(options: {
  tsconfig: string;
  packageName: string;
  pinnedEntry: string;
  nextEntry: string;
  cache: SourceFileCache;
}): CheckResult {
  const parsed = parseConfig(options.tsconfig);
  if (typeof parsed === 'string') return { checked: false, reason: parsed };
  const dir = path.dirname(options.tsconfig);
  const programFor = (entry: string): ts.Program => {
    const compilerOptions: ts.CompilerOptions = {
      ...parsed.options,
      noEmit: true,
      paths: { ...parsed.options.paths, [options.packageName]: [entry] },
    };
    return ts.createProgram({
      rootNames: parsed.fileNames,
      options: compilerOptions,
      host: compilerHost(compilerOptions, options.cache),
      ...(parsed.projectReferences ? { projectReferences: parsed.projectReferences } : {}),
    });
  };
  const before = new Set(diagnosticsOf(programFor(options.pinnedEntry), dir).map(keyOf));
  const next = programFor(options.nextEntry);
  const checker = next.getTypeChecker();
  const sites = diagnosticsOf(next, dir)
    .filter((d) => d.file && !before.has(keyOf(d)))
    .map((d) => describeSite(d, checker));
  return { checked: true, sites };
}

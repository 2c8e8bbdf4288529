// Runs a TypeScript command of ours without tsx at run time:
//   node scripts/run.mjs <command | path/to/file.ts> [args...]
// `<command>` is scripts/commands/<command>.ts. The file and everything it imports from this
// repository are bundled by esbuild into one ES module in .tmp/scripts/
// (FEATHER_SCRIPTS_CACHE overrides), rebuilt when any of those sources changed (size or mtime);
// packages stay external, so they load from node_modules as usual.
//
// Why: through tsx, `generate` spent about 1.5 s of CPU loading itself (a loader thread that
// transpiles each file, source maps, a second process for the tsx CLI), and `drift --help` took
// 0.5 s of wall time for nothing. The bundle loads in tens of milliseconds. Plain JavaScript, so
// nothing has to compile it first.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const LAUNCHER = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(LAUNCHER), '..');
const EXIT_COULD_NOT_RUN = 2;
const ENTRY_CHUNK = 'main.mjs';
/** Builds older than this, other than the current one, are deleted when a new one is made. */
const STALE_BUILD_MS = 60 * 60 * 1000;

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(EXIT_COULD_NOT_RUN);
}

/** The entry file: a command name or a path to a .ts file. */
function entryOf(target) {
  if (target === undefined)
    fail('usage: node scripts/run.mjs <command | file.ts> [args...] (commands: scripts/commands/)');
  if (/^[a-z][a-z0-9-]*$/.test(target)) {
    const file = path.join(ROOT, 'scripts', 'commands', `${target}.ts`);
    try {
      statSync(file);
    } catch {
      fail(`unknown command "${target}": scripts/commands/${target}.ts does not exist`);
    }
    return file;
  }
  const file = path.resolve(target);
  try {
    statSync(file);
  } catch {
    fail(`${target}: no such file`);
  }
  return file;
}

function cachePaths(entry) {
  const dir = process.env.FEATHER_SCRIPTS_CACHE || path.join(ROOT, '.tmp', 'scripts');
  const relative = path.relative(ROOT, entry);
  const key =
    relative.startsWith('..') || path.isAbsolute(relative)
      ? `abs-${createHash('sha256').update(entry).digest('hex').slice(0, 16)}`
      : relative.replaceAll(path.sep, '_').replace(/\.[cm]?ts$/, '');
  return { dir, key, manifest: path.join(dir, `${key}.json`) };
}

/** Size and mtime of a file, or undefined when it is gone. */
function stamp(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * The cached bundle's entry module when this esbuild built it from exactly the sources on disk
 * now; otherwise undefined.
 */
function freshBundle(paths, esbuildVersion) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(paths.manifest, 'utf8'));
  } catch {
    return undefined;
  }
  const bundle = path.join(paths.dir, String(recorded.build), ENTRY_CHUNK);
  if (recorded.esbuild !== esbuildVersion || recorded.root !== ROOT) return undefined;
  if (recorded.launcher !== stamp(LAUNCHER)) return undefined;
  if (stamp(bundle) === undefined) return undefined;
  const same = Object.entries(recorded.inputs).every(([file, s]) => stamp(file) === s);
  return same ? bundle : undefined;
}

/** esbuild plugin: each module's `import.meta.url` stays its own source file's URL. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        /\bimport\.meta\.url\b/g,
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** scripts/code-cache.mjs, and where it keeps compiled code. */
const CODE_CACHE = path.join(ROOT, 'scripts', 'code-cache.mjs');
const CODE_CACHE_DIR = path.join(ROOT, '.tmp', 'code-cache');

/** Packages bundled into the command (tree-shaken) instead of loaded whole from node_modules. */
const BUNDLED_PACKAGES = new Set(['openapi-typescript']);
const BUNDLED_PACKAGE_DIR = /[\\/]node_modules[\\/]openapi-typescript[\\/]/;

/**
 * esbuild plugin for packages:
 * - `typescript` (9 MB of CommonJS) is loaded with require(), its compiled code cached
 *   (scripts/code-cache.mjs). Imported as an ES module, Node first compiles it to detect its
 *   format and runs the CommonJS export lexer over it: ~0.5 s of CPU.
 * - openapi-typescript is bundled: `generate` calls its transform, and its index would otherwise
 *   load its own Redocly 1.x (for the lint and bundle we do not use). Its other imports stay
 *   external, resolved from where it imports them (its own nested Redocly), and are dropped when
 *   nothing uses them.
 * - every other package stays external, loaded from node_modules as usual.
 */
const packages = {
  name: 'packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.plain) return undefined;
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : args.path.split('/')[0];
      if (args.path.startsWith('node:') || builtinModules.includes(name))
        return { path: args.path, external: true };
      const resolveFrom = async () => {
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { plain: true },
        });
        if (resolved.errors.length > 0) throw new Error(resolved.errors[0].text);
        return resolved.path;
      };
      if (name === 'typescript')
        return { path: await resolveFrom(), namespace: 'through-require', sideEffects: false };
      if (BUNDLED_PACKAGES.has(name)) return undefined;
      if (BUNDLED_PACKAGE_DIR.test(args.importer))
        return { path: await resolveFrom(), external: true, sideEffects: false };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'through-require' }, (args) => ({
      contents: [
        `import { requireWithCodeCache } from ${JSON.stringify(CODE_CACHE)};`,
        `export default requireWithCodeCache(${JSON.stringify(args.path)}, ${JSON.stringify(CODE_CACHE_DIR)});`,
      ].join('\n'),
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

/**
 * Bundles `entry` into a new directory of the cache and points the manifest at it. Dynamic
 * imports stay separate chunks (`splitting`), so what a command loads lazily (Redocly,
 * TypeScript) is still loaded only when needed. Returns the entry module's path.
 */
async function buildBundle(entry, paths, esbuild) {
  let result;
  try {
    result = await esbuild.build({
      entryPoints: { main: entry },
      absWorkingDir: ROOT,
      bundle: true,
      splitting: true,
      outdir: paths.dir,
      outExtension: { '.js': '.mjs' },
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [ownImportMetaUrl, packages],
    });
  } catch (error) {
    const messages = (error.errors ?? []).map(
      (e) =>
        `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ` : ''}${e.text}`,
    );
    fail(
      `could not bundle ${path.relative(ROOT, entry)}:\n${messages.join('\n') || String(error)}`,
    );
  }
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.includes(':')) continue; // a virtual module (namespace:path), not a file
    const file = path.resolve(ROOT, input);
    inputs[file] = stamp(file);
    if (inputs[file] === undefined) fail(`bundling ${entry}: cannot stat its input ${file}`);
  }
  // A fresh directory per build, and the manifest (renamed into place) names it: a process
  // starting at the same moment reads the old build or the new one, never half of one.
  const build = `${paths.key}-${Date.now().toString(36)}-${process.pid}`;
  const buildDir = path.join(paths.dir, build);
  mkdirSync(buildDir, { recursive: true });
  for (const file of result.outputFiles)
    writeFileSync(path.join(buildDir, path.relative(paths.dir, file.path)), file.contents);
  // A random name opened with 'wx' (O_CREAT | O_EXCL): a symbolic link planted at a name we
  // would use is never written through.
  const temporary = `${paths.manifest}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
  const fd = openSync(temporary, 'wx');
  try {
    try {
      writeFileSync(
        fd,
        JSON.stringify({
          esbuild: esbuild.version,
          root: ROOT,
          launcher: stamp(LAUNCHER),
          build,
          inputs,
        }),
      );
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, paths.manifest);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  for (const old of readdirSync(paths.dir)) {
    if (!old.startsWith(`${paths.key}-`) || old === build) continue;
    const dir = path.join(paths.dir, old);
    if (Date.now() - statSync(dir).mtimeMs > STALE_BUILD_MS)
      rmSync(dir, { recursive: true, force: true });
  }
  return path.join(buildDir, ENTRY_CHUNK);
}

const [target, ...args] = process.argv.slice(2);
const entry = entryOf(target);
const paths = cachePaths(entry);
const require = createRequire(import.meta.url);
let esbuildVersion;
try {
  esbuildVersion = require('esbuild/package.json').version;
} catch {
  fail('esbuild is not installed: run `npm ci` (it is a dev dependency)');
}
const bundle =
  freshBundle(paths, esbuildVersion) ?? (await buildBundle(entry, paths, require('esbuild')));
// The command sees itself as the entry point (scripts/lib/cli.ts isEntryPoint) and its own args.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(bundle).href);

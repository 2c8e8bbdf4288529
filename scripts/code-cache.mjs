// require() of one large CommonJS file with V8's compiled code kept on disk between runs: what
// Node 22's module.enableCompileCache() does for every module, which Node 20 lacks. scripts/run.mjs
// loads TypeScript (9 MB of JavaScript) this way: compiling it took ~0.3 s of every `generate`.
// V8 checks that a cache fits the source and the V8 build, and rejects one that does not; it is
// then written anew.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Module, createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The module's exports, from require.cache when already loaded; the cache lives in `cacheDir`. */
export function requireWithCodeCache(file, cacheDir) {
  const require = createRequire(file);
  if (require.cache[file]) return require.cache[file].exports;
  const { size, mtimeMs } = statSync(file);
  const key = createHash('sha256')
    .update(`${process.version}\0${process.arch}\0${file}\0${size}\0${mtimeMs}`)
    .digest('hex')
    .slice(0, 24);
  const cacheFile = path.join(cacheDir, `${path.basename(file)}-${key}.cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
  });
  const module = new Module(file);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = module;
  try {
    script
      .runInThisContext()
      .call(module.exports, module.exports, require, module, file, path.dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit, so that the functions compiled during the run are in the cache too. The
    // temporary's name is random and 'wx' (O_CREAT | O_EXCL) refuses anything already there, so
    // a symbolic link planted at a name we would use is never written through.
    process.once('exit', () => {
      const temporary = `${cacheFile}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
      let created = false;
      try {
        mkdirSync(cacheDir, { recursive: true });
        const fd = openSync(temporary, 'wx');
        created = true;
        try {
          writeFileSync(fd, script.createCachedData());
        } finally {
          closeSync(fd);
        }
        renameSync(temporary, cacheFile);
      } catch {
        // A cache is an optimisation: failing to write it changes nothing else.
        if (created) rmSync(temporary, { force: true });
      }
    });
  }
  return module.exports;
}

/**
 * Limits on what a spec file may be, checked before and right after parsing, so that hostile or
 * broken input ends in a clear error instead of minutes of work and gigabytes of memory. The
 * figures and why are in docs/security.md ("Hostile input").
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { firstInvalidUtf8 } from '../../common/read-bounded.ts';
import { PipelineError } from './errors.ts';

export { firstInvalidUtf8 };

/** Largest spec file read (16 MiB; the whole published API is 2.8 MB as one JSON file). */
export const MAX_SPEC_FILE_BYTES = 16 * 1024 * 1024;
/** Most YAML aliases (`*name`) one file may use (the `yaml` library's default maxAliasCount). */
export const MAX_YAML_ALIASES = 100;
/** Most nodes all YAML aliases of a file may copy, counted as if written out (alias bombs). */
export const MAX_YAML_ALIAS_NODES = 100_000;
/** Deepest nesting of objects and arrays (the whole published API nests 11 deep). */
export const MAX_SPEC_DEPTH = 128;
/**
 * Most `$ref`s in a row, each pointing at the next, before a node that is not one (the whole
 * published API has chains of 1). Longer is refused: it costs the lint and the type generator
 * quadratic time, and drift (MAX_REF_CHAIN in src/drift/document.ts, the same) stops there too.
 */
export const MAX_REF_CHAIN = 32;

/** Refuses a file larger than MAX_SPEC_FILE_BYTES, before it is read. */
export function checkFileSize(file: string, bytes: number): void {
  if (bytes > MAX_SPEC_FILE_BYTES)
    throw new PipelineError(
      `file is ${bytes} bytes, over the limit of ${MAX_SPEC_FILE_BYTES} (MAX_SPEC_FILE_BYTES): split it into smaller documents`,
      [{ file }],
    );
}

/**
 * The bytes of one spec file, refused before reading when over MAX_SPEC_FILE_BYTES, and while
 * reading when it grows past it. Only a regular file: opening a FIFO blocks until a writer comes
 * (forever), and a device such as /dev/zero reports size 0 and never ends.
 */
export async function readSpecBytes(file: string, root = process.cwd()): Promise<Buffer> {
  return readRegularFileWithin(file, {
    root,
    give: 'a spec file',
    tooLarge: (bytes) => checkFileSize(file, bytes),
  });
}

/**
 * The bytes of a regular file (not a FIFO, socket or device: refused before it is opened, which
 * for a FIFO would block), `tooLarge(bytes)` called (to throw) with its stated size before
 * reading and with the bytes read so far while reading, so that a file growing as it is read is
 * cut off too. readSpecBytes is this with MAX_SPEC_FILE_BYTES; `bump --report` reads its drift
 * report, package.json, package-lock.json and CHANGELOG.md through it.
 */
export async function readRegularFileWithin(
  file: string,
  options: { root?: string; give: string; tooLarge: (bytes: number) => void },
): Promise<Buffer> {
  const resolved = path.resolve(options.root ?? process.cwd(), file);
  const kind = await stat(resolved);
  // A directory is left to `read`, whose EISDIR callers name as such.
  if (!kind.isFile() && !kind.isDirectory())
    throw new PipelineError(`not a regular file (a FIFO, socket or device): give ${options.give}`, [
      { file },
    ]);
  const handle = await open(resolved, 'r');
  try {
    const size = (await handle.stat()).size;
    options.tooLarge(size);
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      // One byte past the size, to see the end; at least READ_MIN_CHUNK_BYTES once past it (a
      // file still growing), not a byte per read.
      const left = Math.max(size - length, 0);
      const chunk = Buffer.alloc(
        Math.min(left > 0 ? left + 1 : READ_MIN_CHUNK_BYTES, READ_CHUNK_BYTES),
      );
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      options.tooLarge(length);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  } finally {
    await handle.close();
  }
}
const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const READ_MIN_CHUNK_BYTES = 64 * 1024;

/** 1-based line and column of byte `offset` (columns in bytes). */
function lineOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a spec file's bytes, refusing (with file, line and byte offset) what is not UTF-8. */
export function decodeSpecBytes(file: string, bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const at = offset < 0 ? bytes.length : offset;
    throw new PipelineError(
      `not UTF-8: byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at byte offset ${at} is not valid UTF-8; save the file as UTF-8`,
      [{ file, ...lineOfByte(bytes, at) }],
    );
  }
}

function pointerOf(path: readonly (string | number)[]): string {
  return `#/${path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

interface Frame {
  node: object;
  /** The frame above and this node's key in it; the pointer is built only for an error. */
  parent: Frame | undefined;
  key: string | number;
  depth: number;
  entries: [string | number, unknown][];
  next: number;
  /** Nodes below this one, counting every aliased subtree in full. */
  size: number;
}

function pathOf(frame: Frame | undefined, last?: string | number): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let f = frame; f?.parent; f = f.parent) path.unshift(f.key);
  return path;
}

/**
 * Walks a parsed document once, iteratively (so depth cannot overflow the stack), and refuses one
 * nested deeper than MAX_SPEC_DEPTH, or whose YAML aliases (a parsed node reached twice: JSON
 * never shares nodes) number more than MAX_YAML_ALIASES or would copy more than
 * MAX_YAML_ALIAS_NODES nodes when written out. Each shared subtree is walked once, so an alias
 * bomb is refused in time linear in the file, before anything expands it.
 */
export function checkParsedShape(file: string, parsed: unknown): void {
  if (parsed === null || typeof parsed !== 'object') return;
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  let aliases = 0;
  let aliasNodes = 0;
  const frame = (node: object, parent: Frame | undefined, key: string | number): Frame => {
    const depth = parent ? parent.depth + 1 : 0;
    if (depth > MAX_SPEC_DEPTH)
      throw new PipelineError(`nested more than ${MAX_SPEC_DEPTH} levels deep (MAX_SPEC_DEPTH)`, [
        { file, pointer: `${pointerOf(pathOf(parent, key).slice(0, 6))}/...` },
      ]);
    open.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((value, index) => [index, value])
      : Object.entries(node);
    return { node, parent, key, depth, entries, next: 0, size: 0 };
  };
  const stack: Frame[] = [frame(parsed, undefined, '')];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.entries.length) {
      stack.pop();
      open.delete(top.node);
      sizes.set(top.node, top.size + 1);
      if (stack.length > 0) stack[stack.length - 1]!.size += top.size + 1;
      continue;
    }
    const [key, child] = top.entries[top.next++]!;
    if (child === null || typeof child !== 'object') {
      top.size += 1;
      continue;
    }
    if (open.has(child))
      throw new PipelineError('a YAML alias refers to a node that contains it', [
        { file, pointer: pointerOf(pathOf(top, key)) },
      ]);
    const size = sizes.get(child);
    if (size === undefined) {
      stack.push(frame(child, top, key));
      continue;
    }
    aliases += 1;
    aliasNodes += size;
    top.size += size;
    if (aliases > MAX_YAML_ALIASES || aliasNodes > MAX_YAML_ALIAS_NODES)
      throw new PipelineError(
        aliases > MAX_YAML_ALIASES
          ? `more than ${MAX_YAML_ALIASES} YAML aliases (MAX_YAML_ALIASES): write the repeated parts out, or use $ref`
          : `YAML aliases would copy more than ${MAX_YAML_ALIAS_NODES} nodes (MAX_YAML_ALIAS_NODES; an alias bomb?): use $ref for shared parts`,
        [{ file, pointer: pointerOf(pathOf(top, key)) }],
      );
  }
}

/**
 * A session with the real tsserver (typescript/lib/tsserver.js) over its stdio protocol, as an
 * editor drives it: requests are JSON lines, answers come back framed by `Content-Length`. Used
 * by the completion test and `npm run bench:editor`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from './errors.ts';
import { packageManifestPath } from './packages.ts';

/** How long one request may take before the session gives up on it. */
const REQUEST_TIMEOUT_MS = 300_000;
/** A frame larger than this is not an answer this session asked for. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

interface Response {
  request_seq: number;
  success: boolean;
  message?: string;
  body?: unknown;
}

/** One completion list as tsserver returns it (the fields the callers read). */
export interface CompletionAnswer {
  /** `undefined` when tsserver answers "No content available." */
  names: string[] | undefined;
}

/** The 1-based line and offset just after the first `marker` in `text`. */
export function positionAfter(text: string, marker: string): { line: number; offset: number } {
  const at = text.indexOf(marker);
  if (at === -1) throw new PipelineError(`no "${marker}" in the file to complete in`);
  const before = text.slice(0, at + marker.length).split('\n');
  return { line: before.length, offset: before[before.length - 1]!.length + 1 };
}

export class TsServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private seq = 0;
  private readonly waiting = new Map<number, (response: Response) => void>();

  /** Starts tsserver in `cwd` (the project is found from each opened file's tsconfig.json). */
  constructor(cwd: string) {
    const tsserver = path.join(
      path.dirname(packageManifestPath('typescript')),
      'lib',
      'tsserver.js',
    );
    this.child = spawn(
      process.execPath,
      [tsserver, '--disableAutomaticTypingAcquisition', '--suppressDiagnosticEvents'],
      { cwd, stdio: 'pipe' },
    );
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    this.child.once('exit', () => {
      for (const resolve of this.waiting.values())
        resolve({ request_seq: -1, success: false, message: 'tsserver exited' });
      this.waiting.clear();
    });
    this.child.stdin.on('error', () => undefined);
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(
        /Content-Length: (\d+)/.exec(this.buffer.subarray(0, headerEnd).toString())?.[1],
      );
      if (!Number.isInteger(length) || length > MAX_FRAME_BYTES) {
        // Not an answer to anything asked: every waiting request fails, and the session ends.
        this.close();
        return;
      }
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString()) as {
        type: string;
      } & Response;
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === 'response') {
        this.waiting.get(message.request_seq)?.(message);
        this.waiting.delete(message.request_seq);
      }
    }
  }

  /** Sends one request and waits for its answer. */
  request(command: string, args: object): Promise<Response> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(
          new PipelineError(`tsserver did not answer "${command}" in ${REQUEST_TIMEOUT_MS} ms`),
        );
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(seq, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.child.stdin.write(
        `${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`,
      );
    });
  }

  /** Opens `file` (its text as on disk) in the session. */
  async open(file: string): Promise<void> {
    await this.request('open', { file, fileContent: await readFile(file, 'utf8') });
  }

  /** The completion entries just after the first `marker` in the opened `file`. */
  async completionsAfter(file: string, marker: string): Promise<CompletionAnswer> {
    const at = positionAfter(await readFile(file, 'utf8'), marker);
    const response = await this.request('completionInfo', { file, ...at });
    const body = response.body as { entries: { name: string }[] } | undefined;
    return {
      names: response.success && body ? body.entries.map((entry) => entry.name) : undefined,
    };
  }

  /**
   * The semantic diagnostics of the opened `file` (their messages): the first such request in a
   * session makes tsserver build its type checker for the project (binding every file).
   */
  async semanticDiagnostics(file: string): Promise<string[]> {
    const response = await this.request('semanticDiagnosticsSync', { file });
    if (!response.success)
      throw new PipelineError(`tsserver could not check ${file}: ${response.message ?? ''}`);
    return ((response.body ?? []) as { text: string }[]).map((d) => d.text);
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

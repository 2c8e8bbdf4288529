/**
 * Parsing a spec file's text, JSON or YAML, with errors naming file, line and column. Apart
 * from spec-files.ts (which also locates pointers for messages, with the `yaml` and
 * jsonc-parser packages) so that a command reading JSON (drift, with the whole API on both
 * sides) loads neither those nor js-yaml: about 0.2 s of startup.
 */
import { PipelineError, type SourcePlace } from './errors.ts';
import { parseYaml } from './yaml-parse.ts';

/** Turns a character offset into a 1-based line and column. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses a spec file's text (YAML or JSON). A syntax error becomes a PipelineError naming the
 * file, line and column.
 */
export function parseSpecText(file: string, text: string): unknown {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      // V8 names the offset when it has one; "Unexpected end of JSON input" means the end.
      const offset = /position (\d+)/.exec(String((error as Error).message))?.[1];
      const place: SourcePlace = {
        file,
        ...lineColumnAt(text, offset ? Number(offset) : text.length),
      };
      throw new PipelineError(`invalid JSON: ${(error as Error).message}`, [place]);
    }
  }
  try {
    return parseYaml(text);
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message.split('\n')[0];
    const place: SourcePlace = mark
      ? { file, line: mark.line + 1, column: mark.column + 1 }
      : { file };
    throw new PipelineError(`invalid YAML: ${reason}`, [place]);
  }
}

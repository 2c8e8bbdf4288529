/**
 * The doc site's index (`llms.txt`): one markdown link per page,
 * `- [Title](https://doc.featherhq.com/api-reference/<tag>/<slug>.md)`, optionally followed by
 * `: description`. Other lines (headings, prose, blank lines) are not pages.
 */
import path from 'node:path';
import { PipelineError } from '../lib/errors.ts';

export interface IndexEntry {
  title: string;
  /** Absolute: an http(s) URL, or a file path when the index is a local file. */
  location: string;
  /** 1-based line in the index. */
  line: number;
}

const ENTRY = /^\s*[-*+]\s+\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)\s*(?::.*)?$/;

/** True for an http(s) URL (a source to fetch), false for a file path. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * Resolves a link against the index it came from: a URL index resolves relative links as a
 * browser would; a file index resolves them against its folder.
 */
function resolveLink(link: string, index: string): string {
  if (isUrl(link)) return link;
  if (isUrl(index)) return new URL(link, index).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return link;
  return path.resolve(path.dirname(index), link);
}

/**
 * Every page link of an index, first occurrence of each location only, in index order. Throws
 * naming the index when it lists no page at all (the wrong file, or an error page).
 */
export function parseIndex(text: string, index: string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const match = ENTRY.exec(raw);
    if (!match) return;
    const location = resolveLink(match[2]!, index);
    if (seen.has(location)) return;
    seen.add(location);
    entries.push({ title: match[1]!.trim(), location, line: i + 1 });
  });
  if (entries.length === 0) {
    throw new PipelineError(
      'no page links found (expected lines such as `- [Title](https://doc.featherhq.com/api-reference/<tag>/<page>.md)`); is this the llms.txt index?',
      [{ file: index }],
    );
  }
  return entries;
}

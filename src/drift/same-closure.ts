/**
 * Whether a schema on each side is the same JSON all the way down, `$ref`s followed. Then no rule
 * can report anything between them (every rule reads only the two schemas), so the diff skips
 * them unread: between two releases most of a whole API is unchanged, and reading it into
 * shapes was most of a run's cost. Conservative: a difference of key order, or a `$ref` that
 * does not resolve, counts as "not the same", and the full comparison runs (and reports it).
 */
import type { Json } from '../../common/json.ts';
import { isDict } from '../../common/json.ts';
import { childAt, refSegments, type Dict } from './document.ts';

/** A `"$ref":"..."` member in JSON text (a string value can hold no unescaped quote). */
const REF_MEMBER = /"\$ref":"((?:[^"\\]|\\.)*)"/g;

/** The node a local `$ref` leads to in `doc`, or undefined. */
function target(doc: Dict, ref: string): Json | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: Json | undefined = doc;
  for (const segment of refSegments(ref)) {
    node = childAt(node, segment);
    if (node === undefined) return undefined;
  }
  return node;
}

/** JSON text of a node; undefined for none, or for a structure that is not JSON (a cycle). */
function jsonText(node: Json | undefined): string | undefined {
  if (node === undefined) return undefined;
  try {
    return JSON.stringify(node);
  } catch {
    return undefined;
  }
}

/** The `$ref`s written anywhere in a JSON text. */
function refsIn(text: string): string[] {
  const refs: string[] = [];
  for (const match of text.matchAll(REF_MEMBER)) refs.push(JSON.parse(`"${match[1]!}"`) as string);
  return refs;
}

/** Decides, and remembers per `$ref`, whether two documents' schemas are the same throughout. */
export class SameClosure {
  /** `$ref` -> whether it leads to the same JSON throughout on both sides (false: proven not). */
  private readonly sameRef = new Map<string, boolean>();
  /** Per side, `$ref` -> JSON text of what it leads to (undefined: does not resolve). */
  private readonly texts = [
    new Map<string, string | undefined>(),
    new Map<string, string | undefined>(),
  ];

  constructor(
    private readonly base: Dict,
    private readonly revision: Dict,
  ) {}

  /** True when `b` (in base) and `r` (in revision) are the same JSON throughout. */
  same(b: Json | undefined, r: Json | undefined): boolean {
    const text = jsonText(b);
    if (text === undefined || text !== jsonText(r)) return false;
    // Refs found the same while this question was open rest on its assumptions (a cycle counts
    // as the same until shown otherwise): they hold only if the whole answer is yes.
    const assumed: string[] = [];
    const answer = refsIn(text).every((ref) => this.refIsSame(ref, assumed));
    if (!answer)
      for (const ref of assumed) if (this.sameRef.get(ref) === true) this.sameRef.delete(ref);
    return answer;
  }

  private textOf(side: 0 | 1, ref: string): string | undefined {
    const texts = this.texts[side]!;
    if (!texts.has(ref)) {
      const node = target(side === 0 ? this.base : this.revision, ref);
      texts.set(ref, jsonText(node));
    }
    return texts.get(ref);
  }

  private refIsSame(ref: string, assumed: string[]): boolean {
    const known = this.sameRef.get(ref);
    if (known !== undefined) return known;
    this.sameRef.set(ref, true);
    assumed.push(ref);
    const text = this.textOf(0, ref);
    const same =
      text !== undefined &&
      text === this.textOf(1, ref) &&
      refsIn(text).every((inner) => this.refIsSame(inner, assumed));
    if (!same) this.sameRef.set(ref, false);
    return same;
  }
}

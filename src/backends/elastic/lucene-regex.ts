import type { Pattern, RegexFlags } from "../../ir.js";
import { MAX_CP, complementRanges, parseJsRegex, type Range, type RxNode } from "./js-regex.js";

/**
 * Lucene's RegExp syntax, as EQL `regex` and ES|QL `RLIKE` hand it to Elasticsearch: the pattern
 * matches the whole value, and with Elasticsearch's default flags `. ? + * | { } [ ] ( ) " \ # @
 * & < > ~` are operators. Every ASCII character other than a letter or digit is written escaped
 * (`\c` is always that character), so a value can never become an operator; `\` before a letter
 * is avoided because newer Lucene reads `\d`, `\s`, `\w` as classes.
 */

export type LuceneRegex =
  { readonly ok: true; readonly source: string } | { readonly ok: false; readonly reason: string };

const SURROGATES: Range = [0xd800, 0xdfff];

function literal(cp: number): string {
  const c = String.fromCodePoint(cp);
  return cp < 0x80 && !/[A-Za-z0-9]/.test(c) ? "\\" + c : c;
}

/** Ranges without the surrogate block: no UTF-8 value holds one, and none can be written. */
function withoutSurrogates(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo, hi] of ranges) {
    if (hi < SURROGATES[0] || lo > SURROGATES[1]) out.push([lo, hi]);
    else {
      if (lo < SURROGATES[0]) out.push([lo, SURROGATES[0] - 1]);
      if (hi > SURROGATES[1]) out.push([SURROGATES[1] + 1, hi]);
    }
  }
  return out;
}

function classBody(ranges: readonly Range[]): string {
  return ranges
    .map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`))
    .join("");
}

class Unwritable extends Error {}

function set(ranges: readonly Range[]): string {
  const pos = withoutSurrogates(ranges);
  if (pos.length === 0) throw new Unwritable("a class that matches nothing");
  const neg = withoutSurrogates(complementRanges(ranges));
  if (neg.length === 0) return ".";
  if (pos.length === 1 && pos[0]![0] === pos[0]![1]) return literal(pos[0]![0]);
  return neg.length < pos.length ? `[^${classBody(neg)}]` : `[${classBody(pos)}]`;
}

/** Lucene text of a node; `atomic` asks for a form a quantifier can follow. */
function write(node: RxNode, atomic: boolean): string {
  switch (node.kind) {
    case "set":
      return set(node.ranges);
    case "seq": {
      // `()` is Lucene's empty string: an empty alternative is a syntax error there.
      if (node.items.length === 0) return "()";
      const text = node.items.map((i) => write(i, false)).join("");
      return atomic && node.items.length !== 1 ? `(${text})` : text;
    }
    case "alt":
      // Concatenation binds tighter than `|`, so a nested alternation is always grouped.
      return `(${node.branches.map((b) => write(b, false)).join("|")})`;
    case "repeat": {
      const body = write(node.body, true);
      const { min, max } = node;
      if (min === 0 && max === -1) return `${body}*`;
      if (min === 1 && max === -1) return `${body}+`;
      if (min === 0 && max === 1) return `${body}?`;
      if (max === -1) return `${body}{${min},}`;
      if (min === max) return `${body}{${min}}`;
      return `${body}{${min},${max}}`;
    }
    case "start":
    case "end":
      throw new Unwritable("an anchor inside the pattern");
  }
}

/**
 * One top-level branch of a search: a leading `^` and a trailing `$` anchor it, else `.*` pads
 * it, because Lucene matches the whole value.
 */
function branch(node: RxNode): string {
  const items = node.kind === "seq" ? [...node.items] : [node];
  let anchoredStart = false;
  let anchoredEnd = false;
  while (items[0]?.kind === "start") {
    anchoredStart = true;
    items.shift();
  }
  while (items[items.length - 1]?.kind === "end") {
    anchoredEnd = true;
    items.pop();
  }
  const body = items.map((i) => write(i, false)).join("");
  return `${anchoredStart ? "" : ".*"}${body}${anchoredEnd ? "" : ".*"}`;
}

/**
 * A rule regex (a JavaScript search, anywhere in the value) as a whole-value Lucene regex.
 * The `m` flag only changes anchors, which are then not written.
 */
export function luceneSearch(source: string, flags: RegexFlags): LuceneRegex {
  const parsed = parseJsRegex(source, { i: flags.i, s: flags.s });
  if (!parsed.ok) return { ok: false, reason: `${parsed.construct} has no Lucene form` };
  try {
    const node = parsed.node;
    if (flags.m && hasAnchor(node))
      return { ok: false, reason: "an anchor under the m flag has no Lucene form" };
    const branches = node.kind === "alt" ? node.branches : [node];
    const text = branches.map(branch);
    return { ok: true, source: text.length === 1 ? text[0]! : text.map((t) => `(${t})`).join("|") };
  } catch (e) {
    if (e instanceof Unwritable) return { ok: false, reason: `${e.message} has no Lucene form` };
    throw e;
  }
}

function hasAnchor(node: RxNode): boolean {
  switch (node.kind) {
    case "start":
    case "end":
      return true;
    case "set":
      return false;
    case "seq":
      return node.items.some(hasAnchor);
    case "alt":
      return node.branches.some(hasAnchor);
    case "repeat":
      return hasAnchor(node.body);
  }
}

/** A case-sensitive glob as a whole-value Lucene regex (`*` → `.*`, `?` → `.`). */
export function luceneGlob(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "any":
          return ".*";
        case "one":
          return ".";
        case "text":
          return [...p.text].map((c) => literal(c.codePointAt(0)!)).join("");
      }
    })
    .join("");
}

export { MAX_CP };

/**
 * Text-level mutations of the tokens an emitter writes: keywords and operators of the target
 * languages, quotes, escape backslashes, regular-expression classes. Pure functions on text; the
 * AST walk (operators.ts) decides where they apply.
 */

/** Keyword tokens and what each becomes ("" drops it). Matched as whole words. */
const WORD_SWAPS: Readonly<Record<string, readonly string[]>> = {
  and: ["or"],
  or: ["and"],
  AND: ["OR"],
  OR: ["AND"],
  not: [""],
  NOT: [""],
  in: ["intersects"],
  intersects: ["in"],
  startswith: ["endswith"],
  endswith: ["startswith"],
  contains: ["icontains"],
  icontains: ["contains"],
  glob: ["iglob"],
  iglob: ["glob"],
  true: ["false"],
  false: ["true"],
  isnull: ["isnotnull"],
  isnotnull: ["isnull"],
  like: ["match"],
  match: ["like"],
};

/** Operator and punctuation tokens and what each becomes. */
const SYMBOL_SWAPS: Readonly<Record<string, readonly string[]>> = {
  "=": ["!="],
  "!=": ["="],
  "==": ["!="],
  "===": ["!=="],
  "!==": ["==="],
  "<": ["<="],
  "<=": ["<"],
  ">": [">="],
  ">=": [">"],
  "&&": ["||"],
  "||": ["&&"],
  "*": ["?"],
  "?": ["*"],
  '"': ["'"],
  "'": ['"'],
  "!": [""],
  "true()": ["false()"],
  "false()": ["true()"],
};

/** Lone brackets: dropping one only unbalances the text, which any parser rejects. */
const LONE_BRACKETS = new Set(["(", ")", "[", "]", "{", "}"]);

/** Two words of letters in a row: the text is prose for a person, not a token. */
export function isProse(text: string): boolean {
  return /[A-Za-z]{2,}[ ,;]+[A-Za-z]{2,}/.test(text);
}

/**
 * What a string value that is a syntax token becomes: a swapped keyword or operator (surrounding
 * whitespace kept), the value without its first backslash, or "" for short punctuation. Empty when
 * the value is no token (an identifier, a field name, a number, prose).
 */
export function tokenAlternatives(value: string): string[] {
  if (value === "" || value.length > 24 || isProse(value)) return [];
  const out = new Set<string>();
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(value)!;
  const [, lead = "", core = "", trail = ""] = m;
  for (const alt of WORD_SWAPS[core] ?? SYMBOL_SWAPS[core] ?? [])
    out.add(alt === "" ? lead : lead + alt + trail);
  const bs = value.indexOf("\\");
  if (bs >= 0) out.add(value.slice(0, bs) + value.slice(bs + 1));
  if (
    out.size === 0 &&
    core !== "" &&
    core.length <= 4 &&
    !/[A-Za-z0-9]/.test(core) &&
    !LONE_BRACKETS.has(core)
  )
    out.add("");
  out.delete(value);
  return [...out];
}

/** A text part of a template literal: its raw source text and its offset in the template's source. */
export interface TemplatePart {
  readonly offset: number;
  readonly raw: string;
}

function edit(source: string, start: number, end: number, replacement: string): string {
  return source.slice(0, start) + replacement + source.slice(end);
}

/**
 * Mutated sources of a template literal (given whole, with its text parts located): each keyword
 * swapped, every double quote made single (or the reverse), the first escaped backslash dropped,
 * and an outer pair of parentheses around the whole text removed. None for prose.
 */
export function templateMutations(source: string, parts: readonly TemplatePart[]): string[] {
  if (isProse(parts.map((p) => p.raw).join(" "))) return [];
  const out: string[] = [];
  for (const p of parts) {
    for (const w of p.raw.matchAll(/[A-Za-z]+/g)) {
      for (const alt of WORD_SWAPS[w[0]] ?? []) {
        const start = p.offset + w.index;
        // Dropping a keyword also drops one space after it, as "NOT " → "" does.
        const trailing = alt === "" && p.raw[w.index + w[0].length] === " " ? 1 : 0;
        out.push(edit(source, start, start + w[0].length + trailing, alt));
      }
    }
  }
  for (const [from, to] of [
    ['"', "'"],
    ["'", '"'],
  ] as const) {
    const at = parts.flatMap((p) =>
      [...p.raw].flatMap((c, i) => (c === from ? [p.offset + i] : [])),
    );
    if (at.length > 0) out.push(at.reduceRight((s, i) => edit(s, i, i + 1, to), source));
  }
  const bs = parts.find((p) => p.raw.includes("\\\\"));
  if (bs) {
    const i = bs.offset + bs.raw.indexOf("\\\\");
    out.push(edit(source, i, i + 2, ""));
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first && last && parts.length > 1 && first.raw.startsWith("(") && last.raw.endsWith(")")) {
    const end = last.offset + last.raw.length;
    out.push(edit(edit(source, end - 1, end, ""), first.offset, first.offset + 1, ""));
  }
  return [...new Set(out)].filter((m) => m !== source);
}

/** One member of a character class: an escape, a character, or a range of either. */
function classMembers(body: string, from: number): { members: [number, number][]; end: number } {
  const members: [number, number][] = [];
  const atom = (i: number): number => {
    if (body[i] !== "\\") return i + (body.codePointAt(i)! > 0xffff ? 2 : 1);
    const next = body[i + 1];
    if (next === "x") return i + 4;
    if (next === "u") return body[i + 2] === "{" ? body.indexOf("}", i) + 1 : i + 6;
    if (next === "c") return i + 3;
    return i + 2;
  };
  let i = from;
  while (i < body.length && body[i] !== "]") {
    let j = atom(i);
    if (body[j] === "-" && j + 1 < body.length && body[j + 1] !== "]") j = atom(j + 1);
    members.push([i, j]);
    i = j;
  }
  return { members, end: i };
}

/**
 * Mutated sources of a regular-expression literal: each member of a character class of two or
 * more members removed in turn (an escape set that forgets a character), and a leading `^` or a
 * trailing `$` dropped (a match that is no longer anchored).
 */
export function regexMutations(source: string): string[] {
  const close = source.lastIndexOf("/");
  const body = source.slice(1, close);
  if (source.slice(close + 1).includes("v")) return [];
  const out: string[] = [];
  const at = (i: number, j: number, text = ""): string =>
    "/" + body.slice(0, i) + text + body.slice(j) + source.slice(close);
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[") {
      const start = body[i + 1] === "^" ? i + 2 : i + 1;
      const { members, end } = classMembers(body, start);
      if (members.length >= 2) for (const [a, b] of members) out.push(at(a, b));
      i = end + 1;
      continue;
    }
    i++;
  }
  if (body.startsWith("^")) out.push(at(0, 1));
  if (body.endsWith("$") && !body.endsWith("\\$")) out.push(at(body.length - 1, body.length));
  return [...new Set(out)].filter((m) => m !== source);
}

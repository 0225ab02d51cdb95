import {
  normalizePattern,
  type NumberOp,
  type Pattern,
  type RefPosition,
  type RegexFlags,
  type TimePart,
} from "../ir.js";
import { parseCidr } from "./cidr.js";
import { checkRegexSafety } from "./regex-safety.js";
import { checkRegex, liftInlineFlags } from "./regex-check.js";
import {
  containsPattern,
  endswithPattern,
  hasWildcard,
  mapText,
  parseSigmaString,
  startswithPattern,
} from "./values.js";
import { literalText } from "../ir.js";

/**
 * Every modifier of Sigma 2.1 (plus pySigma's long regex-flag aliases), as a total registry.
 * Value modifiers rewrite one value (and may expand it into several, which are ORed); list
 * modifiers (`all`, `neq`) change how the values of one detection item are combined and are
 * applied by normalize.ts. A modifier that cannot apply returns a coded failure, never a no-op.
 */

/** A value on its way through the modifier chain. */
export type Val =
  | {
      readonly kind: "string";
      readonly pattern: Pattern;
      /** The scalar text as written (the `re` modifier reads this, not the parsed parts). */
      readonly raw: string;
      /** After utf16*: every character stands for one byte (0–255). */
      readonly bytes: boolean;
      readonly cased: boolean;
    }
  | { readonly kind: "number"; readonly value: number; readonly text: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "null" }
  | { readonly kind: "regex"; readonly source: string; readonly flags: RegexFlags }
  | {
      readonly kind: "cidr";
      readonly network: string;
      readonly prefix: number;
      readonly version: 4 | 6;
    }
  | {
      readonly kind: "fieldref";
      readonly other: string;
      readonly position: RefPosition;
      readonly cased: boolean;
    }
  | { readonly kind: "exists"; readonly value: boolean }
  | { readonly kind: "compare"; readonly op: NumberOp; readonly value: number }
  | { readonly kind: "timepart"; readonly part: TimePart; readonly value: number };

export type ValKind = Val["kind"];

export interface ModifierContext {
  /** The detection item's field; null for keywords. */
  readonly field: string | null;
  /** Modifiers applied before this one, in order. */
  readonly before: readonly ModifierName[];
  /** Modifiers applied after this one, in order. */
  readonly after: readonly ModifierName[];
  readonly placeholders: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Where a failure is reported: at the modifier text in the key, or at the value. */
export interface ModifierFailure {
  readonly code: string;
  readonly message: string;
  readonly at: "modifier" | "value";
}

export type ModifierResult =
  | { readonly ok: true; readonly values: readonly Val[] }
  | ({ readonly ok: false } & ModifierFailure);

export interface ModifierSpec {
  readonly scope: "value" | "list";
  readonly summary: string;
  /** Value modifiers only; list modifiers are identity on each value. */
  readonly apply: (value: Val, ctx: ModifierContext) => ModifierResult;
}

const MODIFIER_NAMES = [
  "contains",
  "startswith",
  "endswith",
  "all",
  "windash",
  "base64",
  "base64offset",
  "utf16le",
  "utf16be",
  "utf16",
  "wide",
  "re",
  "i",
  "m",
  "s",
  "ignorecase",
  "multiline",
  "dotall",
  "cidr",
  "exists",
  "cased",
  "fieldref",
  "gt",
  "gte",
  "lt",
  "lte",
  "neq",
  "expand",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "year",
] as const;

export type ModifierName = (typeof MODIFIER_NAMES)[number];

export function isModifierName(name: string): name is ModifierName {
  return (MODIFIER_NAMES as readonly string[]).includes(name);
}

// ---- helpers ----

const ok = (...values: Val[]): ModifierResult => ({ ok: true, values });

function fail(
  code: string,
  message: string,
  at: "modifier" | "value" = "modifier",
): ModifierResult {
  return { ok: false, code, message, at };
}

const VALUE_NOUN: Record<ValKind, string> = {
  string: "a string",
  number: "a number",
  bool: "a boolean",
  null: "null",
  regex: "a regular expression",
  cidr: "a CIDR network",
  fieldref: "a field reference",
  exists: "an existence test",
  compare: "a numeric comparison",
  timepart: "a time part",
};

/** The value kind is wrong: if an earlier modifier produced it, the combination is invalid. */
function wrongKind(
  name: ModifierName,
  value: Val,
  ctx: ModifierContext,
  wants: string,
): ModifierResult {
  const previous = ctx.before.filter((m) => MODIFIERS[m].scope === "value");
  const last = previous[previous.length - 1];
  if (
    last !== undefined &&
    value.kind !== "string" &&
    value.kind !== "number" &&
    value.kind !== "bool" &&
    value.kind !== "null"
  ) {
    return fail(
      "DETECTION_INVALID_MODIFIER_COMBINATION",
      `modifier '${name}' cannot follow '${last}': it needs ${wants}, not ${VALUE_NOUN[value.kind]}`,
    );
  }
  return fail(
    "DETECTION_MODIFIER_VALUE_TYPE",
    `modifier '${name}' needs ${wants}, but the value is ${VALUE_NOUN[value.kind]}`,
  );
}

/** Strings, and numbers read as their source text (`|contains: 4` means the text "4"). */
function asString(value: Val): Extract<Val, { kind: "string" }> | undefined {
  if (value.kind === "string") return value;
  if (value.kind === "number") {
    return {
      kind: "string",
      pattern: parseSigmaString(value.text),
      raw: value.text,
      bytes: false,
      cased: false,
    };
  }
  return undefined;
}

function stringModifier(
  name: ModifierName,
  f: (s: Extract<Val, { kind: "string" }>, ctx: ModifierContext) => ModifierResult,
): (value: Val, ctx: ModifierContext) => ModifierResult {
  return (value, ctx) => {
    const s = asString(value);
    return s === undefined ? wrongKind(name, value, ctx, "a string") : f(s, ctx);
  };
}

const POSITION_MODIFIERS: readonly ModifierName[] = ["contains", "startswith", "endswith"];

function positionModifier(
  name: "contains" | "startswith" | "endswith",
): (value: Val, ctx: ModifierContext) => ModifierResult {
  return (value, ctx) => {
    const other = ctx.before.find((m) => POSITION_MODIFIERS.includes(m));
    if (other !== undefined) {
      return fail(
        "DETECTION_CONFLICTING_MODIFIERS",
        `modifier '${name}' conflicts with '${other}': use only one of contains, startswith, endswith`,
      );
    }
    if (value.kind === "fieldref") return ok({ ...value, position: name });
    const s = asString(value);
    if (s === undefined) return wrongKind(name, value, ctx, "a string or a field reference");
    const f =
      name === "contains"
        ? containsPattern
        : name === "startswith"
          ? startswithPattern
          : endswithPattern;
    return ok({ ...s, pattern: f(s.pattern) });
  };
}

/** Text to bytes: UTF-8 for ordinary text, the characters themselves after utf16*. */
function toBytes(s: Extract<Val, { kind: "string" }>): Uint8Array {
  const text = literalText(s.pattern);
  if (!s.bytes) return new TextEncoder().encode(text);
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function base64Source(
  name: ModifierName,
  value: Val,
  ctx: ModifierContext,
): Extract<Val, { kind: "string" }> | ModifierResult {
  const s = asString(value);
  if (s === undefined) return wrongKind(name, value, ctx, "a string");
  if (hasWildcard(s.pattern)) {
    return fail(
      "DETECTION_BASE64_WILDCARD",
      `modifier '${name}' cannot encode a value with wildcards; add them after encoding (e.g. '|${name}|contains')`,
      "value",
    );
  }
  return s;
}

function encodedString(text: string, cased: boolean): Val {
  return {
    kind: "string",
    pattern: text === "" ? [] : [{ kind: "text", text }],
    raw: text,
    bytes: false,
    cased,
  };
}

/**
 * pySigma's base64offset: the value shifted by 0, 1 and 2 bytes, encoded, with the characters that
 * depend on the unknown neighbouring bytes cut off. The end cut depends on the encoded byte length.
 */
export function base64Offsets(data: Uint8Array): string[] {
  const startOffsets = [0, 2, 3];
  const endOffsets = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = new Uint8Array(i + data.length);
    shifted.fill(0x20, 0, i);
    shifted.set(data, i);
    const encoded = Buffer.from(shifted).toString("base64");
    out.push(encoded.slice(startOffsets[i], endOffsets[(data.length + i) % 3]));
  }
  return out;
}

function utf16(name: ModifierName, order: "le" | "be", bom: boolean) {
  return stringModifier(name, (s) => {
    if (s.bytes)
      return fail(
        "DETECTION_INVALID_MODIFIER_COMBINATION",
        `modifier '${name}' cannot encode a value that is already UTF-16`,
      );
    const encode = (text: string): string => {
      let out = "";
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        const lo = String.fromCharCode(unit & 0xff);
        const hi = String.fromCharCode(unit >> 8);
        out += order === "le" ? lo + hi : hi + lo;
      }
      return out;
    };
    // Wildcards stay wildcards (pySigma keeps special characters as they are).
    const body = mapText(s.pattern, encode);
    const pattern = bom ? normalizePattern([{ kind: "text", text: "\xff\xfe" }, ...body]) : body;
    return ok({ ...s, pattern, bytes: true });
  });
}

const WINDASH_VARIANTS = ["-", "/", "\u2013", "\u2014", "\u2015"];
/** More variants than this is surely a mistake (5^n strings). */
const MAX_EXPANSION = 3125;

/** `-` or `/` not preceded by a word character and followed by one (pySigma's `\B[-/]\b`). */
function windashTemplates(text: string): string[] | undefined {
  const isWord = (c: string | undefined): boolean => c !== undefined && /\w/.test(c);
  let variants = [""];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === "-" || c === "/") && !isWord(text[i - 1]) && isWord(text[i + 1])) {
      if (variants.length * WINDASH_VARIANTS.length > MAX_EXPANSION) return undefined;
      variants = variants.flatMap((v) => WINDASH_VARIANTS.map((d) => v + d));
    } else {
      variants = variants.map((v) => v + c);
    }
  }
  return variants;
}

/** Every combination of the text parts' alternatives; undefined past MAX_EXPANSION. */
function cartesian(
  pattern: Pattern,
  expand: (text: string) => readonly Pattern[] | undefined,
): Pattern[] | undefined {
  let out: Pattern[] = [[]];
  for (const part of pattern) {
    const options = part.kind === "text" ? expand(part.text) : [[part]];
    if (options === undefined || out.length * options.length > MAX_EXPANSION) return undefined;
    out = out.flatMap((prefix) => options.map((o) => normalizePattern([...prefix, ...o])));
  }
  return out;
}

const PLACEHOLDER = /%(\w+)%/g;

function expandPlaceholders(
  text: string,
  placeholders: Readonly<Record<string, readonly string[]>>,
): readonly Pattern[] | undefined {
  let out: Pattern[] = [[]];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const before = text.slice(last, m.index);
    const values = Object.prototype.hasOwnProperty.call(placeholders, m[1]!)
      ? placeholders[m[1]!]!
      : [];
    if (out.length * values.length > MAX_EXPANSION) return undefined;
    out = out.flatMap((prefix) =>
      values.map((v) =>
        normalizePattern([...prefix, { kind: "text", text: before }, ...parseSigmaString(v)]),
      ),
    );
    last = m.index + m[0].length;
  }
  return out.map((p) => normalizePattern([...p, { kind: "text", text: text.slice(last) }]));
}

/** The numeric modifiers read the value as written: only list modifiers may come before them. */
function afterValueModifier(
  name: string,
  ctx: ModifierContext,
  what: string,
): ModifierResult | undefined {
  const previous = onlyListModifiersBefore(ctx);
  if (previous === undefined) return undefined;
  return fail(
    "DETECTION_INVALID_MODIFIER_COMBINATION",
    `modifier '${name}' cannot follow '${previous}': it only applies to a plain ${what}`,
  );
}

function compare(name: ModifierName, op: NumberOp) {
  return (value: Val, ctx: ModifierContext): ModifierResult => {
    const misplaced = afterValueModifier(name, ctx, "number");
    if (misplaced) return misplaced;
    const n = numberOf(value);
    if (n === undefined) {
      return fail(
        "DETECTION_NOT_A_NUMBER",
        `modifier '${name}' needs a number, not ${VALUE_NOUN[value.kind]}`,
        "value",
      );
    }
    return ok({ kind: "compare", op, value: n });
  };
}

/** A number, or a string that is exactly a decimal number. */
function numberOf(value: Val): number | undefined {
  if (value.kind === "number") return value.value;
  if (value.kind === "string" && !value.bytes && !hasWildcard(value.pattern)) {
    const text = literalText(value.pattern).trim();
    if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  }
  return undefined;
}

function timePart(part: TimePart) {
  return (value: Val, ctx: ModifierContext): ModifierResult => {
    const misplaced = afterValueModifier(part, ctx, "integer");
    if (misplaced) return misplaced;
    const n = numberOf(value);
    if (n === undefined || !Number.isInteger(n)) {
      return fail("DETECTION_NOT_AN_INTEGER", `modifier '${part}' needs an integer`, "value");
    }
    return ok({ kind: "timepart", part, value: n });
  };
}

function regexFlag(name: ModifierName, flag: keyof RegexFlags) {
  return (value: Val): ModifierResult => {
    if (value.kind !== "regex") {
      return fail(
        "DETECTION_INVALID_MODIFIER_COMBINATION",
        `modifier '${name}' is a regular-expression flag: it must follow 're'`,
      );
    }
    return ok({ ...value, flags: { ...value.flags, [flag]: true } });
  };
}

const identity = (value: Val): ModifierResult => ok(value);

/** Anything may come before `re`/`cidr`/`exists` only if it is a list modifier. */
function onlyListModifiersBefore(ctx: ModifierContext): ModifierName | undefined {
  return ctx.before.find((m) => MODIFIERS[m].scope === "value");
}

export const MODIFIERS: Readonly<Record<ModifierName, ModifierSpec>> = {
  contains: {
    scope: "value",
    summary: "match anywhere: * around the value",
    apply: positionModifier("contains"),
  },
  startswith: {
    scope: "value",
    summary: "match at the start: * after the value",
    apply: positionModifier("startswith"),
  },
  endswith: {
    scope: "value",
    summary: "match at the end: * before the value",
    apply: positionModifier("endswith"),
  },
  all: { scope: "list", summary: "AND the values instead of OR", apply: identity },
  neq: {
    scope: "list",
    summary: "the field is present and matches none of the values: and(exists, not(values))",
    apply: (value, ctx) =>
      value.kind === "exists" || ctx.before.includes("exists") || ctx.after.includes("exists")
        ? fail(
            "DETECTION_INVALID_MODIFIER_COMBINATION",
            "modifier 'neq' cannot be combined with 'exists'; use 'exists: false'",
          )
        : ok(value),
  },
  windash: {
    scope: "value",
    summary: "expand -param and /param into -, /, en dash, em dash, horizontal bar",
    apply: stringModifier("windash", (s) => {
      const variants = cartesian(s.pattern, (t) => windashTemplates(t)?.map(parseLiteral));
      if (variants === undefined)
        return fail(
          "DETECTION_EXPANSION_TOO_LARGE",
          `windash would expand this value into more than ${MAX_EXPANSION} variants`,
          "value",
        );
      return ok(...variants.map((pattern): Val => ({ ...s, pattern })));
    }),
  },
  base64: {
    scope: "value",
    summary: "the value, Base64-encoded",
    apply: (value, ctx) => {
      const s = base64Source("base64", value, ctx);
      if (!("kind" in s)) return s;
      return ok(encodedString(Buffer.from(toBytes(s)).toString("base64"), s.cased));
    },
  },
  base64offset: {
    scope: "value",
    summary: "the three Base64 encodings of the value at byte offsets 0, 1, 2 (pySigma's slicing)",
    apply: (value, ctx) => {
      const s = base64Source("base64offset", value, ctx);
      if (!("kind" in s)) return s;
      return ok(...base64Offsets(toBytes(s)).map((t) => encodedString(t, s.cased)));
    },
  },
  utf16le: {
    scope: "value",
    summary: "UTF-16 little endian",
    apply: utf16("utf16le", "le", false),
  },
  wide: { scope: "value", summary: "alias of utf16le", apply: utf16("wide", "le", false) },
  utf16be: { scope: "value", summary: "UTF-16 big endian", apply: utf16("utf16be", "be", false) },
  utf16: {
    scope: "value",
    summary: "byte order mark FF FE, then UTF-16 little endian",
    apply: utf16("utf16", "le", true),
  },
  re: {
    scope: "value",
    summary: "regular expression, searched anywhere in the value (case-sensitive)",
    apply: (value, ctx) => {
      const before = onlyListModifiersBefore(ctx);
      if (before !== undefined)
        return fail(
          "DETECTION_INVALID_MODIFIER_COMBINATION",
          `modifier 're' cannot follow '${before}': it reads the value as written`,
        );
      const s = asString(value);
      if (s === undefined) return wrongKind("re", value, ctx, "a string");
      const { source, flags } = liftInlineFlags(s.raw);
      const check = checkRegex(source, flags);
      if (!check.ok)
        return fail(
          "DETECTION_INVALID_REGEX",
          `invalid regular expression: ${check.reason}`,
          "value",
        );
      // Case-insensitive analysis is the cautious one: a later |i is not known yet.
      const safety = checkRegexSafety(source, { ignoreCase: true });
      if (!safety.safe)
        return fail(
          "DETECTION_REGEX_REDOS",
          `regular expression can take super-linear time (${safety.reason}, at character ${safety.offset + 1}); rewrite it without nested or overlapping repetition`,
          "value",
        );
      return ok({ kind: "regex", source, flags });
    },
  },
  i: { scope: "value", summary: "regex flag: ignore case", apply: regexFlag("i", "i") },
  ignorecase: { scope: "value", summary: "alias of i", apply: regexFlag("ignorecase", "i") },
  m: {
    scope: "value",
    summary: "regex flag: ^ and $ match at line breaks",
    apply: regexFlag("m", "m"),
  },
  multiline: { scope: "value", summary: "alias of m", apply: regexFlag("multiline", "m") },
  s: { scope: "value", summary: "regex flag: . matches a line break", apply: regexFlag("s", "s") },
  dotall: { scope: "value", summary: "alias of s", apply: regexFlag("dotall", "s") },
  cidr: {
    scope: "value",
    summary: "the value is an IP address inside the IPv4/IPv6 network",
    apply: (value, ctx) => {
      const before = onlyListModifiersBefore(ctx);
      if (before !== undefined)
        return fail(
          "DETECTION_INVALID_MODIFIER_COMBINATION",
          `modifier 'cidr' cannot follow '${before}'`,
        );
      if (value.kind !== "string")
        return wrongKind("cidr", value, ctx, "a network such as 10.0.0.0/8");
      const parsed = parseCidr(value.raw);
      if (!parsed.ok)
        return fail(
          "DETECTION_INVALID_CIDR",
          `invalid CIDR network '${value.raw}': ${parsed.reason}`,
          "value",
        );
      return ok({ kind: "cidr", ...parsed.value });
    },
  },
  exists: {
    scope: "value",
    summary: "the field is present and not null (true) or missing or null (false)",
    apply: (value, ctx) => {
      if (ctx.field === null)
        return fail("DETECTION_EXISTS_WITHOUT_FIELD", "modifier 'exists' needs a field");
      const other = [...ctx.before, ...ctx.after].find((m) => m !== "exists");
      if (other !== undefined)
        return fail(
          "DETECTION_INVALID_MODIFIER_COMBINATION",
          `modifier 'exists' cannot be combined with '${other}'`,
        );
      if (value.kind !== "bool")
        return fail(
          "DETECTION_EXISTS_NOT_BOOLEAN",
          `modifier 'exists' needs true or false, not ${VALUE_NOUN[value.kind]}`,
          "value",
        );
      return ok({ kind: "exists", value: value.value });
    },
  },
  cased: {
    scope: "value",
    summary: "match case-sensitively",
    apply: (value, ctx) => {
      if (value.kind === "fieldref") return ok({ ...value, cased: true });
      const s = asString(value);
      if (s === undefined) return wrongKind("cased", value, ctx, "a string or a field reference");
      return ok({ ...s, cased: true });
    },
  },
  fieldref: {
    scope: "value",
    summary: "compare with the value of another field (startswith/endswith/contains may follow)",
    apply: (value, ctx) => {
      if (ctx.field === null)
        return fail(
          "DETECTION_FIELDREF_WITHOUT_FIELD",
          "modifier 'fieldref' needs a field to compare",
        );
      const before = ctx.before.find((m) => MODIFIERS[m].scope === "value" && m !== "cased");
      if (before !== undefined)
        return fail(
          "DETECTION_INVALID_MODIFIER_COMBINATION",
          `modifier 'fieldref' cannot follow '${before}'; put it first`,
        );
      const s = asString(value);
      if (s === undefined) return wrongKind("fieldref", value, ctx, "a field name");
      if (hasWildcard(s.pattern))
        return fail(
          "DETECTION_FIELDREF_WILDCARD",
          "a field reference cannot contain wildcards",
          "value",
        );
      return ok({
        kind: "fieldref",
        other: literalText(s.pattern),
        position: "equal",
        cased: s.cased,
      });
    },
  },
  gt: { scope: "value", summary: "numerically greater than", apply: compare("gt", "gt") },
  gte: {
    scope: "value",
    summary: "numerically greater than or equal",
    apply: compare("gte", "gte"),
  },
  lt: { scope: "value", summary: "numerically less than", apply: compare("lt", "lt") },
  lte: { scope: "value", summary: "numerically less than or equal", apply: compare("lte", "lte") },
  expand: {
    scope: "value",
    summary: "replace %name% placeholders by each of their values (ORed)",
    apply: stringModifier("expand", (s, ctx) => {
      const placeholders = ctx.placeholders ?? {};
      for (const p of s.pattern) {
        if (p.kind !== "text") continue;
        for (const m of p.text.matchAll(PLACEHOLDER)) {
          if (!Object.prototype.hasOwnProperty.call(placeholders, m[1]!)) {
            return fail(
              "DETECTION_UNRESOLVED_PLACEHOLDER",
              `placeholder '%${m[1]}%' has no values; define it in the placeholders`,
              "value",
            );
          }
        }
      }
      const variants = cartesian(s.pattern, (t) => expandPlaceholders(t, placeholders));
      if (variants === undefined)
        return fail(
          "DETECTION_EXPANSION_TOO_LARGE",
          `expand would produce more than ${MAX_EXPANSION} variants`,
          "value",
        );
      return ok(...variants.map((pattern): Val => ({ ...s, pattern })));
    }),
  },
  minute: {
    scope: "value",
    summary: "the minute (0–59) of a date-time",
    apply: timePart("minute"),
  },
  hour: { scope: "value", summary: "the hour (0–23) of a date-time", apply: timePart("hour") },
  day: {
    scope: "value",
    summary: "the day of the month (1–31) of a date-time",
    apply: timePart("day"),
  },
  week: {
    scope: "value",
    summary: "the week of the year (1–53) of a date-time",
    apply: timePart("week"),
  },
  month: { scope: "value", summary: "the month (1–12) of a date-time", apply: timePart("month") },
  year: { scope: "value", summary: "the year of a date-time", apply: timePart("year") },
};

function parseLiteral(text: string): Pattern {
  return text === "" ? [] : [{ kind: "text", text }];
}

export const MODIFIER_LIST: readonly ModifierName[] = MODIFIER_NAMES;

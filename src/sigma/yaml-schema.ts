import type { DocumentDirective } from "js-yaml";

/**
 * Explicit YAML tags. A Sigma file is data: only the YAML 1.2 core schema's tags mean anything here,
 * with the meaning the core schema gives them (`!!str 123` is the text "123"). Any other tag
 * (`!!python/object/apply:…`, `!custom`, `!!binary`, `!!timestamp`, `!!set`…) names a type this
 * tool would have to invent a meaning for, so it is an error rather than silently ignored.
 *
 * Tag shorthands resolve as YAML 1.2 §6.8.2 defines them: `!!x` is `tag:yaml.org,2002:x` unless a
 * `%TAG !!` directive says otherwise, `!x` is the local tag `!x` unless `%TAG !` says otherwise,
 * `!h!x` uses the handle's declared prefix, `!<…>` is verbatim, and the suffix may be %-escaped.
 * The lone `!` is the non-specific tag: it only says "not resolved from the plain text", so a
 * scalar is a string and a collection is what it already is.
 */
export type CoreTag = "str" | "int" | "float" | "bool" | "null" | "seq" | "map";

export type ScalarValue = string | number | boolean | null;

export type TagResolution =
  | { readonly kind: "non-specific" }
  | { readonly kind: "core"; readonly tag: CoreTag }
  | { readonly kind: "unsupported"; readonly uri: string };

const YAML_ORG = "tag:yaml.org,2002:";
const CORE_TAGS: ReadonlySet<string> = new Set<CoreTag>([
  "str",
  "int",
  "float",
  "bool",
  "null",
  "seq",
  "map",
]);

/** The tag handles of one document (the defaults plus its %TAG directives). */
export function tagHandles(directives: readonly DocumentDirective[]): ReadonlyMap<string, string> {
  const handles = new Map<string, string>([
    ["!", "!"],
    ["!!", YAML_ORG],
  ]);
  for (const d of directives) if (d.kind === "tag") handles.set(d.handle, d.prefix);
  return handles;
}

/** `raw` is the tag as written (`!!str`, `!<tag:yaml.org,2002:str>`, `!e!x`, `!`). */
export function resolveTag(raw: string, handles: ReadonlyMap<string, string>): TagResolution {
  if (raw === "!") return { kind: "non-specific" };
  const uri = expandTag(raw, handles);
  if (uri.startsWith(YAML_ORG)) {
    const name = uri.slice(YAML_ORG.length);
    if (CORE_TAGS.has(name)) return { kind: "core", tag: name as CoreTag };
  }
  return { kind: "unsupported", uri };
}

function expandTag(raw: string, handles: ReadonlyMap<string, string>): string {
  if (raw.startsWith("!<") && raw.endsWith(">")) return percentDecode(raw.slice(2, -1));
  // The handle is the longest `!…!` prefix; without a second `!` it is the primary handle `!`.
  const second = raw.indexOf("!", 1);
  const handle = second > 0 ? raw.slice(0, second + 1) : "!";
  const suffix = raw.slice(handle.length);
  // js-yaml has already rejected an undeclared named handle; `!` and `!!` always exist.
  const prefix = handles.get(handle) ?? handle;
  return prefix + percentDecode(suffix);
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed escape cannot spell a core tag; keep the text so the message shows it.
    return s;
  }
}

const INT_DEC = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const NULLS: ReadonlySet<string> = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES: ReadonlySet<string> = new Set(["true", "True", "TRUE"]);
const FALSES: ReadonlySet<string> = new Set(["false", "False", "FALSE"]);
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map(
  [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]
    .map((s): [string, number] => [s, Infinity])
    .concat(["-.inf", "-.Inf", "-.INF"].map((s): [string, number] => [s, -Infinity]))
    .concat([".nan", ".NaN", ".NAN"].map((s): [string, number] => [s, NaN])),
);

function resolveInt(s: string): number | string | undefined {
  if (INT_DEC.test(s)) {
    const n = Number(s);
    // Keep huge integers as text so that no digit is silently lost.
    return Number.isSafeInteger(n) ? n : s;
  }
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  return undefined;
}

function resolveFloat(s: string): number | undefined {
  return SPECIAL_FLOATS.get(s) ?? (FLOAT.test(s) ? Number(s) : undefined);
}

function resolveBool(s: string): boolean | undefined {
  return TRUES.has(s) ? true : FALSES.has(s) ? false : undefined;
}

/** YAML 1.2 core schema, as Sigma tooling (PyYAML aside) reads plain scalars. */
export function resolveCoreScalar(s: string): ScalarValue {
  if (NULLS.has(s)) return null;
  // Integers first: a huge one stays text rather than losing digits as a float.
  return resolveBool(s) ?? resolveInt(s) ?? resolveFloat(s) ?? s;
}

/**
 * The value of a scalar under an explicit core scalar tag, whatever its style (`!!int "12"` is 12);
 * undefined when the text is not of that type (`!!int abc`), which is an error in the file.
 */
export function resolveTaggedScalar(
  tag: Exclude<CoreTag, "seq" | "map">,
  s: string,
): ScalarValue | undefined {
  switch (tag) {
    case "str":
      return s;
    case "null":
      return NULLS.has(s) ? null : undefined;
    case "bool":
      return resolveBool(s);
    case "int":
      return resolveInt(s);
    case "float":
      return resolveFloat(s);
  }
}

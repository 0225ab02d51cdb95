import { assertNever } from "../../diagnostics.js";
import { valuesAt } from "../kql/interpret.js";
import { ipInRange, parseIp, parseIpOrCidr, type IpValue } from "../kql/ip.js";
import { MAPPED_DATASETS, ownField } from "../kql/datasets.js";
import type { EsField, EsFieldType } from "../kql/mapping.js";
import { RegexpSyntaxError, compileLuceneRegexp } from "../lucene/regexp.js";
import { compileWildcard, type WildPart } from "../lucene/wildcard.js";
import { booleanTerms, integerTerms, ipTerms, keywordTerms } from "../eql/terms.js";
import { ParseError, type Interpreter } from "../types.js";
import type { EsqlExpr, Span } from "./ast.js";
import { parseEsql } from "./parse.js";

/**
 * Evaluates a parsed ES|QL query on an Elasticsearch document as ES|QL's compute engine does:
 * - a column holds what ES|QL loads for the field: keyword and ip doc values (sorted, duplicates
 *   removed, keyword values over ignore_above absent), integer, long and boolean doc values
 *   (duplicates kept), text from the source; no value is null, two or more are a multi-value;
 * - `==`, `!=`, `<`…, LIKE, RLIKE, IN and CIDR_MATCH are null when a side is null or
 *   multi-valued (ES|QL's "single-value function encountered multi-value" warning);
 *   TO_LOWER lower-cases every value (Java's and JavaScript's lower-casing agree);
 *   MV_CONTAINS(a, b) is whether every value of b is one of a (null reads as no value);
 *   COALESCE is the first non-null argument; IS NULL is "no value";
 * - LIKE: `*` any run, `?` one code point, a backslash escapes `*`, `?` and `\` (any other
 *   backslash is a ParseError); RLIKE is a Lucene regexp over the whole value;
 * - NOT / AND / OR follow three-valued logic; a row matches when every WHERE is true;
 * - FROM matches the document's data stream name (`type-dataset-namespace`) against its index
 *   patterns (`*` wildcards); a column's type is the field's mapping in the modelled data streams
 *   FROM reads (keyword, constant_keyword and wildcard are one keyword family; wildcard doc values
 *   are read as keyword's, sorted and deduplicated), and each document's values are read through
 *   its own stream's mapping (its ignore_above; none where that stream does not map the field).
 * A field no stream FROM reads maps is an unknown column and one mapped with incompatible types
 * is unusable (the query fails: a ParseError); anything outside this subset is a ParseError at
 * its position.
 */

type Scalar = string | number | boolean | IpValue;
interface Multi {
  readonly mv: readonly Scalar[];
}
type Value = Scalar | Multi | null;
type Type = "string" | "number" | "boolean" | "ip" | "date" | "null";

interface Compiled {
  readonly type: Type;
  eval(doc: unknown): Value;
}

/**
 * A field's mapping in one data stream's own index (undefined: that index does not map it, or
 * for dataset undefined, in a document without a data stream).
 */
export type FieldTypeOf = (field: string, dataset: string | undefined) => EsField | undefined;

/** A column: its type for the whole query, and the mapping a document's values are read with. */
interface Column {
  readonly type: EsFieldType;
  mappingIn(doc: unknown): EsField | undefined;
}

const isMulti = (v: Value): v is Multi => typeof v === "object" && v !== null && "mv" in v;
const isIp = (v: Scalar): v is IpValue => typeof v === "object";

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

function spanOf(e: EsqlExpr): Span {
  switch (e.kind) {
    case "and":
    case "or":
      return spanOf(e.items[0]!);
    case "not":
      return spanOf(e.item);
    default:
      return e.span;
  }
}

function column(values: readonly Scalar[]): Value {
  if (values.length === 0) return null;
  return values.length === 1 ? values[0]! : { mv: values };
}

function dedupe<T>(values: readonly T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sameScalar(a: Scalar, b: Scalar): boolean {
  if (isIp(a) || isIp(b)) return isIp(a) && isIp(b) && a.bits === b.bits;
  return a === b;
}

/** The values of a multi-value, a single value as one, null as none. */
const valuesOf = (v: Value): readonly Scalar[] => (v === null ? [] : isMulti(v) ? v.mv : [v]);

/** A single-value operation: null when an input is null or multi-valued. */
function single<T>(v: Value, f: (s: Scalar) => T): T | null {
  return v === null || isMulti(v) ? null : f(v);
}

function kleeneAnd(values: Value[]): Value {
  let out: Value = true;
  for (const v of values) {
    if (v === false) return false;
    if (v === null) out = null;
  }
  return out;
}

function kleeneOr(values: Value[]): Value {
  let out: Value = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === null) out = null;
  }
  return out;
}

/** ES|QL LIKE pattern text: `*`, `?`, and a backslash before `*`, `?` or `\`. */
function likeParts(text: string, span: Span): WildPart[] {
  const parts: WildPart[] = [];
  let literal = "";
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\") {
      const n = chars[i + 1];
      if (n !== "*" && n !== "?" && n !== "\\")
        fail("in a LIKE pattern a backslash may only escape *, ? or \\", span);
      literal += n;
      i++;
    } else if (c === "*" || c === "?") {
      if (literal !== "") parts.push({ kind: "text", text: literal });
      literal = "";
      parts.push({ kind: c === "*" ? "any" : "one" });
    } else literal += c;
  }
  if (literal !== "") parts.push({ kind: "text", text: literal });
  return parts;
}

function compareOp(op: string, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

class Compiler {
  constructor(private readonly columnOf: (field: string, span: Span) => Column) {}

  private field(name: string, span: Span): Compiled {
    const c = this.columnOf(name, span);
    const t = c.type;
    const keywords = (doc: unknown): string[] => {
      const mapping = c.mappingIn(doc);
      return mapping === undefined ? [] : keywordTerms(doc, name, mapping);
    };
    const present = (doc: unknown): boolean => c.mappingIn(doc) !== undefined;
    switch (t) {
      case "keyword":
      case "wildcard":
      case "constant_keyword":
        return {
          type: "string",
          eval: (doc) => column(dedupe(keywords(doc), (s) => s).sort()),
        };
      case "text":
        return {
          type: "string",
          eval: (doc) =>
            column(
              (present(doc) ? valuesAt(doc, name) : []).flatMap((v) =>
                typeof v === "string" || typeof v === "number" || typeof v === "boolean"
                  ? [String(v)]
                  : [],
              ),
            ),
        };
      case "ip":
        return {
          type: "ip",
          eval: (doc) =>
            column(present(doc) ? dedupe(ipTerms(doc, name), (ip) => String(ip.bits)) : []),
        };
      case "integer":
      case "long":
        return {
          type: "number",
          eval: (doc) => column(present(doc) ? integerTerms(doc, name, t) : []),
        };
      case "boolean":
        return {
          type: "boolean",
          eval: (doc) => column(present(doc) ? booleanTerms(doc, name) : []),
        };
      case "date":
        return {
          type: "date",
          eval: (doc) => column((present(doc) ? valuesAt(doc, name) : []).map((v) => String(v))),
        };
      default:
        return assertNever(t);
    }
  }

  compile(e: EsqlExpr): Compiled {
    switch (e.kind) {
      case "and":
      case "or": {
        const items = e.items.map((i) => this.boolean(i));
        const combine = e.kind === "and" ? kleeneAnd : kleeneOr;
        return { type: "boolean", eval: (doc) => combine(items.map((i) => i.eval(doc))) };
      }
      case "not": {
        const item = this.boolean(e.item);
        return {
          type: "boolean",
          eval: (doc) => {
            const v = item.eval(doc);
            return v === null ? null : !v;
          },
        };
      }
      case "isNull": {
        const value = this.compile(e.value);
        return {
          type: "boolean",
          eval: (doc) => (value.eval(doc) === null) !== e.negated,
        };
      }
      case "like":
      case "rlike":
        return this.pattern(e);
      case "in":
        return this.in(e);
      case "compare":
        return this.comparison(e);
      case "call":
        return this.call(e);
      case "field":
        return this.field(e.name, e.span);
      case "string":
        return { type: "string", eval: () => e.value };
      case "number":
        return { type: "number", eval: () => e.value };
      case "bool":
        return { type: "boolean", eval: () => e.value };
      case "null":
        return { type: "null", eval: () => null };
      case "span":
        return fail("a time span is outside the per-event subset", e.span);
      case "add":
        return fail("arithmetic is outside the per-event subset", e.span);
      default:
        return assertNever(e);
    }
  }

  private boolean(e: EsqlExpr): Compiled {
    const c = this.compile(e);
    if (c.type !== "boolean" && c.type !== "null")
      fail(`a ${c.type} is not a condition`, spanOf(e));
    return c;
  }

  private pattern(e: Extract<EsqlExpr, { kind: "like" | "rlike" }>): Compiled {
    const value = this.compile(e.value);
    if (value.type !== "string")
      fail(`${e.kind.toUpperCase()} reads strings, not ${value.type}`, e.span);
    const matchers = e.patterns.map((p) => {
      if (e.kind === "like") return compileWildcard(likeParts(p.text, p.span), false);
      try {
        return compileLuceneRegexp(p.text);
      } catch (err) {
        if (err instanceof RegexpSyntaxError)
          return fail(`regular expression: ${err.message} (at ${err.offset})`, p.span);
        throw err;
      }
    });
    return {
      type: "boolean",
      eval: (doc) => {
        const r = single(value.eval(doc), (s) => matchers.some((m) => m(s as string)));
        return r === null ? null : r !== e.negated;
      },
    };
  }

  private in(e: Extract<EsqlExpr, { kind: "in" }>): Compiled {
    const value = this.compile(e.value);
    const list = e.list.map((i) => this.compile(i));
    for (const [k, i] of list.entries())
      if (i.type !== value.type && i.type !== "null")
        fail(`IN compares ${value.type} with ${i.type}`, spanOf(e.list[k]!));
    return {
      type: "boolean",
      eval: (doc) => {
        const v = value.eval(doc);
        if (v === null || isMulti(v)) return null;
        let sawNull = false;
        for (const i of list) {
          const x = i.eval(doc);
          if (x === null || isMulti(x)) sawNull = true;
          else if (sameScalar(v, x)) return !e.negated;
        }
        return sawNull ? null : e.negated;
      },
    };
  }

  private comparison(e: Extract<EsqlExpr, { kind: "compare" }>): Compiled {
    const left = this.compile(e.left);
    const right = this.compile(e.right);
    const types = new Set([left.type, right.type].filter((t) => t !== "null"));
    if (types.size > 1) fail(`${e.op} compares ${left.type} with ${right.type}`, e.span);
    const type = [...types][0];
    const ordered = e.op !== "==" && e.op !== "!=";
    if (type === "date" || (ordered && type !== "number" && type !== undefined))
      fail(`${e.op} on ${type} is outside the modelled subset`, e.span);
    return {
      type: "boolean",
      eval: (doc) => {
        const a = left.eval(doc);
        const b = right.eval(doc);
        if (a === null || b === null || isMulti(a) || isMulti(b)) return null;
        if (typeof a === "number" && typeof b === "number") return compareOp(e.op, a, b);
        const same = sameScalar(a, b);
        return e.op === "==" ? same : !same;
      },
    };
  }

  private call(e: Extract<EsqlExpr, { kind: "call" }>): Compiled {
    if (e.star) fail(`${e.name}(*) is an aggregation, outside the per-event subset`, e.span);
    const args = e.args.map((a) => this.compile(a));
    const want = (n: number): void => {
      if (args.length !== n) fail(`${e.name} takes ${n} argument(s)`, e.span);
    };
    switch (e.name) {
      case "TO_LOWER":
      case "TO_UPPER": {
        want(1);
        const arg = args[0]!;
        if (arg.type !== "string") fail(`${e.name} reads a string, not ${arg.type}`, e.span);
        const f =
          e.name === "TO_LOWER" ? (s: string) => s.toLowerCase() : (s: string) => s.toUpperCase();
        return {
          type: "string",
          eval: (doc) => {
            const v = arg.eval(doc);
            if (v === null) return null;
            return isMulti(v) ? { mv: v.mv.map((s) => f(s as string)) } : f(v as string);
          },
        };
      }
      case "TO_IP": {
        want(1);
        const arg = args[0]!;
        if (arg.type !== "string" && arg.type !== "ip") fail(`TO_IP reads a string`, e.span);
        return {
          type: "ip",
          eval: (doc) => {
            const out = valuesOf(arg.eval(doc)).flatMap((s) => {
              const ip = typeof s === "string" ? parseIp(s) : isIp(s) ? s : undefined;
              return ip === undefined ? [] : [ip];
            });
            return column(out);
          },
        };
      }
      case "COALESCE": {
        if (args.length === 0) fail("COALESCE takes at least one argument", e.span);
        const types = new Set(args.map((a) => a.type).filter((t) => t !== "null"));
        if (types.size > 1) fail("COALESCE arguments must have one type", e.span);
        return {
          type: [...types][0] ?? "null",
          eval: (doc) => {
            for (const a of args) {
              const v = a.eval(doc);
              if (v !== null) return v;
            }
            return null;
          },
        };
      }
      case "CIDR_MATCH": {
        const [ip, ...blocks] = args;
        if (ip === undefined || blocks.length === 0 || ip.type !== "ip")
          fail("CIDR_MATCH takes an ip and at least one CIDR block", e.span);
        const ranges = blocks.map((b, k) => {
          const text = e.args[k + 1]!.kind === "string" ? b.eval(undefined) : undefined;
          const r = typeof text === "string" ? parseIpOrCidr(text) : undefined;
          if (r === undefined)
            return fail("a CIDR_MATCH block must be a constant network", spanOf(e.args[k + 1]!));
          return r;
        });
        return {
          type: "boolean",
          eval: (doc) =>
            single(ip.eval(doc), (s) => ranges.some((r) => ipInRange(s as IpValue, r))),
        };
      }
      case "MV_CONTAINS": {
        want(2);
        const [set, sub] = args as [Compiled, Compiled];
        if (set.type !== sub.type && sub.type !== "null" && set.type !== "null")
          fail(`MV_CONTAINS compares ${set.type} with ${sub.type}`, e.span);
        return {
          type: "boolean",
          eval: (doc) => {
            const have = valuesOf(set.eval(doc));
            return valuesOf(sub.eval(doc)).every((x) => have.some((h) => sameScalar(h, x)));
          },
        };
      }
      default:
        return fail(`the function ${e.name} is outside the modelled subset`, e.span);
    }
  }
}

const METADATA = new Set([
  "_id",
  "_index",
  "_version",
  "_score",
  "_source",
  "_ignored",
  "_index_mode",
]);

function dataStreamName(doc: unknown): string | undefined {
  const part = (k: string): unknown => valuesAt(doc, `data_stream.${k}`)[0];
  const [type, dataset, namespace] = [part("type"), part("dataset"), part("namespace")];
  return typeof type === "string" && typeof dataset === "string" && typeof namespace === "string"
    ? `${type}-${dataset}-${namespace}`
    : undefined;
}

/** ES|QL reads keyword, constant_keyword and wildcard fields as one type (keyword). */
const family = (t: EsFieldType): EsFieldType =>
  t === "constant_keyword" || t === "wildcard" ? "keyword" : t;

function datasetOf(doc: unknown): string | undefined {
  const ds = valuesAt(doc, "data_stream.dataset")[0];
  return typeof ds === "string" ? ds : undefined;
}

/**
 * An interpreter over given index mappings: `typeOf` gives a field's mapping in each data stream
 * of `datasets`. A data stream is read when FROM names its backing data stream in the default
 * namespace (`logs-<dataset>-default`): the stream modelled for every namespace.
 */
export function createEsqlInterpreter(
  typeOf: FieldTypeOf = (field, dataset) => ownField(dataset, field),
  datasets: readonly string[] = MAPPED_DATASETS,
): Interpreter {
  return {
    target: "elastic",
    compile(text: string) {
      const query = parseEsql(text);
      const sources = query.sources.map((s) => {
        if (s.pattern.startsWith("-") || s.pattern.includes(":") || s.pattern.includes("<"))
          fail(`index pattern ${s.pattern} is outside the modelled subset`, s.span);
        const parts: WildPart[] = s.pattern
          .split(/(\*)/)
          .filter((x) => x !== "")
          .map((x) => (x === "*" ? { kind: "any" } : { kind: "text", text: x }));
        return compileWildcard(parts, false);
      });
      for (const m of query.metadata)
        if (!METADATA.has(m)) throw new ParseError(`unknown metadata field ${m}`, 0, 1, 1);
      const read = datasets.filter((ds) => sources.some((s) => s(`logs-${ds}-default`)));
      const columnOf = (name: string, span: Span): Column => {
        const mapped = read.flatMap((ds) => {
          const m = typeOf(name, ds);
          return m === undefined ? [] : [m];
        });
        const first = mapped[0];
        if (first === undefined)
          return fail(`Unknown column [${name}]: no index FROM reads maps it`, span);
        const types = new Set(mapped.map((m) => family(m.type)));
        if (types.size > 1)
          fail(
            `Cannot use field [${name}]: mapped as incompatible types [${[...types].join(", ")}] in the indices FROM reads`,
            span,
          );
        return {
          type: first.type,
          mappingIn: (doc) => {
            const ds = datasetOf(doc);
            return ds !== undefined && datasets.includes(ds) ? typeOf(name, ds) : first;
          },
        };
      };
      const compiler = new Compiler(columnOf);
      const where = query.where.map((w) => {
        const c = compiler.compile(w);
        if (c.type !== "boolean" && c.type !== "null")
          fail(`WHERE needs a condition, not a ${c.type}`, spanOf(w));
        return c;
      });
      const limited = query.limit === 0;
      return (doc) => {
        const name = dataStreamName(doc);
        if (limited || name === undefined || !sources.some((s) => s(name))) return false;
        return where.every((w) => w.eval(doc) === true);
      };
    },
  };
}

/** ES|QL on the modelled data streams (kql/datasets.ts: the mappings the KQL interpreter reads). */
export const esqlInterpreter: Interpreter = createEsqlInterpreter();

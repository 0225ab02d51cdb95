import { assertNever } from "../../diagnostics.js";
import { ipInRange, parseIpOrCidr } from "../kql/ip.js";
import { datasetField, MAPPED_DATASETS } from "../kql/datasets.js";
import { valuesAt } from "../kql/interpret.js";
import type { EsField, EsFieldType } from "../kql/mapping.js";
import { RegexpSyntaxError, compileLuceneRegexp } from "../lucene/regexp.js";
import { compileWildcard, type WildPart } from "../lucene/wildcard.js";
import { ParseError, type Interpreter } from "../types.js";
import type { EqlNode, Span } from "./ast.js";
import { parseEql } from "./parse.js";
import { booleanTerms, hasTerms, integerTerms, ipTerms, keywordTerms } from "./terms.js";

/**
 * Evaluates a parsed EQL event query on an Elasticsearch document as Elasticsearch's EQL planner
 * runs it (QueryTranslator, Optimizer): every comparison of a field with constants becomes a
 * term-level query, so a multi-valued field matches when any value does and `not` / `!=` /
 * `not in` are a must_not that matches documents without the field.
 * - `:` is a case-insensitive term query, or a case-insensitive wildcard query when the value
 *   holds `*` or `?`; `like` / `like~` are always wildcard queries; `in~` compares
 *   case-insensitively without wildcards. Case folding is Elasticsearch's: an ASCII character
 *   (≤ U+0080) matches its other case, any other character only itself.
 * - `regex` / `regex~` are Lucene regexps over the whole value (regex~ folds ASCII letters).
 * - `cidrMatch(f, "net/len", …)` is a terms query on an ip field.
 * - `f == null` is "no indexed value", `f != null` an exists query.
 * - `?f` of a field the index does not map is null: comparisons with it are null, `== null` on it
 *   is true; null propagates through `not`, `and`, `or` as in three-valued logic, and only a true
 *   query matches. A field that is neither mapped nor optional fails the query (a ParseError here).
 * Text fields (EQL refuses them), dates, arithmetic, other functions and pipes are outside the
 * modelled subset: a ParseError at their position.
 */

type TV = boolean | null;
type Eval = (doc: unknown) => TV;

/**
 * How a field is mapped in the data stream a document was indexed into (`data_stream.dataset`;
 * undefined for a document without one); undefined: no index the query reads maps the field.
 */
export type FieldTypeOf = (field: string, dataset: string | undefined) => EsField | undefined;

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

function spanOf(node: EqlNode): Span {
  switch (node.kind) {
    case "or":
    case "and":
      return spanOf(node.items[0]!);
    case "not":
      return spanOf(node.item);
    default:
      return node.span;
  }
}

const kleeneNot = (v: TV): TV => (v === null ? null : !v);

/** EQL's toLikePattern: `*` and `?` are wildcards, every other character is literal. */
function likeParts(value: string, span: Span): WildPart[] {
  if (value.includes("\u0001"))
    fail("U+0001 is EQL's like-pattern escape character: a value holding it fails the query", span);
  const parts: WildPart[] = [];
  let text = "";
  for (const c of value) {
    if (c === "*" || c === "?") {
      if (text !== "") parts.push({ kind: "text", text });
      text = "";
      parts.push({ kind: c === "*" ? "any" : "one" });
    } else text += c;
  }
  if (text !== "") parts.push({ kind: "text", text });
  return parts;
}

interface Field {
  readonly name: string;
  /** null: an optional field the index does not map (the null constant). */
  readonly type: EsFieldType | null;
  readonly mapping: EsField;
}

class Compiler {
  constructor(private readonly typeOf: (field: string) => EsField | undefined) {}

  private field(node: EqlNode): Field {
    if (node.kind !== "field")
      fail(
        `only a field can be compared with constants here (${node.kind} is outside the modelled subset)`,
        spanOf(node),
      );
    const mapping = this.typeOf(node.name);
    if (mapping === undefined) {
      if (node.optional) return { name: node.name, type: null, mapping: { type: "keyword" } };
      fail(
        `unknown field [${node.name}]: EQL fails a query that names a field the index does not map (write ?${node.name})`,
        node.span,
      );
    }
    const type = mapping.type;
    if (type === "text") fail(`${node.name} is a text field, which EQL cannot search`, node.span);
    return { name: node.name, type, mapping };
  }

  private constant(node: EqlNode): string | number | boolean | null {
    switch (node.kind) {
      case "string":
      case "number":
      case "bool":
        return node.value;
      case "null":
        return null;
      default:
        return fail(
          `a constant is expected here (${node.kind} is outside the modelled subset)`,
          spanOf(node),
        );
    }
  }

  compile(node: EqlNode): Eval {
    switch (node.kind) {
      case "and": {
        const items = node.items.map((i) => this.compile(i));
        return (doc) => {
          let out: TV = true;
          for (const f of items) {
            const v = f(doc);
            if (v === false) return false;
            if (v === null) out = null;
          }
          return out;
        };
      }
      case "or": {
        const items = node.items.map((i) => this.compile(i));
        return (doc) => {
          let out: TV = false;
          for (const f of items) {
            const v = f(doc);
            if (v === true) return true;
            if (v === null) out = null;
          }
          return out;
        };
      }
      case "not": {
        const item = this.compile(node.item);
        return (doc) => kleeneNot(item(doc));
      }
      case "bool":
        return () => node.value;
      case "null":
        return () => null;
      case "compare":
        return this.comparison(node.op, node.left, node.right, node.span);
      case "predicate":
        return this.predicate(node);
      case "call":
        return this.call(node);
      case "field":
      case "string":
      case "number":
        return fail(`a ${node.kind} is not a condition`, node.span);
      default:
        return assertNever(node);
    }
  }

  private comparison(op: string, left: EqlNode, right: EqlNode, span: Span): Eval {
    const f = this.field(left);
    const c = this.constant(right);
    if (c === null) {
      if (op !== "==" && op !== "!=")
        return fail(`${op} null is outside the modelled subset`, span);
      if (f.type === null) return () => op === "==";
      return op === "=="
        ? (doc) => !hasTerms(doc, f.name, f.mapping)
        : (doc) => hasTerms(doc, f.name, f.mapping);
    }
    if (f.type === null) return () => null;
    const eq = this.equality(f, c, span);
    if (op === "==") return eq;
    if (op === "!=") return (doc) => !eq(doc);
    const type = f.type;
    if ((type !== "integer" && type !== "long") || typeof c !== "number")
      return fail(`${op} on ${type} field ${f.name} is outside the modelled subset`, span);
    const cmp: Record<string, (a: number) => boolean> = {
      "<": (a) => a < c,
      "<=": (a) => a <= c,
      ">": (a) => a > c,
      ">=": (a) => a >= c,
    };
    const test = cmp[op]!;
    return (doc) => integerTerms(doc, f.name, type).some(test);
  }

  /** A term query of the field with one constant (a constant of the field's own kind). */
  private equality(f: Field, c: string | number | boolean, span: Span): (doc: unknown) => boolean {
    const type = f.type!;
    switch (type) {
      case "keyword":
      case "wildcard":
      case "constant_keyword":
        if (typeof c !== "string") fail(`${f.name} is ${type}: compare it with a string`, span);
        return (doc) => keywordTerms(doc, f.name, f.mapping).includes(c);
      case "integer":
      case "long":
        if (typeof c !== "number") fail(`${f.name} is ${type}: compare it with a number`, span);
        // A term query with a fraction on an integer field matches nothing.
        return (doc) => Number.isInteger(c) && integerTerms(doc, f.name, type).includes(c);
      case "boolean":
        if (typeof c !== "boolean")
          fail(`${f.name} is boolean: compare it with true or false`, span);
        return (doc) => booleanTerms(doc, f.name).includes(c);
      case "ip":
      case "date":
      case "text":
        return fail(
          `== on ${type} field ${f.name} is outside the modelled subset (use cidrMatch for ip)`,
          span,
        );
      default:
        return assertNever(type);
    }
  }

  private predicate(node: Extract<EqlNode, { kind: "predicate" }>): Eval {
    const f = this.field(node.target);
    const values = node.values.map((v) => ({ value: this.constant(v), span: spanOf(v) }));
    let test: (doc: unknown) => boolean;
    if (node.op === "in") {
      if (f.type === null) return () => null;
      const tests = values.map((v) => {
        if (v.value === null)
          return fail("null in an in list is outside the modelled subset", v.span);
        return this.equality(f, v.value, v.span);
      });
      test = (doc) => tests.some((t) => t(doc));
    } else {
      const matchers = values.map((v) => {
        if (typeof v.value !== "string")
          return fail(`${node.op} compares strings; ${JSON.stringify(v.value)} is not one`, v.span);
        return this.stringMatcher(node.op, v.value, v.span);
      });
      if (f.type === null) return () => null;
      const type = f.type;
      if (type !== "keyword" && type !== "wildcard" && type !== "constant_keyword")
        return fail(`${node.op} on ${type} field ${f.name}: EQL compares strings only`, node.span);
      test = (doc) => keywordTerms(doc, f.name, f.mapping).some((t) => matchers.some((m) => m(t)));
    }
    return node.negated ? (doc) => !test(doc) : test;
  }

  private stringMatcher(op: string, value: string, span: Span): (term: string) => boolean {
    switch (op) {
      case ":":
        return /[*?]/.test(value)
          ? compileWildcard(likeParts(value, span), true)
          : compileWildcard([{ kind: "text", text: value }], true);
      case "like":
      case "like~":
        return compileWildcard(likeParts(value, span), op === "like~");
      case "in~":
        return compileWildcard([{ kind: "text", text: value }], true);
      case "regex":
      case "regex~":
        try {
          return compileLuceneRegexp(value, op === "regex~");
        } catch (e) {
          if (e instanceof RegexpSyntaxError)
            return fail(`regular expression: ${e.message} (at ${e.offset})`, span);
          throw e;
        }
      default:
        return fail(`${op} is outside the modelled subset`, span);
    }
  }

  private call(node: Extract<EqlNode, { kind: "call" }>): Eval {
    if (node.name !== "cidrMatch" || node.insensitive)
      return fail(
        `the function ${node.name}${node.insensitive ? "~" : ""} is outside the modelled subset`,
        node.span,
      );
    const [target, ...addresses] = node.args;
    if (target === undefined || addresses.length === 0)
      return fail("cidrMatch takes a field and at least one address", node.span);
    const f = this.field(target);
    const ranges = addresses.map((a) => {
      const c = this.constant(a);
      const r = typeof c === "string" ? parseIpOrCidr(c) : undefined;
      if (r === undefined)
        return fail(`${JSON.stringify(c)} is not an address or CIDR range`, spanOf(a));
      return r;
    });
    if (f.type === null) return () => null;
    if (f.type !== "ip")
      return fail(`cidrMatch needs an ip field; ${f.name} is ${f.type}`, node.span);
    return (doc) => ipTerms(doc, f.name).some((ip) => ranges.some((r) => ipInRange(ip, r)));
  }
}

const defaultTypeOf: FieldTypeOf = (field, dataset) => datasetField(dataset, field);

function datasetOf(doc: unknown): string | undefined {
  const ds = valuesAt(doc, "data_stream.dataset")[0];
  return typeof ds === "string" ? ds : undefined;
}

/**
 * An interpreter over a given field typing. As the KQL interpreter does, it builds the query once
 * per modelled data stream, each with its own mapping (a query one of them cannot run is a
 * ParseError at compile time), and answers each document by the build for its own
 * `data_stream.dataset`.
 */
export function createEqlInterpreter(
  typeOf: FieldTypeOf = defaultTypeOf,
  datasets: readonly string[] = MAPPED_DATASETS,
): Interpreter {
  return {
    target: "elastic",
    compile(text: string) {
      const query = parseEql(text);
      const build = (dataset: string | undefined): ((doc: unknown) => boolean) => {
        const fieldOf = (field: string): EsField | undefined => typeOf(field, dataset);
        const where = new Compiler(fieldOf).compile(query.where);
        const category = query.category;
        const categoryField = fieldOf("event.category");
        if (category === null) return (doc) => where(doc) === true;
        if (categoryField === undefined)
          throw new ParseError(
            `the event category ${category} needs an event.category field, which the index does not map`,
            0,
            1,
            1,
          );
        return (doc) =>
          keywordTerms(doc, "event.category", categoryField).includes(category) &&
          where(doc) === true;
      };
      const fallback = build(undefined);
      const byDataset = new Map(datasets.map((ds) => [ds, build(ds)]));
      return (doc) => {
        const ds = datasetOf(doc);
        return ((ds !== undefined ? byDataset.get(ds) : undefined) ?? fallback)(doc);
      };
    },
  };
}

/** EQL on the modelled data streams (kql/datasets.ts: the mappings the KQL interpreter reads). */
export const eqlInterpreter: Interpreter = createEqlInterpreter();

import { assertNever, type Diagnostic } from "../../diagnostics.js";
import { FALSE, TRUE, and, literal, not, or, type Expr, type MatchExpr } from "../../ir.js";
import type { BackendContext, Lowered } from "../types.js";
import { FALCO } from "./dialect.js";
import { arrayElements, elementFields, elementName, presenceField } from "./elements.js";
import { lowerCidr, lowerComparison, shareCidrGuards } from "./lower-values.js";
import { declareListShape, scalarValueShape } from "./shape.js";
import { deviate, falcoField, report, withTest, type Sink } from "./sink.js";
import { checkFalcoVersion } from "./version.js";
import { DeviationRecorder } from "../deviations.js";
import { compilePredicate } from "../../sigma/evaluate.js";
import { lowerPattern, lowerRegex } from "./lower-pattern.js";
import { falcoSource, nullTextOf, type FalcoSource } from "./sources.js";
import { fieldType, isListField } from "./source-fields.js";
import { constantFields, isHostnameField, lowerHostname, lowerTyped } from "./typed.js";
import { nullNote } from "./shape.js";
import { lowerTrailingSlash, trailingSlashFields } from "./cwd.js";

/**
 * IR → the IR Falco says exactly. Each change is a fidelity diagnostic at the predicate's origin;
 * what Falco cannot say at all is an UNSUPPORTED_* error. Field names stay Sigma names (element N
 * of an element-wise array field F is the field `F.N`, see elements.ts).
 */

/** `element`: m reads one element `F.N` of an element-wise field, whose note lowerElements gave. */
function lowerMatch(sink: Sink, m: MatchExpr, element = false): Expr {
  const field = m.field;
  if (field === null) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_KEYWORDS",
      "Falco has no full-text search; keywords need a field",
    );
    return m;
  }
  if (elementFields(sink.ctx).has(field) && m.test.kind !== "exists" && m.test.kind !== "null")
    return lowerElements(sink, m, field);
  const constant = constantFields(sink.ctx)[field];
  if (constant !== undefined) return compilePredicate(m)({ [field]: constant }) ? TRUE : FALSE;
  const f = falcoField(sink, m, field);
  const type = fieldType(f) ?? "string";
  if (type !== "string") return lowerTyped(sink, m, f, type);
  if (isHostnameField(f)) return lowerHostname(sink, m, f);
  if (trailingSlashFields(sink.ctx).has(field)) {
    const rewritten = lowerTrailingSlash(sink, m, f);
    if (rewritten !== undefined)
      return rewritten === m ? m : mapMatches(rewritten, (x) => lowerTest(sink, x, f));
  }
  if (FALCO.brokenFields.has(f)) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_SOURCEIPS",
      `${f} is never set on real events (falcosecurity/plugins#236): a condition on it would silently never (or, negated, always) fire`,
    );
    return m;
  }
  const errors = sink.out.filter((d) => d.severity === "error").length;
  const lowered = lowerTest(sink, m, f);
  if (sink.out.filter((d) => d.severity === "error").length > errors) return lowered;
  if (isListField(f)) {
    declareListShape(sink, m, field, f, presenceField(sink.ctx, field));
    return lowered;
  }
  if (nullTextOf(sink.source, f) === undefined) return lowered;
  // An element's FIDELITY_ELEMENTS_BOUNDED note already says how elements read (null as "null").
  if (element || m.test.kind === "exists" || m.test.kind === "null") return lowered;
  return scalarValueShape(sink, m, field, f, lowered);
}

/** One predicate on the Falco field f (not an element field, not a broken one). */
function lowerTest(sink: Sink, m: MatchExpr, f: string): Expr {
  const isList = isListField(f);
  const nullText = nullTextOf(sink.source, f);
  const t = m.test;
  switch (t.kind) {
    case "pattern":
      return lowerPattern(sink, m, f, t.pattern, t.cased);
    case "bool":
      // Every ka.* value is text; a JSON boolean reads "true"/"false", which is what Sigma's bool
      // test accepts in any case: exactly a case-insensitive match of the word.
      return lowerPattern(sink, m, f, literal(t.value ? "true" : "false"), false);
    case "number":
      if (t.op !== "eq") {
        if (isList) {
          report(
            sink,
            m,
            "error",
            "UNSUPPORTED_NUMBER_COMPARISON",
            `list field ${f} takes only exact values (in/intersects), no comparison`,
          );
          return m;
        }
        return lowerComparison(sink, m, f, { ...t, op: t.op });
      }
      deviate(
        sink,
        m,
        "warning",
        "FIDELITY_NUMBER_AS_TEXT",
        `${f} is a string: the number is matched as the text "${String(t.value)}" (other spellings such as "${String(t.value)}.0" do not match)`,
      );
      return lowerPattern(sink, m, f, literal(String(t.value)), true);
    case "exists":
      if (isList || nullText === undefined) return m;
      deviate(
        sink,
        m,
        "info",
        "FIDELITY_NULL_TEXT",
        `${nullNote(sink.source, f)}: exists is written as (${f} exists and not ${f} = "${nullText}"), so a literal "${nullText}" string counts as missing`,
      );
      return and([
        m,
        not(withTest(m, { kind: "pattern", pattern: literal(nullText), cased: true })),
      ]);
    case "null":
      if (isList || nullText === undefined) return m;
      deviate(
        sink,
        m,
        "info",
        "FIDELITY_NULL_TEXT",
        `${nullNote(sink.source, f)}: null is written as (not ${f} exists or ${f} = "${nullText}"), so a literal "${nullText}" string counts as null`,
      );
      return or([
        not(withTest(m, { kind: "exists" })),
        withTest(m, { kind: "pattern", pattern: literal(nullText), cased: true }),
      ]);
    case "regex":
      return lowerRegex(sink, m, f, t, isList);
    case "cidr":
      if (isList) {
        report(
          sink,
          m,
          "error",
          "UNSUPPORTED_CIDR",
          `list field ${f} takes only exact values (in/intersects), no CIDR match`,
        );
        return m;
      }
      return lowerCidr(sink, m, f, t);
    case "fieldref":
      report(
        sink,
        m,
        "error",
        "UNSUPPORTED_FIELDREF",
        "comparing two fields needs val() (Falco ≥ 0.39), which this backend does not emit",
      );
      return m;
    case "timepart":
      report(
        sink,
        m,
        "error",
        "UNSUPPORTED_TIMEPART",
        "Falco conditions cannot take parts of a timestamp",
      );
      return m;
    case "phrase":
      report(
        sink,
        m,
        "error",
        "UNSUPPORTED_PHRASE",
        "a phrase test (Elasticsearch's analysed text) is not a rule construct; it has no meaning here",
      );
      return m;
    default:
      return assertNever(t);
  }
}

/** A value test on an element-wise array field: an OR over its first K elements. */
function lowerElements(sink: Sink, m: MatchExpr, field: string): Expr {
  const bound = arrayElements(sink.ctx);
  if (!bound.ok) return m;
  const first = falcoField(sink, m, elementName(field, 0));
  deviate(
    sink,
    m,
    "warning",
    "FIDELITY_ELEMENTS_BOUNDED",
    `${field} is read element by element (${first} and the next ${bound.k - 1}): elements past the first ${bound.k} are not compared (--option array-elements=K), each element is read as text (null as "null", objects and arrays as JSON), and a ${field} that is not an array has no elements`,
  );
  const items: Expr[] = [];
  for (let i = 0; i < bound.k; i++)
    items.push(lowerMatch(sink, { ...m, field: elementName(field, i) }, true));
  return or(shareCidrGuards(items));
}

/** e with every predicate replaced (and/or/not kept). */
function mapMatches(e: Expr, f: (m: MatchExpr) => Expr): Expr {
  switch (e.kind) {
    case "and":
      return and(e.items.map((i) => mapMatches(i, f)));
    case "or":
      return or(e.items.map((i) => mapMatches(i, f)));
    case "not":
      return not(mapMatches(e.item, f));
    case "const":
      return e;
    case "match":
      return f(e);
    default:
      return assertNever(e);
  }
}

function lowerExpr(sink: Sink, e: Expr): Expr {
  switch (e.kind) {
    case "and":
      return and(e.items.map((i) => lowerExpr(sink, i)));
    case "or":
      return or(shareCidrGuards(e.items.map((i) => lowerExpr(sink, i))));
    case "not":
      return not(lowerExpr(sink, e.item));
    case "const":
      return e;
    case "match":
      return sink.recorder.predicate(e, () => lowerMatch(sink, e));
    default:
      return assertNever(e);
  }
}

/**
 * One diagnostic per code and place: an element field lowers the same predicate K times, once per
 * element, and the first element's message stands for all of them.
 */
function unique(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = JSON.stringify([d.code, d.severity, d.loc?.offset, d.loc?.line, d.loc?.col]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function lowerFalco(ir: Expr, ctx: BackendContext): Lowered {
  const out: Diagnostic[] = [...checkFalcoVersion(ctx)];
  const bound = arrayElements(ctx);
  if (!bound.ok) out.push(bound.error);
  const recorder = new DeviationRecorder();
  const source: FalcoSource = falcoSource(ctx);
  const effective = lowerExpr({ ctx, source, out, noted: new Set(), recorder }, ir);
  return { effective, deviations: recorder.deviations, diagnostics: unique(out) };
}

import { and, isLiteral, literal, not, type Expr, type MatchExpr } from "../../ir.js";
import { compilePredicate } from "../../sigma/evaluate.js";
import { deviate, report, reportOnce, withTest, type Sink } from "./sink.js";
import { nullTextOf, type FalcoSource } from "./sources.js";

/** How the source renders a JSON null, for messages. */
export function nullNote(source: FalcoSource, f: string): string {
  if (/^(json|jevt)\.value\[/.test(f))
    return `the json plugin renders JSON null as the text "null"`;
  return source.name === "k8s_audit"
    ? `k8saudit renders JSON null as the text "null"`
    : `the ${source.plugins[0]?.name ?? source.name} plugin reads a JSON null (and any value that is not a string) as the empty string`;
}

/** How the source renders a value that is not a string, for messages. */
function textNote(source: FalcoSource, f: string, field: string): string {
  return source.name === "k8s_audit" || /^(json|jevt)\.value\[/.test(f)
    ? `${f} is read as one text: a JSON array or object at ${field} is compared as its compact JSON text (e.g. ["a","b"]), not element by element, and a string only up to its first NUL character`
    : `the ${source.plugins[0]?.name ?? source.name} plugin reads ${f} as one text: a value at ${field} that is not a string reads as the empty string (an array is not read element by element), and a string only up to its first NUL character`;
}

/**
 * What k8saudit does to the shape of a value, declared where a lowered predicate depends on it
 * (shared/reference/falco/ka-fields.md; the plugin's extractFromKeys and jsonValueAsString):
 * - a scalar field is one text: a string as is (up to its first NUL), anything else as compact
 *   JSON, so JSON null reads "null" and an array reads `["a","b"]`, never element by element;
 * - a list field exists only when the path holds a non-empty JSON array, each element rendered
 *   the same way.
 * Sigma instead skips null, looks into arrays and calls any non-null value present.
 */

/**
 * A list field (ka.user.groups…): it is available only for a non-empty JSON array. exists / null
 * read the whole value through its presence field instead (the pipeline setting `presenceFields`,
 * printed as `P exists and not P = "null"`), where only the literal text "null" differs.
 */
export function declareListShape(
  sink: Sink,
  m: MatchExpr,
  field: string,
  f: string,
  presence: string | undefined,
): void {
  const presenceTest = m.test.kind === "exists" || m.test.kind === "null";
  if (presenceTest && presence !== undefined) {
    report(
      sink,
      m,
      "info",
      "FIDELITY_NULL_TEXT",
      `${m.test.kind} on ${field} reads ${presence}, where k8saudit renders JSON null as the text "null": a literal "null" string counts as null`,
    );
    return;
  }
  reportOnce(
    sink,
    m,
    field,
    "info",
    "FIDELITY_LIST_SHAPE",
    `k8saudit fills the list field ${f} only from a non-empty JSON array at ${field}: an empty list or a value that is not a list leaves it unavailable (exists false, null true, every value test false), and each element is read as text (null as "null", arrays and objects as JSON, a string up to its first NUL)`,
  );
}

/**
 * A value test on a scalar field. Declares once per field that non-string values are read as
 * their JSON text; and where the lowered test would hold on the text "null" (as `*` does), adds
 * `not f = "null"` so that a JSON null, which Sigma treats as missing, does not match; a value
 * that is the word null itself (no wildcard) stays unguarded and says so.
 */
export function scalarValueShape(
  sink: Sink,
  m: MatchExpr,
  field: string,
  f: string,
  lowered: Expr,
): Expr {
  const nullText = nullTextOf(sink.source, f);
  if (nullText === undefined) return lowered;
  reportOnce(sink, m, field, "info", "FIDELITY_JSON_TEXT", textNote(sink.source, f, field));
  const onNull = compilePredicate(lowered)({ [field]: nullText });
  if (!onNull) return lowered;
  if (
    lowered.kind === "match" &&
    lowered.test.kind === "pattern" &&
    isLiteral(lowered.test.pattern)
  ) {
    // The value IS the word null: a guard would leave a predicate that never holds.
    report(
      sink,
      m,
      "info",
      "FIDELITY_NULL_TEXT",
      `${nullNote(sink.source, f)}: this value also matches a JSON null at ${field}, which Sigma treats as missing`,
    );
    return lowered;
  }
  deviate(
    sink,
    m,
    "info",
    "FIDELITY_NULL_TEXT",
    `${nullNote(sink.source, f)}, which this value would match: it is written with (and not ${f} = "${nullText}"), so a literal "${nullText}" string does not match either`,
  );
  return and([
    lowered,
    not(withTest(m, { kind: "pattern", pattern: literal(nullText), cased: true })),
  ]);
}

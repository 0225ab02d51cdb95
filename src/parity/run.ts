import { compileForTarget, type RuleIR, type TargetOutput } from "../compile.js";
import type { Deviation } from "../backends/types.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Expr } from "../ir.js";
import { compilePredicate, evaluate } from "../sigma/evaluate.js";
import { inLogsource, sigmaEvent } from "../sigma/logsource-membership.js";
import { locate, type Loc } from "../source.js";
import type { TargetName } from "../targets/types.js";
import type { Fixture } from "../verify/fixtures.js";
import {
  interpretAll,
  parityLanguages,
  type Answer,
  type ParityLabel,
} from "../verify/registry.js";
import { CaseNotCheckedError, ParseError, type TargetView } from "../verify/types.js";
import { responsible, suspects } from "./localize.js";
import { replaceDeclared } from "./replace.js";

/**
 * The parity check. For every rule × fixture × target, with `e` the raw event:
 *  - expectation: the reference evaluator on the rule's IR with exactly the target's declared
 *    deviations replaced, on the target's seen event (`seen(e')`, the backend's claim of what its
 *    data holds, of the event as the rule reads it: `e'` shows a producer's own field names under
 *    the category's, sigmaEvent), and false outside the rule's logsource;
 *  - translation: the interpreter reading the emitted text on the view's document of `e` must give
 *    the expectation. No exception: any other change of meaning is a failure, whatever the
 *    backend declared elsewhere in the rule;
 *  - label: the reference evaluator on the rule's IR must agree with the fixture's label;
 *  - a target answer that differs from the label is a declared deviation with its cause (the
 *    deviating predicates at their line:col, or the data notes for what the seen event lacks); a
 *    difference caused by the seen event when the backend gave no data note is undeclared.
 */
export type DisagreementKind =
  "translation" | "label" | "undeclared-deviation" | "declared-deviation" | "parse";

/** Why a target's answer differs from the label. */
export type Cause =
  | {
      readonly kind: "predicate";
      readonly codes: readonly string[];
      readonly file: string;
      readonly loc?: Loc;
    }
  | { readonly kind: "data"; readonly codes: readonly string[] };

export interface RuleRef {
  readonly id: string;
  readonly title: string;
  readonly file: string;
}

export interface Disagreement {
  readonly kind: DisagreementKind;
  readonly rule: RuleRef;
  readonly fixture: string;
  /**
   * The target, or the target's language when it has several (`elastic/eql`); "sigma" for a
   * label disagreement of the reference evaluator.
   */
  readonly target: ParityLabel | "sigma";
  readonly expected: boolean;
  readonly got: boolean;
  readonly text: string;
  readonly detail?: string;
  /** Where in the rule file to look (a translation failure's suspect predicate, a cause). */
  readonly file: string;
  readonly loc?: Loc;
  /** For declared deviations: what explains the difference from the label. */
  readonly causes?: readonly Cause[];
}

/** A rule/target pair the target cannot express (an error diagnostic says why). */
export interface UnsupportedPair {
  readonly rule: RuleRef;
  readonly target: ParityLabel;
  readonly errors: readonly Diagnostic[];
}

export interface TargetStats {
  cases: number;
  agree: number;
  declaredDeviations: number;
  /** Rules this target cannot express; nothing to compare. */
  unsupported: number;
  /** Cases an interpreter could not decide within its work budget (warned, not compared). */
  unchecked: number;
}

export interface VerifyReport {
  readonly cases: number;
  readonly disagreements: readonly Disagreement[];
  readonly unsupported: readonly UnsupportedPair[];
  readonly diagnostics: readonly Diagnostic[];
  readonly perTarget: Readonly<Record<string, TargetStats>>;
  /**
   * False when a disagreement other than a declared deviation was found, or (unless
   * allowUnsupported) when a rule/target pair could not be compiled or no case was checked.
   */
  readonly ok: boolean;
}

export interface VerifyOptions {
  readonly targets: readonly TargetName[];
  /** Each target's options (`--option`), checked against its declared keys by compileForTarget. */
  readonly targetOptions?: Readonly<Partial<Record<TargetName, Readonly<Record<string, string>>>>>;
  /** Compile as `convert --strict`: a fidelity warning makes the pair unsupported. */
  readonly strict?: boolean;
  /** Unsupported pairs and an empty run are reported, not failures. */
  readonly allowUnsupported?: boolean;
}

const errorsOf = (ds: readonly Diagnostic[]): Diagnostic[] =>
  ds.filter((d) => d.severity === "error");

/** Fidelity diagnostics that are not a deviation of a predicate: what the data cannot show. */
function dataNotes(output: TargetOutput): string[] {
  const deviated = new Set(
    output.deviations.flatMap((d) => {
      const at = d.node.kind === "match" ? d.node.origin.offset : -1;
      return d.codes.map((c) => `${c}@${at}`);
    }),
  );
  const codes = output.diagnostics
    .filter((d) => d.fidelity && !deviated.has(`${d.code}@${d.loc?.offset ?? -1}`))
    .map((d) => d.code)
    .concat(output.dataNotes.map((n) => n.code));
  return [...new Set(codes)].sort();
}

function predicateCauses(ds: readonly Deviation[], file: string): Cause[] {
  return ds.map((d) => ({
    kind: "predicate",
    codes: d.codes,
    file: d.node.kind === "match" ? (d.node.origin.file ?? file) : file,
    ...(d.node.kind === "match" ? { loc: d.node.origin } : {}),
  }));
}

export async function verifyRules(
  rules: readonly RuleIR[],
  fixtures: readonly Fixture[],
  options: VerifyOptions,
): Promise<VerifyReport> {
  const disagreements: Disagreement[] = [];
  const unsupported: UnsupportedPair[] = [];
  const diagnostics: Diagnostic[] = [];
  const perTarget: Record<string, TargetStats> = {};
  let cases = 0;
  // A view's document does not depend on the rule: computed once per target and fixture.
  const byView = new Map<TargetView, readonly unknown[]>();
  const documentsFor = (view: TargetView): readonly unknown[] => {
    let docs = byView.get(view);
    if (docs === undefined) {
      docs = fixtures.map((f) => view.document(f.event));
      byView.set(view, docs);
    }
    return docs;
  };
  for (const r of rules) {
    const ruleRef: RuleRef = {
      id: r.rule.id ?? r.rule.title,
      title: r.rule.title,
      file: r.rule.source.path,
    };
    const condition = r.rule.conditions[0];
    const conditionLoc = condition ? locate(r.rule.source, condition.start) : undefined;
    const inScope = fixtures.map((f) => inLogsource(r.rule.logsource, f.event));
    // The event as the rule reads it (a producer's own field names under the category's).
    const events = fixtures.map((f) => sigmaEvent(r.rule.logsource, f.event));
    const references = fixtures.map((f, i) => inScope[i]! && evaluate(r.ir, events[i]));
    const labelled = fixtures.map(
      (f) => f.labelled === undefined || f.labelled.includes(ruleRef.id),
    );
    // An unlabelled pair takes the rule's own answer as its label: only translation and causes.
    const labels = fixtures.map((f, i) =>
      labelled[i] ? f.matches.includes(ruleRef.id) : references[i]!,
    );
    fixtures.forEach((f, i) => {
      const reference = references[i]!;
      if (reference !== labels[i])
        disagreements.push({
          kind: "label",
          rule: ruleRef,
          fixture: f.id,
          target: "sigma",
          expected: labels[i]!,
          got: reference,
          text: "",
          file: ruleRef.file,
          ...(conditionLoc ? { loc: conditionLoc } : {}),
        });
    });
    for (const lang of options.targets.flatMap(parityLanguages)) {
      const target = lang.label;
      const stats = (perTarget[target] ??= {
        cases: 0,
        agree: 0,
        declaredDeviations: 0,
        unsupported: 0,
        unchecked: 0,
      });
      const output = await compileForTarget(r, lang.target, {
        format: lang.format,
        ...(options.strict ? { strict: true } : {}),
        ...(options.targetOptions?.[lang.target]
          ? { targetOptions: options.targetOptions[lang.target] }
          : {}),
      });
      diagnostics.push(...output.diagnostics);
      const errors = errorsOf(output.diagnostics);
      if (errors.length > 0) {
        stats.unsupported++;
        unsupported.push({ rule: ruleRef, target, errors });
        continue;
      }
      let answers: readonly Answer[];
      try {
        answers = await interpretAll(lang.interpreter, documentsFor(lang.view), output.artifact);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        disagreements.push({
          kind: "parse",
          rule: ruleRef,
          fixture: "",
          target,
          expected: true,
          got: false,
          text: output.artifact,
          detail: e.message,
          file: ruleRef.file,
        });
        continue;
      }
      const expectedIR: Expr = replaceDeclared(r.ir, output.deviations);
      const holds = compilePredicate(expectedIR);
      const notes = dataNotes(output);
      fixtures.forEach((f, i) => {
        cases++;
        stats.cases++;
        const label = labels[i]!;
        const base = { rule: ruleRef, fixture: f.id, target, text: output.query };
        const got = answers[i]!;
        if (got instanceof CaseNotCheckedError) {
          // An interpreter that could not decide within its work budget (a JS module's regex
          // search past its step count, the PCRE model's): the case is unchecked (a warning).
          stats.unchecked++;
          diagnostics.push({
            severity: "warning",
            code: got.code,
            message: `fixture ${f.id}: ${got.message}`,
            file: ruleRef.file,
            target: lang.target,
          });
          return;
        }
        const seen = output.seen(events[i]);
        const stored = inScope[i]! && seen !== null;
        const expected = stored && holds(seen);
        if (got !== expected) {
          const suspect = stored ? suspects(expectedIR, seen, got)[0] : undefined;
          const loc = suspect?.origin ?? conditionLoc;
          disagreements.push({
            ...base,
            kind: "translation",
            expected,
            got,
            ...(inScope[i] ? {} : { detail: "the event is outside the rule's logsource" }),
            file: suspect?.origin.file ?? ruleRef.file,
            ...(loc ? { loc } : {}),
          });
          return;
        }
        if (got === label) {
          stats.agree++;
          return;
        }
        // The target's answer is its declared meaning; say what makes it differ from the label.
        const onSeen = stored && evaluate(r.ir, seen);
        const causes: Cause[] = [];
        if (onSeen !== got)
          causes.push(
            ...predicateCauses(responsible(r.ir, output.deviations, seen, got), ruleRef.file),
          );
        const dataCaused = onSeen !== label;
        if (dataCaused && notes.length > 0) causes.push({ kind: "data", codes: notes });
        const declared = !dataCaused || notes.length > 0;
        if (declared) stats.declaredDeviations++;
        const first = causes.find((c) => c.kind === "predicate");
        disagreements.push({
          ...base,
          kind: declared ? "declared-deviation" : "undeclared-deviation",
          expected: label,
          got,
          ...(declared
            ? {}
            : { detail: "the target's data changes the answer, and no data note says so" }),
          file: first?.kind === "predicate" ? first.file : ruleRef.file,
          ...(first?.kind === "predicate" && first.loc ? { loc: first.loc } : {}),
          causes,
        });
      });
    }
  }
  const failing = disagreements.filter((d) => d.kind !== "declared-deviation");
  const complete = options.allowUnsupported || (unsupported.length === 0 && cases > 0);
  return {
    cases,
    disagreements,
    unsupported,
    diagnostics,
    perTarget,
    ok: failing.length === 0 && complete,
  };
}

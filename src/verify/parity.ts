import { compileForTarget, type RuleIR, type TargetOutput } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { evaluate } from "../sigma/evaluate.js";
import type { TargetName } from "../targets/types.js";
import type { Fixture } from "./fixtures.js";
import { interpreterFor, parityFormat, viewFor } from "./registry.js";
import { MatchTimeoutError } from "./js/interpret.js";
import { ParseError } from "./types.js";

/**
 * The parity check. For every rule × fixture × target:
 *  - translation: interpret(emitted text, document(e)) must equal evaluate(effective IR, seen(e)).
 *    No exception: a difference is a backend bug (escaping, precedence, a wrong encoding).
 *  - label: the reference evaluator on the rule's IR must agree with the fixture's label.
 *  - fidelity: the target's answer must equal the label, unless the target declared a deviation
 *    for this rule (a fidelity diagnostic); an undeclared difference fails.
 */
export type DisagreementKind =
  "translation" | "timeout" | "label" | "undeclared-deviation" | "declared-deviation" | "parse";

export interface Disagreement {
  readonly kind: DisagreementKind;
  readonly rule: { readonly id: string; readonly title: string; readonly file: string };
  readonly fixture: string;
  /** "sigma" for a label disagreement of the reference evaluator. */
  readonly target: TargetName | "sigma";
  readonly expected: boolean;
  readonly got: boolean;
  readonly text: string;
  readonly detail?: string;
}

export interface TargetStats {
  cases: number;
  agree: number;
  declaredDeviations: number;
  /** Rules this target cannot express (an error diagnostic says why); nothing to compare. */
  unsupported: number;
}

export interface VerifyReport {
  readonly cases: number;
  readonly disagreements: readonly Disagreement[];
  readonly diagnostics: readonly Diagnostic[];
  readonly perTarget: Readonly<Record<string, TargetStats>>;
  /**
   * Fails when any disagreement other than a declared deviation was found. A rule a target cannot
   * express is not a disagreement (convert already refuses it with a coded error): it is counted
   * as unsupported and its diagnostics are returned.
   */
  readonly ok: boolean;
}

export interface VerifyOptions {
  readonly targets: readonly TargetName[];
  readonly targetOptions?: Readonly<Record<string, string>>;
  /** Make declared deviations count as failures too. */
  readonly strict?: boolean;
}

export async function verifyRules(
  rules: readonly RuleIR[],
  fixtures: readonly Fixture[],
  options: VerifyOptions,
): Promise<VerifyReport> {
  const disagreements: Disagreement[] = [];
  const diagnostics: Diagnostic[] = [];
  const perTarget: Record<string, TargetStats> = {};
  let cases = 0;
  for (const r of rules) {
    const ruleRef = {
      id: r.rule.id ?? r.rule.title,
      title: r.rule.title,
      file: r.rule.source.path,
    };
    const labels = fixtures.map((f) => f.matches.includes(ruleRef.id));
    const reference = fixtures.map((f) => evaluate(r.ir, f.event));
    fixtures.forEach((f, i) => {
      if (reference[i] !== labels[i]) {
        disagreements.push({
          kind: "label",
          rule: ruleRef,
          fixture: f.id,
          target: "sigma",
          expected: labels[i]!,
          got: reference[i]!,
          text: "",
        });
      }
    });
    for (const target of options.targets) {
      const stats = (perTarget[target] ??= {
        cases: 0,
        agree: 0,
        declaredDeviations: 0,
        unsupported: 0,
      });
      const output: TargetOutput = await compileForTarget(r, target, {
        format: parityFormat(target),
        ...(options.targetOptions ? { targetOptions: options.targetOptions } : {}),
      });
      diagnostics.push(...output.diagnostics);
      if (hasErrors(output.diagnostics)) {
        stats.unsupported++;
        continue;
      }
      let predicate: (doc: unknown) => boolean;
      try {
        predicate = interpreterFor(target).compile(output.artifact);
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
        });
        continue;
      }
      const view = viewFor(target);
      const declared = output.diagnostics.some((d) => d.fidelity);
      fixtures.forEach((f, i) => {
        cases++;
        stats.cases++;
        let got: boolean;
        try {
          got = predicate(view.document(f.event));
        } catch (e) {
          // A generated JS module whose regex backtracks for too long on this event: a failure
          // to report, not a crash of the check.
          if (!(e instanceof MatchTimeoutError)) throw e;
          disagreements.push({
            kind: "timeout",
            rule: ruleRef,
            fixture: f.id,
            target,
            expected: labels[i]!,
            got: false,
            text: output.query,
            detail: e.message,
          });
          return;
        }
        // A view returns null for an event the target drops before any rule runs (Falco's
        // k8saudit source rejects events without a valid stageTimestamp): it can never fire.
        const seen = view.seen(f.event);
        const exact = seen === null ? false : evaluate(output.effective, seen);
        const label = labels[i]!;
        if (got !== exact) {
          disagreements.push({
            kind: "translation",
            rule: ruleRef,
            fixture: f.id,
            target,
            expected: exact,
            got,
            text: output.query,
          });
        } else if (got !== label) {
          const kind = declared ? "declared-deviation" : "undeclared-deviation";
          if (declared) stats.declaredDeviations++;
          disagreements.push({
            kind,
            rule: ruleRef,
            fixture: f.id,
            target,
            expected: label,
            got,
            text: output.query,
          });
        } else {
          stats.agree++;
        }
      });
    }
  }
  const failing = disagreements.filter((d) => d.kind !== "declared-deviation" || options.strict);
  return { cases, disagreements, diagnostics, perTarget, ok: failing.length === 0 };
}

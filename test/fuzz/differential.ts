import { expectation } from "../../src/parity/expect.js";
import { compileForTarget, type RuleIR } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import type { Expr } from "../../src/ir.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import type { TargetName } from "../../src/targets/types.js";
import { interpretAll, parityLanguages } from "../../src/verify/registry.js";
import { ParseError } from "../../src/verify/types.js";

/**
 * The differential check for one random IR tree and a few random raw events, for every target:
 *  - exact translation: interpret(text, document(e)) === evaluate(effective, seen(e)) whenever
 *    the compile has no errors (no exception);
 *  - fidelity: a difference from evaluate(ir, e) is explained: by a declared deviation of a
 *    predicate, or by the seen event (what the data holds) with a data note saying so.
 * The tree is compiled for a tiny kubernetes/audit rule whose detection is replaced by the tree
 * (rule metadata is only read by artifacts).
 */

const RULE_TEXT = `title: Differential Fuzz Rule
id: 00000000-0000-4000-8000-00000000f022
status: test
logsource:
  product: kubernetes
  service: audit
detection:
  selection:
    verb: create
  condition: selection
level: low
`;

let cachedRule: SigmaRule | undefined;

/** The host rule, loaded once through the real front end. */
export function hostRule(): SigmaRule {
  if (cachedRule) return cachedRule;
  const loaded = loadSigmaFile({ path: "fuzz.yml", text: RULE_TEXT });
  const doc = loaded.documents[0];
  if (doc === undefined || doc.kind !== "rule")
    throw new Error(`fuzz host rule did not load: ${JSON.stringify(loaded.diagnostics)}`);
  cachedRule = doc;
  return doc;
}

/** A finding names the language it was checked in (`elastic`, `elastic/eql`, `elastic/esql` …). */
export type Finding =
  | {
      readonly kind: "translation" | "fidelity";
      readonly target: string;
      readonly event: unknown;
      readonly expected: boolean;
      readonly got: boolean;
      readonly text: string;
    }
  | {
      readonly kind: "parse";
      readonly target: string;
      readonly text: string;
      readonly detail: string;
    };

export interface CaseResult {
  readonly findings: readonly Finding[];
  /** Target languages that compiled the tree (no error diagnostic). */
  readonly compiled: readonly string[];
  /** (event, target) pairs compared. */
  readonly comparisons: number;
}

export async function checkCase(
  ir: Expr,
  events: readonly unknown[],
  targets: readonly TargetName[],
  targetOptions: Readonly<Record<string, string>> = {},
  /** Only these languages (`elastic/eql`…); every language of the targets when absent. */
  only?: readonly string[],
): Promise<CaseResult> {
  const ruleIR: RuleIR = { rule: hostRule(), ir, diagnostics: [], filters: [] };
  const reference = compilePredicate(ir);
  const findings: Finding[] = [];
  const compiled: string[] = [];
  let comparisons = 0;
  const languages = targets
    .flatMap(parityLanguages)
    .filter((l) => only === undefined || only.includes(l.label));
  for (const lang of languages) {
    const target = lang.label;
    const out = await compileForTarget(ruleIR, lang.target, { format: lang.format, targetOptions });
    if (hasErrors(out.diagnostics)) continue;
    compiled.push(target);
    let answers: readonly unknown[];
    try {
      answers = await interpretAll(
        lang.interpreter,
        events.map((e) => lang.view.document(e)),
        out.artifact,
      );
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      findings.push({ kind: "parse", target, text: out.query, detail: e.message });
      continue;
    }
    const exact = expectation(ruleIR.rule.logsource, ir, out);
    const onSeen = compilePredicate(ir);
    const noted =
      out.dataNotes.length > 0 || out.diagnostics.some((d) => d.fidelity && d.severity === "info");
    const explained = (got: boolean, event: unknown): boolean => {
      const seen = out.seen(event);
      const sigmaOnSeen = seen !== null && onSeen(seen);
      // A predicate deviation explains got vs the rule on the seen event; the data explains the
      // rest only with a data note.
      const byPredicate = sigmaOnSeen === got || out.deviations.length > 0;
      const byData = sigmaOnSeen === reference(event) || noted;
      return byPredicate && byData;
    };
    for (const [i, event] of events.entries()) {
      comparisons++;
      const answer = answers[i];
      if (typeof answer !== "boolean") throw answer;
      const got = answer;
      const expected = exact(event);
      if (got !== expected) {
        findings.push({ kind: "translation", target, event, expected, got, text: out.query });
      } else if (got !== reference(event) && !explained(got, event)) {
        findings.push({
          kind: "fidelity",
          target,
          event,
          expected: reference(event),
          got,
          text: out.query,
        });
      }
    }
  }
  return { findings, compiled, comparisons };
}

/** A finding as one readable block (for the assertion message and the long-run log). */
export function describeFinding(f: Finding): string {
  if (f.kind === "parse") return `parse ${f.target}: ${f.detail}\n  text: ${f.text}`;
  return (
    `${f.kind} ${f.target}: expected ${f.expected}, got ${f.got}\n` +
    `  text:  ${f.text}\n  event: ${JSON.stringify(f.event)}`
  );
}

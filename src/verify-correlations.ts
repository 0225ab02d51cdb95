import { compileCorrelationForTarget, type CorrelationOutput } from "./compile-correlation.js";
import { hasErrors, type Diagnostic } from "./diagnostics.js";
import { correlate, type Alert } from "./sigma/correlate.js";
import type { CorrelationIR } from "./sigma/correlation-ir.js";
import { formatTimestampUs } from "./sigma/correlation-time.js";
import type { TargetName } from "./targets/types.js";
import { loadCorrelationModule } from "./verify/correlation/js.js";
import type { SequenceFixture } from "./verify/correlation/sequences.js";
import { compileCorrelationSpl, type CompiledProgram } from "./verify/correlation/spl-run.js";
import { splunkCorrelationSeen } from "./verify/correlation/views.js";
import { MatchTimeoutError } from "./verify/js/interpret.js";
import { OutsideModel } from "./verify/spl/evaluate.js";
import { ParseError } from "./verify/types.js";
import { splunkView } from "./verify/views/splunk.js";

/**
 * The parity proof for correlations, beside the per-event one. For every correlation × labelled
 * sequence × target:
 *  - label: the reference correlator (Sigma's sliding windows) gives exactly the labelled groups,
 *    each first matching at the labelled time;
 *  - translation: the target's interpreter, reading the emitted text, on the target's view of the
 *    events, gives exactly the matches (group, time) of the reference correlator on the target's
 *    effective correlation (its base rules' effective IR, its windows, its reorder horizon) over
 *    the target's seen events. No exceptions;
 *  - fidelity: the target matches the labelled groups, unless it declared a deviation (fixed
 *    windows) or its reorder horizon dropped an event of this sequence.
 * Splunk's pipeline also runs on the events in reverse order: a search returns them newest first
 * and the order of equal keys is not documented, so its matches must not depend on arrival order.
 */

export type CorrelationDisagreementKind =
  | "label"
  | "translation"
  | "order-dependent"
  | "outside-model"
  | "parse"
  | "timeout"
  | "undeclared-deviation"
  | "declared-deviation";

export interface CorrelationDisagreement {
  readonly kind: CorrelationDisagreementKind;
  readonly correlation: { readonly id: string; readonly title: string; readonly file: string };
  readonly sequence: string;
  readonly target: TargetName | "sigma";
  readonly expected: string;
  readonly got: string;
  readonly detail?: string;
}

export interface CorrelationTargetStats {
  cases: number;
  agree: number;
  declaredDeviations: number;
  unsupported: number;
}

export interface CorrelationReport {
  readonly cases: number;
  readonly disagreements: readonly CorrelationDisagreement[];
  readonly diagnostics: readonly Diagnostic[];
  readonly perTarget: Readonly<Record<string, CorrelationTargetStats>>;
  readonly ok: boolean;
}

export interface CorrelationVerifyOptions {
  readonly targets: readonly TargetName[];
  readonly targetOptions?: Readonly<Record<string, string>>;
  readonly strict?: boolean;
}

/** The format whose text the interpreters read. */
const PARITY_FORMAT: Partial<Record<TargetName, string>> = { splunk: "query", js: "module" };

/** Matches as comparable text: `[group…]@time`, sorted. */
function keys(alerts: readonly { group: readonly string[]; time: number }[]): string[] {
  return [
    ...new Set(alerts.map((a) => `${JSON.stringify(a.group)}@${formatTimestampUs(a.time)}`)),
  ].sort();
}

function groupsOf(alerts: readonly { group: readonly string[] }[]): string[] {
  return [...new Set(alerts.map((a) => JSON.stringify(a.group)))].sort();
}

/** The labelled groups with their first match, in the form `[group…]@first`. */
function labelled(ir: CorrelationIR, s: SequenceFixture, id: string): string[] {
  return (s.matches[id] ?? [])
    .map((g) => `${JSON.stringify(ir.groupBy.map((n) => g.group[n] ?? ""))}@${g.first}`)
    .sort();
}

function firsts(alerts: readonly Alert[]): string[] {
  const first = new Map<string, number>();
  for (const a of alerts) {
    const k = JSON.stringify(a.group);
    first.set(k, Math.min(first.get(k) ?? Infinity, a.time));
  }
  return [...first].map(([g, t]) => `${g}@${formatTimestampUs(t)}`).sort();
}

type Interpret = (events: readonly unknown[]) => { group: readonly string[]; time: number }[];

/** The target's interpreter for the emitted text (throws ParseError). */
function interpreterFor(
  target: TargetName,
  output: CorrelationOutput,
  ir: CorrelationIR,
): Interpret {
  switch (target) {
    case "splunk": {
      const program: CompiledProgram = compileCorrelationSpl(output.query);
      const alerts = (events: readonly unknown[]): { group: readonly string[]; time: number }[] =>
        program(events.map((e) => splunkView.document(e) as Record<string, string[]>)).map(
          (row) => {
            const time = row["sigma_time"] ?? row["sigma_window"];
            if (typeof time !== "number") throw new OutsideModel("a result row without its time");
            return { group: ir.groupBy.map((n) => String(row[n] ?? "")), time };
          },
        );
      return (events) => {
        const forward = alerts(events);
        const backward = alerts([...events].reverse());
        if (keys(forward).join("\n") !== keys(backward).join("\n"))
          throw new OrderDependent(keys(forward), keys(backward));
        return forward;
      };
    }
    case "js": {
      const module = loadCorrelationModule(output.artifact);
      return (events) => {
        const correlator = module.create();
        const out = correlator.run(events);
        return out.map((m) => ({ group: ir.groupBy.map((n) => m.group[n] ?? ""), time: m.timeUs }));
      };
    }
    default:
      throw new ParseError(`no correlation interpreter for ${target}`, 0, 1, 1);
  }
}

class OrderDependent extends Error {
  constructor(
    readonly forward: string[],
    readonly backward: string[],
  ) {
    super("the matches differ when the events arrive in reverse order");
  }
}

/** What the target's events look like to the reference correlator (Sigma names). */
function seenEvents(target: TargetName, ir: CorrelationIR, events: readonly unknown[]): unknown[] {
  return target === "splunk"
    ? events.map((e) => splunkCorrelationSeen(e, ir.timeField))
    : [...events];
}

export async function verifyCorrelations(
  correlations: readonly CorrelationIR[],
  sequences: readonly SequenceFixture[],
  options: CorrelationVerifyOptions,
): Promise<CorrelationReport> {
  const disagreements: CorrelationDisagreement[] = [];
  const diagnostics: Diagnostic[] = [];
  const perTarget: Record<string, CorrelationTargetStats> = {};
  let cases = 0;
  for (const ir of correlations) {
    const c = ir.correlation;
    const ref = { id: c.id ?? c.title, title: c.title, file: c.source.path };
    const reference = sequences.map((s) => correlate(ir, s.events).alerts);
    sequences.forEach((s, i) => {
      const want = labelled(ir, s, ref.id);
      const got = firsts(reference[i]!);
      if (want.join("\n") !== got.join("\n"))
        disagreements.push({
          kind: "label",
          correlation: ref,
          sequence: s.id,
          target: "sigma",
          expected: want.join(" "),
          got: got.join(" "),
        });
    });
    for (const target of options.targets) {
      const stats = (perTarget[target] ??= {
        cases: 0,
        agree: 0,
        declaredDeviations: 0,
        unsupported: 0,
      });
      const format = PARITY_FORMAT[target];
      const output = await compileCorrelationForTarget(ir, target, {
        ...(format === undefined ? {} : { format }),
        ...(options.targetOptions ? { targetOptions: options.targetOptions } : {}),
      });
      diagnostics.push(...output.diagnostics);
      if (hasErrors(output.diagnostics) || output.effective === undefined) {
        stats.unsupported++;
        continue;
      }
      const effective = output.effective;
      let interpret: Interpret;
      try {
        interpret = interpreterFor(target, output, ir);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        disagreements.push({
          kind: "parse",
          correlation: ref,
          sequence: "",
          target,
          expected: "",
          got: "",
          detail: e.message,
        });
        continue;
      }
      const declaresWindow = output.diagnostics.some((d) => d.fidelity && d.severity === "warning");
      sequences.forEach((s, i) => {
        cases++;
        stats.cases++;
        const fail = (
          kind: CorrelationDisagreementKind,
          expected: string,
          got: string,
          detail?: string,
        ): void => {
          disagreements.push({
            kind,
            correlation: ref,
            sequence: s.id,
            target,
            expected,
            got,
            ...(detail ? { detail } : {}),
          });
        };
        const exact = correlate(
          effective,
          seenEvents(target, ir, s.events),
          output.lateness === undefined ? {} : { lateness: output.lateness },
        );
        let got: { group: readonly string[]; time: number }[];
        try {
          got = interpret(s.events);
        } catch (e) {
          if (e instanceof OrderDependent)
            return fail("order-dependent", e.forward.join(" "), e.backward.join(" "));
          if (e instanceof OutsideModel) return fail("outside-model", "", "", e.message);
          if (e instanceof MatchTimeoutError) return fail("timeout", "", "", e.message);
          throw e;
        }
        const want = keys(exact.alerts).join(" ");
        const have = keys(got).join(" ");
        if (want !== have) return fail("translation", want, have);
        const label = groupsOf(
          labelled(ir, s, ref.id).map((k) => ({
            group: JSON.parse(k.slice(0, k.lastIndexOf("@"))) as string[],
          })),
        );
        const groups = groupsOf(got);
        if (label.join(" ") === groups.join(" ")) {
          stats.agree++;
          return;
        }
        const declared = declaresWindow || exact.late > 0;
        if (declared) stats.declaredDeviations++;
        fail(
          declared ? "declared-deviation" : "undeclared-deviation",
          label.join(" "),
          groups.join(" "),
        );
      });
    }
  }
  const failing = disagreements.filter((d) => d.kind !== "declared-deviation" || options.strict);
  return { cases, disagreements, diagnostics, perTarget, ok: failing.length === 0 };
}

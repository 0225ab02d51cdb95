import type { Pipeline } from "../pipelines/types.js";
import { compileCorrelationForTarget, type CorrelationOutput } from "../compile-correlation.js";
import type { Diagnostic } from "../diagnostics.js";
import { correlate, type Alert } from "../sigma/correlate.js";
import { mapCorrelation, type CorrelationIR } from "../sigma/correlation-ir.js";
import { formatTimestampUs } from "../sigma/correlation-time.js";
import type { TargetName } from "../target-names.js";
import { MatchNotCheckedError } from "../verify/js/interpret.js";
import { compileElasticCorrelation } from "../verify/correlation/elastic.js";
import { loadCorrelationModule } from "../verify/correlation/js.js";
import { runCorrelationSql } from "../verify/correlation/sql.js";
import type { SequenceFixture } from "../verify/correlation/sequences.js";
import { compileCorrelationSpl, type CompiledProgram } from "../verify/correlation/spl-run.js";
import { viewFor } from "../verify/registry.js";
import { OutsideModel } from "../verify/spl/evaluate.js";
import { ParseError } from "../verify/types.js";
import { replaceDeclared } from "./replace.js";

/**
 * The parity proof for correlations, beside the per-event one (run.ts). For every correlation ×
 * labelled sequence × target:
 *  - label: the reference correlator (Sigma's sliding windows) on the raw events gives exactly the
 *    labelled groups, each first matching at the labelled time;
 *  - expectation: the reference correlator on the correlation with each base rule's declared
 *    deviations replaced, the windows the target declares, and (for a streaming target) its
 *    reorder horizon, over the target's seen events (the backends' claim of what the data holds);
 *  - translation: the target's interpreter, reading the emitted text on the view's documents of the
 *    events, gives exactly the expected matches (group and time). No exceptions;
 *  - a target whose matched groups differ from the label is a declared deviation when a declared
 *    cause explains it (fixed windows, deviating predicates, data notes about what the seen events
 *    lack, events the reorder horizon dropped); otherwise it is undeclared.
 * Splunk's pipeline also runs on the events in reverse order: a search returns them newest first
 * and the order of equal keys is not documented, so its matches must not depend on arrival order.
 */

export type CorrelationDisagreementKind =
  | "label"
  | "translation"
  | "order-dependent"
  | "outside-model"
  | "parse"
  | "not-checked"
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
  /** For declared deviations: the codes of what explains the difference from the label. */
  readonly causes?: readonly string[];
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
  /** Options per target, as `verify -O target.key=value` gives them. */
  readonly targetOptions?: Readonly<Partial<Record<TargetName, Readonly<Record<string, string>>>>>;
  /** Compile as `convert --strict`: a fidelity warning makes the pair unsupported. */
  readonly strict?: boolean;
  /** A correlation/target pair the target cannot say is reported, not a failure. */
  readonly allowUnsupported?: boolean;
  /** The user's processing pipelines (-p): rule steps read their fields through them. */
  readonly pipelines?: readonly Pipeline[];
}

/** The format whose text the interpreters read. */
const PARITY_FORMAT: Partial<Record<TargetName, string>> = {
  // The rule as Kibana imports it: an EQL rule's sequence times come from its timestamp_field.
  elastic: "kibana-ndjson",
  splunk: "query",
  js: "module",
  sql: "query",
};

/** The correlation as the target declares it says it: the expectation's IR. */
export function expectedCorrelation(ir: CorrelationIR, output: CorrelationOutput): CorrelationIR {
  const mapped = mapCorrelation(ir, output.window, (rule, ruleIR) =>
    replaceDeclared(ruleIR, output.deviations.get(rule) ?? []),
  );
  return output.chains === undefined ? mapped : { ...mapped, chains: output.chains };
}

interface Match {
  readonly group: readonly string[];
  readonly time: number;
}

/** Matches as comparable text: `[group…]@time`, sorted. */
function keys(alerts: readonly Match[]): string[] {
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

type Interpret = (events: readonly unknown[]) => Match[] | Promise<Match[]>;

class OrderDependent extends Error {
  constructor(
    readonly forward: string[],
    readonly backward: string[],
  ) {
    super("the matches differ when the events arrive in reverse order");
  }
}

/** The target's interpreter for the emitted text (throws ParseError). */
function interpreterFor(
  target: TargetName,
  output: CorrelationOutput,
  ir: CorrelationIR,
): Interpret {
  const view = viewFor(target);
  switch (target) {
    case "splunk": {
      const program: CompiledProgram = compileCorrelationSpl(output.query);
      const run = (events: readonly unknown[]): Match[] =>
        program(events.map((e) => view.document(e) as Record<string, string[]>)).map((row) => {
          const time = row["sigma_time"] ?? row["sigma_window"];
          if (typeof time !== "number") throw new OutsideModel("a result row without its time");
          return { group: ir.groupBy.map((n) => String(row[n] ?? "")), time };
        });
      return (events) => {
        const forward = run(events);
        const backward = run([...events].reverse());
        if (keys(forward).join("\n") !== keys(backward).join("\n"))
          throw new OrderDependent(keys(forward), keys(backward));
        return forward;
      };
    }
    case "js": {
      const module = loadCorrelationModule(output.artifact);
      return (events) =>
        module
          .create()
          .run(events.map((e) => view.document(e)))
          .map((m) => ({ group: ir.groupBy.map((n) => m.group[n] ?? ""), time: m.timeUs }));
    }
    case "elastic": {
      const program = compileElasticCorrelation(output.artifact);
      return (events) =>
        program(events.map((e) => view.document(e))).map((m) => ({
          group: m.keys.map((k) => k ?? ""),
          time: m.timeUs,
        }));
    }
    case "sql":
      return async (events) =>
        (await runCorrelationSql(output.query, ir.groupBy, events)).map((m) => ({
          group: ir.groupBy.map((n) => m.group[n] ?? ""),
          time: m.timeUs,
        }));
    default:
      throw new ParseError(`no correlation interpreter for ${target}`, 0, 1, 1);
  }
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
        ...(options.strict ? { strict: true } : {}),
        ...(options.targetOptions?.[target]
          ? { targetOptions: options.targetOptions[target] }
          : {}),
        ...(options.pipelines ? { pipelines: options.pipelines } : {}),
      });
      diagnostics.push(...output.diagnostics);
      if (output.diagnostics.some((d) => d.severity === "error")) {
        stats.unsupported++;
        continue;
      }
      let interpret: Interpret;
      try {
        interpret = interpreterFor(target, output, ir);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        const parse = { kind: "parse", correlation: ref, sequence: "", target } as const;
        disagreements.push({ ...parse, expected: "", got: "", detail: e.message });
        continue;
      }
      const expectedIR = expectedCorrelation(ir, output);
      const predicateCodes = [...output.deviations.values()].flat().flatMap((d) => d.codes);
      const windowCodes = output.diagnostics
        .filter((d) => d.code === "FIDELITY_FIXED_WINDOW" && d.severity === "warning")
        .map((d) => d.code);
      const chainCodes = output.diagnostics
        .filter((d) => d.code === "FIDELITY_SEQUENCE_PAIRING" && d.severity === "warning")
        .map((d) => d.code);
      const dataCodes = [...new Set(output.dataNotes.map((n) => n.code))];
      const lateness = output.lateness === undefined ? {} : { lateness: output.lateness };
      for (const s of sequences) {
        cases++;
        stats.cases++;
        const fail = (
          kind: CorrelationDisagreementKind,
          expected: string,
          got: string,
          extra: { detail?: string; causes?: readonly string[] } = {},
        ): void => {
          disagreements.push({
            kind,
            correlation: ref,
            sequence: s.id,
            target,
            expected,
            got,
            ...extra,
          });
        };
        const seen = s.events.map((e) => output.seen(e));
        const exact = correlate(expectedIR, seen, lateness);
        let got: Match[];
        try {
          got = await interpret(s.events);
        } catch (e) {
          if (e instanceof OrderDependent) {
            fail("order-dependent", e.forward.join(" "), e.backward.join(" "));
            continue;
          }
          if (e instanceof OutsideModel) {
            fail("outside-model", "", "", { detail: e.message });
            continue;
          }
          if (e instanceof ParseError) {
            fail("parse", "", "", { detail: e.message });
            continue;
          }
          // A module that hit the hang guard is not checked: a warning, never a verdict.
          if (e instanceof MatchNotCheckedError) {
            fail("not-checked", "", "", { detail: e.message });
            continue;
          }
          throw e;
        }
        const want = keys(exact.alerts).join(" ");
        const have = keys(got).join(" ");
        if (want !== have) {
          fail("translation", want, have);
          continue;
        }
        const label = groupsOf(
          labelled(ir, s, ref.id).map((k) => ({
            group: JSON.parse(k.slice(0, k.lastIndexOf("@"))) as string[],
          })),
        );
        const groups = groupsOf(got);
        if (label.join(" ") === groups.join(" ")) {
          stats.agree++;
          continue;
        }
        // What explains the difference: the target's own meaning, step by step from the label's.
        const causes: string[] = [];
        const onSeen = groupsOf(correlate(ir, seen).alerts);
        if (onSeen.join(" ") !== label.join(" ")) causes.push(...dataCodes);
        if (expectedIR.window === "fixed") causes.push(...windowCodes);
        if (expectedIR.chains === "consume") causes.push(...chainCodes);
        causes.push(...predicateCodes);
        if (exact.late > 0) causes.push("FIDELITY_STREAM_ORDER");
        const declared = causes.length > 0;
        if (declared) stats.declaredDeviations++;
        fail(
          declared ? "declared-deviation" : "undeclared-deviation",
          label.join(" "),
          groups.join(" "),
          {
            ...(declared ? { causes: [...new Set(causes)] } : {}),
          },
        );
      }
    }
  }
  const failing = disagreements.filter(
    (d) => (d.kind !== "declared-deviation" || options.strict) && d.kind !== "not-checked",
  );
  const unsupported = Object.values(perTarget).reduce((n, s) => n + s.unsupported, 0);
  const complete = options.allowUnsupported === true || unsupported === 0;
  return { cases, disagreements, diagnostics, perTarget, ok: failing.length === 0 && complete };
}

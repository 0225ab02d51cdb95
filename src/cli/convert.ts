import { loadBackend } from "../backends/load.js";
import { compileForTarget, compileRuleIR } from "../compile.js";
import { compileCorrelationForTarget } from "../compile-correlation.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { loadRuleSet } from "../rule-set.js";
import type { SigmaCorrelation } from "../sigma/correlation.js";
import { loadTarget } from "../targets/load.js";
import type { TargetName } from "../targets/types.js";
import { isUnsupported, pairOutcome, type PairOutcome } from "../unsupported.js";
import { compileCorrelations } from "./correlation-compile.js";
import {
  currentVerbosity,
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  readStdin,
  reportDiagnostics,
  writeStdout,
  type DiagnosticFormat,
} from "./io.js";
import { planOutput, stdoutBlocks, stdoutText, writeToPlan, type Written } from "./outputs.js";
import { Tally } from "./tally.js";
import { parsePlaceholders, parseTargetOptions, parseTargets } from "./targets-arg.js";

export { outputName } from "./outputs.js";

interface Settings {
  readonly targets: readonly TargetName[];
  readonly formats: readonly { target: TargetName; format: string }[];
  readonly options: Record<TargetName, Record<string, string>>;
  readonly placeholders: Record<string, string[]>;
}

function usage(message: string): number {
  process.stderr.write(
    `sigprism: error USAGE: ${message}\nrun 'sigprism convert --help' for usage\n`,
  );
  return EXIT_USAGE;
}

/** Every argument that can be wrong without reading a rule, checked before any rule is read. */
function settingsFrom(args: Record<string, unknown>): Settings | string {
  const { targets, error: targetError } = parseTargets(String(args.target));
  if (targetError) return targetError;
  const format = args.format as string | undefined;
  const formats = targets.map((target) => ({
    target,
    format: format ?? loadTarget(target).defaultFormat,
  }));
  const bad = formats.find((f) => !loadTarget(f.target).formats.includes(f.format));
  if (bad)
    return `target ${bad.target} has no format '${bad.format}' (formats: ${loadTarget(bad.target).formats.join(", ")}); 'sigprism list formats' lists them`;
  const { options, error: optionError } = parseTargetOptions(
    args.option as string[] | undefined,
    targets,
  );
  if (optionError) return optionError;
  const { placeholders, error: placeholderError } = parsePlaceholders(
    args.placeholder as string[] | undefined,
  );
  if (placeholderError) return placeholderError;
  return { targets, formats, options, placeholders };
}

/** A correlation left out without an error of its own (its base rules failed). */
function correlationBroken(c: SigmaCorrelation): Diagnostic {
  return {
    severity: "error",
    code: "CORRELATION_BAD_RULES",
    message: `correlation '${c.title}' could not be compiled: see its base rules' errors above`,
    file: c.source.path,
  };
}

/**
 * `sigprism convert`. Every rule × target pair ends converted, not expressible (a code
 * src/unsupported.ts calls "cannot express") or failed (the rule, a filter or a pipeline is
 * wrong). Without --skip-unsupported nothing is written unless every pair converts; with it, every
 * pair that converts is written and the run fails only on real errors. A summary whose counts add
 * up to (rules + correlations) × targets ends the run.
 */
export async function run(args: Record<string, unknown>): Promise<number> {
  const paths = (args.paths as string[]) ?? [];
  const diagFormat = (args["diagnostics-format"] as DiagnosticFormat) ?? "text";
  const skip = args["skip-unsupported"] === true;
  const settings = settingsFrom(args);
  if (typeof settings === "string") return usage(settings);
  const { targets, formats } = settings;

  const set = loadRuleSet(paths, paths.includes("-") ? { stdin: readStdin() } : {});
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const loadDiagnostics: Diagnostic[] = [
    ...piped.diagnostics,
    ...set.diagnostics,
    ...filterSet.diagnostics,
  ];
  const sources = new Map([...set.sources, ...filterSet.sources, ...piped.sources]);
  const filters = [...set.filters, ...filterSet.filters];
  if (set.rules.length === 0 && set.correlations.length === 0 && !hasErrors(loadDiagnostics)) {
    loadDiagnostics.push({
      severity: "error",
      code: "NO_RULES",
      message: `no Sigma rules found in ${paths.join(", ")}`,
      file: "",
    });
  }
  // A rule a correlation names without `generate: true` is converted only inside it.
  const generated = set.rules.filter((r) => !set.notGenerated.has(r));
  const correlated = set.correlations.filter((c) => !set.notGenerated.has(c.correlation));
  const out = args.output as string | undefined;
  const planned = planOutput(
    out,
    (generated.length + correlated.length) * targets.length,
    diagFormat === "json" && out === undefined ? [] : formats,
  );
  if ("error" in planned) return usage(planned.error);

  const diagnostics: Diagnostic[] = [...loadDiagnostics];
  // A broken pipeline file would change every rule's output: nothing is compiled with it.
  const pipelineBroken = hasErrors(piped.diagnostics);
  const rules = pipelineBroken ? [] : generated;
  const tally = new Tally(rules.length + (pipelineBroken ? 0 : correlated.length), targets.length);
  const written: Written[] = [];
  const skipped: { rule: Written["rule"]; target: TargetName; outcome: PairOutcome }[] = [];
  for (const rule of rules) {
    const ruleIR = compileRuleIR(rule, {
      filters,
      pipelines: piped.pipelines,
      placeholders: settings.placeholders,
    });
    diagnostics.push(...ruleIR.diagnostics);
    const ruleOutcome = pairOutcome(ruleIR.diagnostics);
    for (const { target, format } of formats) {
      if (ruleOutcome.kind !== "converted") {
        tally.add(ruleOutcome);
        skipped.push({ rule, target, outcome: ruleOutcome });
        continue;
      }
      const output = await compileForTarget(ruleIR, target, {
        strict: args.strict === true,
        targetOptions: settings.options[target],
        format,
      });
      diagnostics.push(...output.diagnostics);
      const outcome = pairOutcome(output.diagnostics);
      tally.add(outcome);
      if (outcome.kind === "converted")
        written.push({ rule, target, format, artifact: output.artifact });
      else skipped.push({ rule, target, outcome });
    }
  }

  if (!pipelineBroken) {
    const correlations = compileCorrelations(
      set,
      filters,
      // One time field for the correlation IR, whichever target named it.
      targets.map((t) => settings.options[t]?.["time-field"]).find((v) => v !== undefined),
      piped.pipelines,
    );
    diagnostics.push(...correlations.diagnostics);
    const compiled = new Map(correlations.irs.map((ir) => [ir.correlation, ir]));
    for (const { correlation } of correlated) {
      const ir = compiled.get(correlation);
      // Left out by compileCorrelations: its errors are among the diagnostics, one per document.
      const irOutcome: PairOutcome =
        ir === undefined
          ? pairOutcome(
              correlations.diagnostics.filter(
                (d) => d.file === correlation.source.path && d.severity === "error",
              ),
            )
          : { kind: "converted" };
      for (const { target, format } of formats) {
        if (ir === undefined) {
          const outcome: PairOutcome =
            irOutcome.kind === "converted"
              ? { kind: "error", cause: correlationBroken(correlation) }
              : irOutcome;
          tally.add(outcome);
          skipped.push({ rule: correlation, target, outcome });
          continue;
        }
        const output = await compileCorrelationForTarget(ir, target, {
          strict: args.strict === true,
          pipelines: piped.pipelines,
          targetOptions: settings.options[target],
          ...(args.format === undefined ? {} : { format }),
        });
        diagnostics.push(...output.diagnostics);
        const outcome = pairOutcome(output.diagnostics);
        tally.add(outcome);
        if (outcome.kind === "converted")
          written.push({
            rule: correlation,
            target,
            format: output.format,
            artifact: output.artifact,
          });
        else skipped.push({ rule: correlation, target, outcome });
      }
    }
  }

  const realLoadErrors = loadDiagnostics.some((d) => d.severity === "error" && !isUnsupported(d));
  const failed = realLoadErrors || tally.failed > 0 || (!skip && hasErrors(diagnostics));
  const writes = !pipelineBroken && (skip || !hasErrors(diagnostics));
  const tolerated = new Set(skip ? diagnostics.filter(isUnsupported) : []);
  const files = writes ? writeToPlan(planned.plan, written) : 0;

  if (diagFormat === "json") {
    writeStdout(
      JSON.stringify(
        {
          ok: !failed,
          summary: {
            rules: tally.rules,
            targets: tally.targets,
            converted: tally.converted,
            unsupported: Object.fromEntries(tally.unsupported),
            errors: Object.fromEntries(tally.errors),
          },
          outputs: (writes ? written : []).map((w) => ({
            rule: { id: w.rule.id ?? null, title: w.rule.title, file: w.rule.source.path },
            target: w.target,
            format: w.format,
            artifact: w.artifact,
          })),
          notConverted: skipped.map(({ rule, target, outcome }) => ({
            rule: { id: rule.id ?? null, title: rule.title, file: rule.source.path },
            target,
            kind: outcome.kind,
            ...(outcome.kind === "converted" ? {} : diagnosticsJson([outcome.cause])[0]!),
          })),
          diagnostics: diagnosticsJson(diagnostics),
        },
        null,
        2,
      ),
    );
    return failed ? EXIT_FAILURE : EXIT_OK;
  }

  reportDiagnostics(diagnostics, sources, "text", { tolerated });
  const quiet = currentVerbosity() === "quiet";
  if (writes && planned.plan.kind === "stdout" && written.length > 0)
    writeStdout(
      stdoutText(
        await stdoutBlocks(written, async (target, format, artifacts) =>
          (await loadBackend(target)).combine?.(format, artifacts),
        ),
      ),
    );
  if (!quiet) {
    const pairs = tally.rules * tally.targets;
    // With no rule at all the errors above say everything: "0 rules" would add nothing.
    if (tally.rules > 0 && (pairs > 1 || tally.converted < pairs || hasErrors(loadDiagnostics))) {
      let line = tally.line("rule", "converted", "not expressible");
      if (!writes) line += "; nothing written (--skip-unsupported writes the pairs that convert)";
      if (realLoadErrors) line += "; some files could not be read as rules (errors above)";
      process.stderr.write(line + "\n");
    }
    if (pipelineBroken)
      process.stderr.write(
        "a pipeline could not be read (errors above): no rule was compiled, nothing written\n",
      );
    if (planned.plan.kind === "dir" && writes)
      process.stderr.write(
        `wrote ${files} file${files === 1 ? "" : "s"} to ${planned.plan.path}\n`,
      );
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}

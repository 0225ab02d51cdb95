import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { planHunt } from "../hunt/plan.js";
import { hunt } from "../hunt/run.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { loadRuleSet } from "../rule-set.js";
import { locate } from "../source.js";
import { isUnsupported } from "../unsupported.js";
import { EXIT_FAILURE, EXIT_OK, reportDiagnostics } from "./io.js";

/**
 * `sigprism hunt`: the rules' SQL run by DuckDB embedded over NDJSON (plain or gzip) and Parquet
 * files, folders and globs. Matches go to stdout as NDJSON `{"rule": {...}, "event": …}` (as
 * `scan` writes them); per-file progress, malformed lines and the summary go to stderr. Exit 1
 * when a file could not be read, a line was malformed, or a rule could not be hunted (with
 * --skip-unsupported: only when a rule or pipeline is wrong, not when SQL cannot express one).
 */
export async function run(args: Record<string, unknown>): Promise<number> {
  const set = loadRuleSet((args.rules as string[]) ?? []);
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const diagnostics: Diagnostic[] = [
    ...piped.diagnostics,
    ...set.diagnostics,
    ...filterSet.diagnostics,
  ];
  const sources = new Map([...set.sources, ...filterSet.sources, ...piped.sources]);
  if (set.rules.length === 0 && !hasErrors(diagnostics))
    diagnostics.push({
      severity: "error",
      code: "NO_RULES",
      message: "no Sigma rules found in --rules",
      file: "",
    });
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, sources, "text", { summary: true });
    return EXIT_FAILURE;
  }
  // hunt runs each file's rows through single rules; a correlation is said not to run, never dropped.
  const skipped: Diagnostic[] = set.correlations.map(({ correlation: c }) => ({
    severity: "warning",
    code: "HUNT_CORRELATION_SKIPPED",
    message: `hunt runs single rules only; run correlation '${c.title}' with sigprism scan (or convert -t sql for DuckDB)`,
    file: c.source.path,
    loc: locate(c.source, c.at.start, c.at.end - c.at.start),
  }));
  if (skipped.length > 0) reportDiagnostics(skipped, sources, "text", { summary: false });
  // A rule a correlation names without `generate: true` runs only inside it, as in convert and scan.
  const rules = set.rules.filter((r) => !set.notGenerated.has(r));
  const plan = planHunt(rules, [...set.filters, ...filterSet.filters], piped.pipelines);
  const planned = plan.groups.reduce((n, g) => n + g.rules.length, 0);
  const skip = args["skip-unsupported"] === true;
  const tolerated = new Set(skip ? plan.diagnostics.filter(isUnsupported) : []);
  // Rules that cannot be hunted are reported; the others still run.
  if (plan.diagnostics.some((d) => d.severity !== "info"))
    reportDiagnostics(plan.diagnostics, sources, "text", { summary: false, tolerated });
  if (planned === 0) {
    process.stderr.write("sigprism: error HUNT_NO_RULES: no rule could be compiled for DuckDB\n");
    return EXIT_FAILURE;
  }
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join(""));
    out.length = 0;
  };
  const summary = await hunt(
    plan,
    (args.logs as string[]) ?? [],
    { skipBadLines: args["skip-bad-lines"] === true },
    {
      onMatch(rule, event) {
        out.push(`{"rule":${rule.json},"event":${event}}\n`);
        if (out.length >= 256) flush();
      },
      onMalformed(file, line, reason) {
        process.stderr.write(`${file}:${line}: malformed line (skipped): ${reason}\n`);
      },
      onFile(file, index, total, matches, ms) {
        flush();
        process.stderr.write(
          `[${index + 1}/${total}] ${file}: ${matches} matches in ${(ms / 1000).toFixed(2)} s\n`,
        );
      },
    },
  );
  flush();
  const titles = new Map(plan.groups.flatMap((g) => g.rules.map((r) => [r.id, r.title] as const)));
  const lines = [
    `hunted ${summary.files} file${summary.files === 1 ? "" : "s"} with ${planned} rules in ${(summary.elapsedMs / 1000).toFixed(2)} s (DuckDB)`,
    ...[...summary.matches].map(([id, n]) => `  ${String(n).padStart(8)}  ${titles.get(id) ?? id}`),
  ];
  if (summary.malformed) lines.push(`malformed lines skipped: ${summary.malformed}`);
  for (const e of summary.errors)
    lines.push(
      `error: ${e.file}: ${e.message}${args["skip-bad-lines"] ? "" : " (--skip-bad-lines reads past malformed lines)"}`,
    );
  process.stderr.write(lines.join("\n") + "\n");
  const ruleErrors = plan.diagnostics.some((d) => d.severity === "error" && !tolerated.has(d));
  const failed = summary.errors.length > 0 || summary.malformed > 0 || ruleErrors;
  return failed ? EXIT_FAILURE : EXIT_OK;
}

import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { compileRuleIR } from "../compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { and } from "../ir.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { resolveMapping } from "../pipelines/resolve.js";
import { loadRuleSet } from "../rule-set.js";
import { scan, type ScanRule } from "../scan/scan.js";
import {
  CorrelationStage,
  loadCorrelationModule,
  type LoadedModule,
} from "../scan/correlations.js";
import type { SigmaCorrelation } from "../sigma/correlation.js";
import { isUnsupported, pairOutcome } from "../unsupported.js";
import { compileCorrelations } from "./correlation-compile.js";
import { currentVerbosity, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, reportDiagnostics } from "./io.js";
import { Tally } from "./tally.js";
import { parsePlaceholders } from "./targets-arg.js";

interface CliScanRule extends ScanRule {
  readonly ruleJson: string;
  /** False for a rule a correlation names without `generate: true`: only the correlation reports. */
  readonly print: boolean;
}

const LARGE_INPUT = 64 * 1024 * 1024;
/** Below this a worker's start-up (~80 ms, plus warm-up) costs more than it saves. */
const WORKER_THRESHOLD = 256 * 1024 * 1024;

/** `--workers auto`: one per core for large plain files, else the calling thread alone. */
function workerCount(option: unknown, totalBytes: number): number {
  if (typeof option === "number" && Number.isInteger(option) && option >= 1) return option;
  return totalBytes >= WORKER_THRESHOLD ? Math.max(1, availableParallelism()) : 1;
}

/**
 * Matches go to stdout as NDJSON `{"rule": {...}, "event": …}`; the summary, malformed lines and a
 * progress line (only on a terminal, only for large inputs) go to stderr. Exit 1 when any input
 * could not be read completely or any line was malformed, so a pipeline notices.
 */
export async function run(args: Record<string, unknown>): Promise<number> {
  const skip = args["skip-unsupported"] === true;
  const { placeholders, error } = parsePlaceholders(args.placeholder as string[] | undefined);
  if (error) {
    process.stderr.write(`sigprism: error USAGE: ${error}\n`);
    return EXIT_USAGE;
  }
  const set = loadRuleSet((args.rules as string[]) ?? []);
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const diagnostics: Diagnostic[] = [
    ...piped.diagnostics,
    ...set.diagnostics,
    ...filterSet.diagnostics,
  ];
  const filters = [...set.filters, ...filterSet.filters];
  const rules: CliScanRule[] = [];
  // The scanner runs the reference semantics itself: one "target", and only rule errors can stop a
  // rule (an unresolved placeholder, a regex refused for backtracking, a broken rule).
  // A broken pipeline file would change every rule: nothing is compiled with it.
  const ruleList = hasErrors(piped.diagnostics) ? [] : set.rules;
  const tally = new Tally(ruleList.length, 1);
  for (const rule of ruleList) {
    const r = compileRuleIR(rule, { filters, pipelines: piped.pipelines, placeholders });
    diagnostics.push(...r.diagnostics);
    const outcome = pairOutcome(r.diagnostics);
    tally.add(outcome);
    if (skip && outcome.kind !== "converted") continue;
    // Over mixed raw streams a rule only reads its own events: the js target's raw-event scope
    // (Sysmon process creation: Channel and EventID), as the js module checks it.
    const scope = resolveMapping(rule.logsource, "js", piped.pipelines)?.events;
    const meta = { id: rule.id ?? null, title: rule.title, level: rule.level ?? null };
    rules.push({
      id: rule.id ?? rule.title,
      title: rule.title,
      level: rule.level ?? "",
      ir: scope === undefined ? r.ir : and([scope, r.ir]),
      ruleJson: JSON.stringify(meta),
      print: !set.notGenerated.has(rule),
    });
  }
  const compiled = compileCorrelations(
    set,
    filters,
    typeof args["time-field"] === "string" ? args["time-field"] : undefined,
    piped.pipelines,
  );
  diagnostics.push(...compiled.diagnostics);
  const loaded: { correlation: SigmaCorrelation; module: LoadedModule }[] = [];
  for (const ir of compiled.irs) {
    const m = await loadCorrelationModule(ir, piped.pipelines);
    diagnostics.push(...m.diagnostics.filter((d) => d.severity === "error"));
    if (m.module !== undefined) loaded.push({ correlation: ir.correlation, module: m.module });
  }
  if (set.rules.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push({
      severity: "error",
      code: "NO_RULES",
      message: "no Sigma rules found in --rules",
      file: "",
    });
  }
  const sources = new Map([...set.sources, ...filterSet.sources, ...piped.sources]);
  const realErrors = diagnostics.some((d) => d.severity === "error" && !isUnsupported(d));
  if (hasErrors(diagnostics) && (!skip || rules.length === 0)) {
    reportDiagnostics(diagnostics, sources, "text", {
      summary: true,
      ...(skip ? { tolerated: new Set(diagnostics.filter(isUnsupported)) } : {}),
    });
    if (currentVerbosity() !== "quiet" && ruleList.length > 0)
      process.stderr.write(tally.line("rule", "ready", "not expressible") + "; nothing scanned\n");
    return EXIT_FAILURE;
  }
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, sources, "text", {
      tolerated: new Set(diagnostics.filter(isUnsupported)),
    });
    if (currentVerbosity() !== "quiet")
      process.stderr.write(tally.line("rule", "scanning", "skipped") + "\n");
  }
  const inputs = (args.logs as string[]) ?? [];
  const total = inputs.reduce((sum, p) => {
    try {
      return p === "-" ? sum : sum + statSync(p).size;
    } catch {
      return sum;
    }
  }, 0);
  const showProgress = process.stderr.isTTY === true && total >= LARGE_INPUT;
  let lastProgress = 0;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join(""));
    out.length = 0;
  };
  const index = new Map(rules.map((r, k) => [r, k]));
  const stage = new CorrelationStage(
    loaded,
    rules.map((r) => r.id),
    typeof args["max-lateness"] === "number" ? args["max-lateness"] * 1000 : 60_000,
    (c, m) => {
      const meta = { id: c.id ?? null, title: c.title, level: c.level ?? null };
      out.push(
        `${JSON.stringify({ correlation: meta, time: m.time, group: m.group, count: m.count })}\n`,
      );
      if (out.length >= 256) flush();
    },
  );
  const summary = await scan({
    rules,
    inputs,
    workers: workerCount(args.workers, total),
    prefilter: args["validate-json"] !== true,
    onMatch(rule, eventText, line, file) {
      if (rule.print) out.push(`{"rule":${rule.ruleJson},"event":${eventText}}\n`);
      if (loaded.length > 0) stage.match(index.get(rule)!, eventText, line, file);
      if (out.length >= 256) flush();
    },
    onMalformed(file, line, reason) {
      process.stderr.write(`${file}:${line}: malformed line: ${reason}\n`);
    },
    onProgress(bytes, file) {
      if (!showProgress) return;
      const now = Date.now();
      if (now - lastProgress < 250) return;
      lastProgress = now;
      const pct = total ? Math.min(100, (bytes / total) * 100).toFixed(1) : "?";
      process.stderr.write(`\r${file}: ${(bytes / 1e6).toFixed(0)} MB (${pct}%)`);
    },
  });
  stage.end();
  flush();
  if (showProgress) process.stderr.write("\r\x1b[K");
  const lines = [
    `scanned ${summary.lines} lines (${(summary.bytes / 1e6).toFixed(1)} MB) in ${(summary.elapsedMs / 1000).toFixed(2)} s: ${summary.mbPerSec.toFixed(0)} MB/s`,
    ...summary.matches.map((m) => `  ${String(m.matches).padStart(8)}  ${m.title}`),
    ...stage.results.map(
      (r) => `  ${String(r.matches).padStart(8)}  ${r.correlation.title} (correlation)`,
    ),
  ];
  for (const r of stage.results) {
    if (r.late > 0)
      lines.push(
        `warning: ${r.correlation.title}: ${r.late} matched event${r.late === 1 ? "" : "s"} arrived more than --max-lateness behind a newer one and took no part`,
      );
    if (r.untimed > 0)
      lines.push(
        `warning: ${r.correlation.title}: ${r.untimed} matched event${r.untimed === 1 ? "" : "s"} had no readable timestamp and took no part`,
      );
  }
  if (summary.malformedCount)
    lines.push(
      `malformed lines: ${summary.malformedCount}${args["validate-json"] ? "" : " (among lines that could match; --validate-json checks every line)"}`,
    );
  for (const f of summary.files) if (f.error) lines.push(`error: ${f.file}: ${f.error}`);
  process.stderr.write(lines.join("\n") + "\n");
  const incomplete = summary.files.some((f) => f.error !== undefined);
  return incomplete || summary.malformedCount > 0 || realErrors ? EXIT_FAILURE : EXIT_OK;
}

import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { compileForTarget, compileRuleIR, type TargetOutput } from "../compile.js";
import { compileCorrelationForTarget } from "../compile-correlation.js";
import { compileCorrelations } from "./correlation-compile.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { pipelinesFromArgs } from "../pipelines/builtins.js";
import { loadRuleSet } from "../rule-set.js";
import { loadBackend } from "../backends/load.js";
import type { SigmaRule } from "../sigma/rule.js";
import type { TargetName } from "../targets/types.js";
import {
  diagnosticsJson,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  readStdin,
  reportDiagnostics,
  writeStdout,
  type DiagnosticFormat,
} from "./io.js";
import { parseOptions, parseTargets } from "./targets-arg.js";

/** File name suffix per target and format, for `-o DIR`. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  "elastic/query": ".kql",
  "elastic/kibana-ndjson": ".ndjson",
  "elastic/toml": ".toml",
  "elastic/eql": ".eql",
  "elastic/kibana-ndjson-eql": ".eql.ndjson",
  "elastic/toml-eql": ".eql.toml",
  "elastic/esql": ".esql",
  "elastic/kibana-ndjson-esql": ".esql.ndjson",
  "elastic/toml-esql": ".esql.toml",
  "splunk/query": ".spl",
  "splunk/savedsearches": ".savedsearches.conf",
  "falco/rules": ".falco.yaml",
  "falco/config": ".falco-config.yaml",
  "js/module": ".mjs",
};

/** What names an output file: a rule or a correlation. */
type Named = Pick<SigmaRule, "id" | "title" | "source" | "documentIndex">;

export function outputName(rule: Named, output: Pick<TargetOutput, "target" | "format">): string {
  const path = rule.source.path;
  const stem = path === "<stdin>" ? (rule.id ?? "stdin-rule") : basename(path, extname(path));
  const doc = rule.documentIndex > 0 ? `.${rule.documentIndex}` : "";
  const ext = EXTENSIONS[`${output.target}/${output.format}`] ?? `.${output.format}`;
  return `${stem}${doc}.${output.target}${ext}`;
}

/**
 * What goes to stdout: every artifact, one after the other, except where a target's format is one
 * file for all rules (Falco's falco.yaml snippet): those are combined by the backend.
 */
async function stdoutText(
  outputs: readonly Pick<TargetOutput, "target" | "format" | "artifact">[],
): Promise<string> {
  const parts: string[] = [];
  const done = new Set<string>();
  for (const o of outputs) {
    const key = `${o.target}\u0000${o.format}`;
    if (done.has(key)) continue;
    const same = outputs.filter((x) => x.target === o.target && x.format === o.format);
    const combined =
      same.length > 1
        ? (await loadBackend(o.target)).combine?.(
            o.format,
            same.map((x) => x.artifact),
          )
        : undefined;
    if (combined !== undefined) {
      done.add(key);
      parts.push(combined);
    } else parts.push(o.artifact);
  }
  return parts.map((p) => p.replace(/\n$/, "")).join("\n\n");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function run(args: Record<string, unknown>): Promise<number> {
  const paths = (args.paths as string[]) ?? [];
  const diagFormat = (args["diagnostics-format"] as DiagnosticFormat) ?? "text";
  const { targets, error: targetError } = parseTargets(String(args.target));
  const { options: targetOptions, error: optionError } = parseOptions(
    args.option as string[] | undefined,
  );
  const usageError = targetError ?? optionError;
  if (usageError) {
    process.stderr.write(`sigprism: error USAGE: ${usageError}\n`);
    return EXIT_USAGE;
  }
  const format = args.format as string | undefined;
  const set = loadRuleSet(paths, paths.includes("-") ? { stdin: readStdin() } : {});
  const filterSet = loadRuleSet((args.filter as string[] | undefined) ?? []);
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  const diagnostics: Diagnostic[] = [
    ...piped.diagnostics,
    ...set.diagnostics,
    ...filterSet.diagnostics,
  ];
  const sources = new Map([...set.sources, ...filterSet.sources, ...piped.sources]);
  const filters = [...set.filters, ...filterSet.filters];
  if (set.rules.length === 0 && set.correlations.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push({
      severity: "error",
      code: "NO_RULES",
      message: `no Sigma rules found in ${paths.join(", ")}`,
      file: "",
    });
  }

  // Only what is written is kept (not the IR or the query): the corpus yields thousands.
  type Kept = Pick<TargetOutput, "target" | "format" | "artifact">;
  const outputs: { rule: Named; output: Kept }[] = [];
  // A broken pipeline file would change every rule's output: nothing is compiled with it.
  const rules = hasErrors(piped.diagnostics) ? [] : set.rules;
  for (const rule of rules) {
    // A rule a correlation names without `generate: true` is converted only inside it.
    if (set.notGenerated.has(rule)) continue;
    const ruleIR = compileRuleIR(rule, { filters, pipelines: piped.pipelines });
    diagnostics.push(...ruleIR.diagnostics);
    if (hasErrors(ruleIR.diagnostics)) continue;
    for (const target of targets) {
      const output = await compileForTarget(ruleIR, target as TargetName, {
        strict: args.strict === true,
        targetOptions,
        ...(format ? { format } : {}),
      });
      diagnostics.push(...output.diagnostics);
      if (!hasErrors(output.diagnostics)) {
        const { target: t, format: f, artifact } = output;
        outputs.push({ rule, output: { target: t, format: f, artifact } });
      }
    }
  }

  const correlations = compileCorrelations(
    set,
    filters,
    targetOptions?.["time-field"],
    piped.pipelines,
  );
  diagnostics.push(...correlations.diagnostics);
  for (const ir of correlations.irs) {
    if (set.notGenerated.has(ir.correlation)) continue;
    for (const target of targets) {
      const output = await compileCorrelationForTarget(ir, target as TargetName, {
        strict: args.strict === true,
        pipelines: piped.pipelines,
        targetOptions,
        ...(format ? { format } : {}),
      });
      diagnostics.push(...output.diagnostics);
      if (!hasErrors(output.diagnostics)) {
        const { target: t, format: f, artifact } = output;
        outputs.push({ rule: ir.correlation, output: { target: t, format: f, artifact } });
      }
    }
  }

  const failed = hasErrors(diagnostics);
  if (diagFormat === "json") {
    writeStdout(
      JSON.stringify(
        {
          ok: !failed,
          outputs: failed
            ? []
            : outputs.map(({ rule, output }) => ({
                rule: { id: rule.id ?? null, title: rule.title, file: rule.source.path },
                target: output.target,
                format: output.format,
                artifact: output.artifact,
              })),
          diagnostics: diagnosticsJson(diagnostics),
        },
        null,
        2,
      ),
    );
    return failed ? EXIT_FAILURE : EXIT_OK;
  }
  reportDiagnostics(diagnostics, sources, "text", { summary: failed });
  // Nothing partial: any error and nothing is written at all.
  if (failed) return EXIT_FAILURE;

  const out = args.output as string | undefined;
  if (out === undefined) {
    writeStdout(await stdoutText(outputs.map(({ output }) => output)));
    return EXIT_OK;
  }
  const single = outputs.length === 1 && !isDirectory(out) && !out.endsWith("/");
  if (single) {
    writeFileSync(out, outputs[0]!.output.artifact);
    return EXIT_OK;
  }
  const names = new Set<string>();
  const files = outputs.map(({ rule, output }) => {
    let name = outputName(rule, output);
    for (let n = 2; names.has(name); n++) name = name.replace(/(\.[^.]+)$/, `-${n}$1`);
    names.add(name);
    return { path: join(out, name), text: output.artifact };
  });
  mkdirSync(out, { recursive: true });
  for (const f of files) writeFileSync(f.path, f.text);
  process.stderr.write(`wrote ${files.length} file${files.length === 1 ? "" : "s"} to ${out}\n`);
  return EXIT_OK;
}

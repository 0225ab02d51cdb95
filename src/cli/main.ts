import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { EXIT_USAGE, setShowNotes, setVerbosity } from "./io.js";
import { VERSION } from "../version.js";

/**
 * The sigprism command. Each command's module is imported only when it runs, so `--help` and a
 * single conversion start fast.
 */
export async function main(rawArgv: string[]): Promise<number> {
  let exitCode = 0;
  // yargs swallows a lone "-" (standard input): carry it through as a token it leaves alone.
  const argv = rawArgv.map((a) => (a === "-" ? STDIN_TOKEN : a));
  const run =
    (load: () => Promise<{ run(args: Record<string, unknown>): Promise<number> }>) =>
    async (args: Record<string, unknown>): Promise<void> => {
      setShowNotes(args.notes === true);
      setVerbosity(args.quiet === true ? "quiet" : args.verbose === true ? "verbose" : "normal");
      exitCode = await (await load()).run(restoreStdin(args));
    };

  const parser = yargs(argv)
    .scriptName("sigprism")
    .usage(
      "$0 <command> [options]\n\nCompile Sigma rules to Elastic KQL, Splunk SPL, Falco and JavaScript, and prove they agree.",
    )
    .version(VERSION)
    .option("notes", {
      type: "boolean",
      default: false,
      global: true,
      describe: "show info-level data notes in full (what a target's data cannot tell apart)",
    })
    .option("verbose", {
      alias: "v",
      type: "boolean",
      global: true,
      describe: "print every diagnostic with its source line (default: one line per rule and code)",
    })
    .option("quiet", {
      alias: "q",
      type: "boolean",
      global: true,
      describe: "print errors only",
    })
    .conflicts("verbose", "quiet")
    .strict()
    .recommendCommands()
    // --help and --version end by returning, not by process.exit: the exit code is main's result,
    // so the CLI can also run inside another process (the test suite runs it in process).
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .command(
      "convert <paths..>",
      "compile rules for one or more targets",
      (y) =>
        y
          .positional("paths", {
            type: "string",
            array: true,
            describe: "rule files or directories; - reads standard input",
          })
          .option("target", {
            alias: "t",
            type: "string",
            demandOption: true,
            describe: "elastic, splunk, falco, js, sql, a comma list, or all",
          })
          .option("format", {
            alias: "f",
            type: "string",
            describe:
              "artifact format (default per target: query, query, rules, module); Elastic's language: eql, kibana-ndjson-eql, toml-eql for EQL, esql, kibana-ndjson-esql, toml-esql for ES|QL",
          })
          .option("strict", {
            type: "boolean",
            default: false,
            describe: "turn every declared fidelity deviation into an error",
          })
          .option("skip-unsupported", {
            alias: "s",
            type: "boolean",
            default: false,
            describe:
              "write every rule × target that converts and report the others; exit 0 when the only failures are constructs a target cannot express",
          })
          .option("output", {
            alias: "o",
            type: "string",
            describe:
              "FILE for one artifact; DIR/ (or an existing directory) for one file per rule and target",
          })
          .option("filter", {
            type: "string",
            describe: "Sigma filter files or directories to apply (default: none)",
          })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .option("option", {
            alias: "O",
            type: "string",
            describe:
              "target option key=value or target.key=value, e.g. dialect=spark, elastic-version=9.2, time-field=... for correlations ('sigprism list options' lists them)",
          })
          .option("placeholder", {
            type: "string",
            describe: "values of a |expand placeholder: NAME=V1,V2 (repeatable)",
          })
          .option("diagnostics-format", {
            type: "string",
            choices: ["text", "json"],
            default: "text",
            describe: "how diagnostics are printed",
          })
          .example(
            "$0 convert -t elastic rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml",
            "KQL on stdout",
          )
          .example("$0 convert -t all rules -o out/", "every rule for every target into out/")
          .example(
            "$0 convert -t elastic -p windows-ecs -p my-fields.yml rule.yml",
            "a built-in pipeline, then your own file overriding some of its fields",
          )
          .example(
            "$0 convert -t splunk -s sigma/rules -o out/ -O splunk.scope='index=wineventlog'",
            "a whole repository: write what converts, list what does not",
          )
          .example(
            "$0 convert -t elastic -f toml --placeholder domain_controllers=dc1,dc2 rule.yml",
            "resolve |expand placeholders",
          )
          .example("cat rule.yml | $0 convert -t falco -", "read the rule from standard input"),
      run(() => import("./convert.js")),
    )
    .command(
      "lint <paths..>",
      "validate rules and print every diagnostic",
      (y) =>
        y
          .positional("paths", {
            type: "string",
            array: true,
            describe: "rule files or directories; - reads standard input",
          })
          .option("format", { type: "string", choices: ["text", "json"], default: "text" })
          .option("coverage", {
            type: "boolean",
            default: false,
            describe:
              "per target: how many rules convert with a real mapping, with a fidelity warning, or not at all (by code)",
          })
          .option("target", {
            alias: "t",
            type: "string",
            default: "all",
            describe: "targets for --coverage: elastic, splunk, falco, js, a comma list, or all",
          })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .example("$0 lint rules", "check the project's rules")
          .example(
            "$0 lint --coverage -t elastic,splunk,js sigma/rules",
            "how much of a folder each target runs",
          )
          .example("$0 lint --format json rules > lint.json", "for machines"),
      run(() => import("./lint.js")),
    )
    .command(
      "verify <paths..>",
      "prove that every target agrees with the rule on labelled events",
      (y) =>
        y
          .positional("paths", {
            type: "string",
            array: true,
            describe: "rule files or directories",
          })
          .option("fixtures", {
            type: "string",
            demandOption: true,
            describe: "NDJSON fixture files or directories",
          })
          .option("targets", { type: "string", default: "all", describe: "comma list of targets" })
          .option("filter", {
            type: "string",
            describe: "Sigma filter files or directories to apply",
          })
          .option("strict", {
            type: "boolean",
            default: false,
            describe: "compile as convert --strict: a fidelity warning makes the pair unsupported",
          })
          .option("option", {
            alias: "O",
            type: "string",
            array: true,
            describe: "target option key=value or target.key=value, as for convert",
          })
          .option("allow-unsupported", {
            alias: ["s", "skip-unsupported"],
            type: "boolean",
            default: false,
            describe:
              "report rules and rule/target pairs a target cannot express, and an empty run, without failing",
          })
          .option("placeholder", {
            type: "string",
            describe: "values of a |expand placeholder: NAME=V1,V2 (repeatable)",
          })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .option("junit", { type: "string", describe: "write a JUnit XML report to this file" })
          .option("json", { type: "boolean", default: false, describe: "print the report as JSON" })
          .example("$0 verify rules --fixtures test/fixtures", "the project's own parity proof")
          .example("$0 verify rules --fixtures events.ndjson --junit verify.xml", "in CI"),
      run(() => import("./verify.js")),
    )
    .command(
      "scan <logs..>",
      "run rules over NDJSON audit logs (plain or gzip, - for stdin)",
      (y) =>
        y
          .positional("logs", {
            type: "string",
            array: true,
            describe: "log files; - reads standard input",
          })
          .option("rules", {
            alias: "r",
            type: "string",
            demandOption: true,
            describe: "rule files or directories",
          })
          .option("filter", {
            type: "string",
            describe: "Sigma filter files or directories to apply",
          })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline for the js target's event scope: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .option("workers", {
            type: "number",
            describe:
              "worker threads for plain files (default: one per core for inputs of 256 MB or more)",
          })
          .option("skip-unsupported", {
            alias: "s",
            type: "boolean",
            default: false,
            describe:
              "scan with the rules that compile; report the others (exit 1 only for real errors)",
          })
          .option("placeholder", {
            type: "string",
            describe: "values of a |expand placeholder: NAME=V1,V2 (repeatable)",
          })
          .option("validate-json", {
            type: "boolean",
            default: false,
            describe: "parse every line (exact malformed-line counts; slower)",
          })
          .option("time-field", {
            type: "string",
            describe:
              "correlations: the event field to read each event's time from (default: by log source, e.g. stageTimestamp for Kubernetes audit)",
          })
          .option("max-lateness", {
            type: "number",
            default: 60,
            describe:
              "correlations: seconds an event may arrive behind a newer one and still be correlated",
          })
          .example(
            "$0 scan -r rules audit.log.gz > matches.ndjson",
            "matches as NDJSON, summary on stderr",
          ),
      run(() => import("./scan.js")),
    )
    .command(
      "hunt <logs..>",
      "run rules as SQL in embedded DuckDB over NDJSON (plain or gzip) and Parquet files, folders, globs",
      (y) =>
        y
          .positional("logs", {
            type: "string",
            array: true,
            describe: "files, directories or globs ('logs/*.json.gz')",
          })
          .option("rules", {
            alias: "r",
            type: "string",
            demandOption: true,
            describe: "rule files or directories",
          })
          .option("filter", {
            type: "string",
            describe: "Sigma filter files or directories to apply",
          })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .option("skip-unsupported", {
            alias: "s",
            type: "boolean",
            default: false,
            describe:
              "hunt with the rules SQL can express; report the others (exit 1 only for real errors)",
          })
          .option("skip-bad-lines", {
            type: "boolean",
            default: false,
            describe:
              "report malformed lines (file:line) and read on, instead of stopping at the first",
          })
          .example(
            "$0 hunt -r rules/kubernetes 'archive/*.json.gz' > matches.ndjson",
            "matches as NDJSON, progress and summary on stderr",
          ),
      run(() => import("./hunt.js")),
    )
    .command(
      "targets",
      "list targets, their formats and the capability matrix",
      (y) =>
        y
          .option("json", { type: "boolean", default: false })
          .option("target", {
            alias: "t",
            type: "string",
            describe: "explain how one target says each construct",
          })
          .example("$0 targets", "the matrix as a table")
          .example("$0 targets -t falco", "how Falco encodes each construct, and its deviations"),
      run(() => import("./targets.js")),
    )
    .command(
      "pipelines",
      "list the built-in processing pipelines (and check your own with -p)",
      (y) =>
        y
          .option("json", { type: "boolean", default: false })
          .option("pipeline", {
            alias: "p",
            type: "string",
            describe:
              "processing pipeline: a built-in's name or a pipeline file (repeatable, applied in order after the defaults; see sigprism pipelines)",
          })
          .example("$0 pipelines", "built-ins, their targets and logsources")
          .example("$0 pipelines -p my-fields.yml", "validate a pipeline file"),
      run(() => import("./pipelines.js")),
    )
    .command(
      "list <what>",
      "list targets, formats, target options or pipelines",
      (y) =>
        y
          .positional("what", {
            type: "string",
            choices: ["targets", "formats", "options", "pipelines"],
            describe: "what to list",
          })
          .option("json", { type: "boolean", default: false })
          .example("$0 list formats", "every target's formats and file names")
          .example("$0 list options", "the --option keys each target takes"),
      run(() => import("./list.js")),
    )
    .command(
      "main",
      false,
      (y) => y,
      run(() => import("./main-job.js")),
    )
    .demandCommand(
      1,
      "name a command: convert, lint, verify, scan, hunt, targets, pipelines or list",
    )
    .help()
    .alias("h", "help")
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });

  try {
    await parser.parseAsync();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sigprism: error USAGE: ${e.message}\nrun 'sigprism --help' for usage\n`);
    return EXIT_USAGE;
  }
  return exitCode;
}

class UsageError extends Error {}

const STDIN_TOKEN = "\u0000stdin";

function restoreStdin(args: Record<string, unknown>): Record<string, unknown> {
  const fix = (v: unknown): unknown =>
    v === STDIN_TOKEN ? "-" : Array.isArray(v) ? v.map(fix) : v;
  // Repeatable options (`--filter a --filter b`) arrive as a string or a list: always a list.
  const lists = new Set([
    "filter",
    "option",
    "placeholder",
    "fixtures",
    "rules",
    "paths",
    "logs",
    "pipeline",
  ]);
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [
      k,
      lists.has(k) && typeof v === "string" ? [fix(v)] : fix(v),
    ]),
  );
}

export function runCli(): void {
  main(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`sigprism: internal error: ${message}\n`);
      process.exitCode = 70;
    },
  );
}

import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { SigmaRule } from "../sigma/rule.js";
import type { TargetName } from "../targets/types.js";

/** Where `convert` puts its artifacts, and how they are named and labelled. */

/** File name suffix per target and format, for `-o DIR/`. */
export const EXTENSIONS: Readonly<Record<string, string>> = {
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
  "sql/query": ".sql",
};

const hash = (text: string): string => `# ${text}`;

/** A label in a format's comment syntax, and what ends one artifact before the next label. */
interface Labelled {
  readonly comment: (text: string) => string;
  /** SQL: `;` ends each statement, so several queries on stdout are one runnable script. */
  readonly terminator?: string;
}

/**
 * How an artifact on standard output says which rule and target it is: a comment line in the
 * format's own syntax, so that each block still parses. SPL comments are ```…``` (Splunk's search
 * processor replaces them with a space); KQL has no comment syntax at all; a Kibana NDJSON line
 * names its rule itself, and NDJSON takes no comments, so those lines follow each other bare.
 * A format missing here counts as "none": several of its artifacts need -o DIR/.
 */
const LABELS: Readonly<Record<string, Labelled | "self-describing" | "none">> = {
  "elastic/query": "none",
  "elastic/kibana-ndjson": "self-describing",
  "elastic/toml": { comment: hash },
  // EqlBase.g4 and the ES|QL lexer both skip `//` to the end of the line.
  "elastic/eql": { comment: (text) => `// ${text}` },
  "elastic/kibana-ndjson-eql": "self-describing",
  "elastic/toml-eql": { comment: hash },
  "elastic/esql": { comment: (text) => `// ${text}` },
  "elastic/kibana-ndjson-esql": "self-describing",
  "elastic/toml-esql": { comment: hash },
  "splunk/query": { comment: (text) => "```" + text.replaceAll("`", "'") + "```" },
  "splunk/savedsearches": { comment: hash },
  "falco/rules": { comment: hash },
  "falco/config": { comment: hash },
  "js/module": { comment: (text) => `// ${text}` },
  // `--` to the end of the line is a comment in DuckDB, Spark SQL and Trino alike.
  "sql/query": { comment: (text) => `-- ${text}`, terminator: ";" },
};

/** How several artifacts of a format are told apart on standard output. */
export function labelKind(target: string, format: string): "comment" | "self-describing" | "none" {
  const how = LABELS[`${target}/${format}`] ?? "none";
  return typeof how === "object" ? "comment" : how;
}

/** What names an output: a rule or a correlation. */
export type Named = Pick<SigmaRule, "id" | "title" | "source" | "documentIndex">;

export interface Written {
  readonly rule: Named;
  readonly target: TargetName;
  readonly format: string;
  readonly artifact: string;
}

export function outputName(rule: Named, output: { target: string; format: string }): string {
  const path = rule.source.path;
  const stem = path === "<stdin>" ? (rule.id ?? "stdin-rule") : basename(path, extname(path));
  const doc = rule.documentIndex > 0 ? `.${rule.documentIndex}` : "";
  const ext = EXTENSIONS[`${output.target}/${output.format}`] ?? `.${output.format}`;
  return `${stem}${doc}.${output.target}${ext}`;
}

export type OutputPlan =
  | { readonly kind: "stdout" }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "dir"; readonly path: string };

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `-o` decided before anything is compiled, from how many artifacts were asked for (rules ×
 * targets), so that the answer never depends on which rules happen to convert: `-o DIR/` or an
 * existing directory takes any number, `-o FILE` exactly one; several artifacts on standard output
 * need a comment syntax to be labelled in.
 */
export function planOutput(
  out: string | undefined,
  pairs: number,
  formats: readonly { target: TargetName; format: string }[],
): { plan: OutputPlan } | { error: string } {
  if (out === undefined) {
    const unlabelled = formats.filter((f) => labelKind(f.target, f.format) === "none");
    if (pairs > 1 && unlabelled.length > 0) {
      const names = unlabelled.map((f) => `${f.target} ${f.format}`).join(", ");
      return {
        error: `${pairs} artifacts on standard output cannot be told apart: ${names} (KQL) has no comment syntax to label them with; write them with -o DIR/ (one file each), or choose --format kibana-ndjson or toml`,
      };
    }
    return { plan: { kind: "stdout" } };
  }
  if (out === "") return { error: "-o needs a file or directory name" };
  if (out.endsWith("/") || isDirectory(out)) return { plan: { kind: "dir", path: out } };
  if (pairs <= 1) return { plan: { kind: "file", path: out } };
  return {
    error: `-o ${out} names a file, but ${pairs} artifacts were asked for: write -o ${out}/ for a directory (created if needed)`,
  };
}

function labelled(w: { target: string; format: string }): Labelled | undefined {
  const how = LABELS[`${w.target}/${w.format}`];
  return typeof how === "object" ? how : undefined;
}

/**
 * One block on standard output: one rule's artifact, or the one artifact a backend made of
 * several rules' artifacts of a format that is one file for all rules (Falco's falco.yaml).
 */
export interface StdoutBlock {
  readonly rules: readonly Named[];
  readonly target: TargetName;
  readonly format: string;
  readonly artifact: string;
}

/** The backend's one artifact for several of a format, or undefined when they stay apart. */
export type Combine = (
  target: TargetName,
  format: string,
  artifacts: readonly string[],
) => Promise<string | undefined>;

/**
 * The artifacts as standard output's blocks: every target/format group of several artifacts that
 * the backend combines becomes one block where the group's first artifact was.
 */
export async function stdoutBlocks(
  items: readonly Written[],
  combine: Combine,
): Promise<StdoutBlock[]> {
  const blocks: StdoutBlock[] = [];
  const done = new Set<string>();
  for (const w of items) {
    const key = `${w.target}\u0000${w.format}`;
    if (done.has(key)) continue;
    const same = items.filter((x) => x.target === w.target && x.format === w.format);
    const combined =
      same.length > 1
        ? await combine(
            w.target,
            w.format,
            same.map((x) => x.artifact),
          )
        : undefined;
    if (combined === undefined) {
      blocks.push({ ...w, rules: [w.rule] });
      continue;
    }
    done.add(key);
    blocks.push({
      rules: same.map((x) => x.rule),
      target: w.target,
      format: w.format,
      artifact: combined,
    });
  }
  return blocks;
}

function label(b: StdoutBlock, how: Labelled): string {
  const rule = b.rules.length === 1 ? b.rules[0] : undefined;
  const doc =
    rule !== undefined && rule.documentIndex > 0 ? ` document ${rule.documentIndex + 1}` : "";
  const what =
    rule !== undefined
      ? `${rule.title} (${rule.source.path}${doc})`
      : `${b.rules.length} rules combined`;
  return how.comment(`${what} [${b.target} ${b.format}]`.replace(/[\r\n]+/g, " "));
}

/** Several blocks as one text: each after its label; NDJSON lines one after the other. */
export function stdoutText(items: readonly StdoutBlock[]): string {
  if (items.length === 1) return items[0]!.artifact;
  const blocks = items.map((w) => {
    const how = labelled(w);
    const ended = how?.terminator ? `${w.artifact.trimEnd()}${how.terminator}` : w.artifact;
    const body = ended.endsWith("\n") ? ended : ended + "\n";
    return { text: how === undefined ? body : `${label(w, how)}\n${body}`, bare: !how };
  });
  return blocks
    .map((b, i) => (i > 0 && !(b.bare && blocks[i - 1]!.bare) ? "\n" : "") + b.text)
    .join("");
}

/** Write the artifacts where the plan says; returns the number of files written. */
export function writeToPlan(plan: OutputPlan, items: readonly Written[]): number {
  if (plan.kind === "file") {
    if (items.length === 0) return 0;
    mkdirSync(dirname(plan.path), { recursive: true });
    writeFileSync(plan.path, items[0]!.artifact);
    return 1;
  }
  if (plan.kind !== "dir") return 0;
  const names = new Set<string>();
  const files = items.map((w) => {
    const base = outputName(w.rule, w);
    let name = base;
    for (let n = 2; names.has(name); n++) name = base.replace(/(\.[^.]+)$/, `-${n}$1`);
    names.add(name);
    return { path: join(plan.path, name), text: w.artifact };
  });
  mkdirSync(plan.path, { recursive: true });
  for (const f of files) writeFileSync(f.path, f.text);
  return files.length;
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { suggest, type Diagnostic } from "../diagnostics.js";
import { sourceFromText } from "../sigma/read-input.js";
import type { LogSource } from "../sigma/rule.js";
import type { SourceFile } from "../source.js";
import { targetsDir } from "../targets/load.js";
import { loadPipelineFile, parsePipeline } from "./load.js";
import type { Pipeline } from "./types.js";

/** The built-in pipelines: targets/pipelines/<name>.yml, shipped in the package. */

export function pipelinesDir(): string {
  return join(targetsDir(), "pipelines");
}

/** A built-in's file, read eagerly (cheap) and parsed on first need (not cheap: positions, checks). */
interface BuiltinFile {
  readonly name: string;
  readonly source: SourceFile;
  /** Lower-cased text, for the logsource prefilter. */
  readonly lower: string;
  /** What the prefilter reads from the text, worked out on first need. */
  facts?: PrefilterFacts;
  parsed?: Pipeline;
}

interface PrefilterFacts {
  readonly replaces: boolean;
  readonly isDefault: boolean;
  /** Undefined when the file does not declare its targets on one line: it is read to know. */
  readonly targets: readonly string[] | undefined;
  /** Every run of text between YAML's delimiters: a whole scalar is one of them. */
  readonly tokens: ReadonlySet<string>;
}

const DELIMITERS = /[\s{}[\],:'"#]+/;

function prefilterFacts(f: BuiltinFile): PrefilterFacts {
  f.facts ??= {
    replaces: /^replaces:/m.test(f.lower),
    isDefault: /^default:\s*true\s*(#.*)?$/m.test(f.lower),
    targets: declaredTargets(f.lower),
    tokens: new Set(f.lower.split(DELIMITERS)),
  };
  return f.facts;
}

let files: readonly BuiltinFile[] | undefined;

function builtinFiles(): readonly BuiltinFile[] {
  if (files !== undefined) return files;
  const dir = pipelinesDir();
  files = readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), "utf8");
      return {
        name: basename(f, ".yml"),
        source: sourceFromText(`targets/pipelines/${f}`, text),
        lower: text.toLowerCase(),
      };
    });
  return files;
}

/** A broken built-in is a packaging bug: it throws, naming the file and position. */
function parsed(f: BuiltinFile): Pipeline {
  if (f.parsed !== undefined) return f.parsed;
  const loaded = parsePipeline(f.source, true);
  const problem = loaded.diagnostics.find((d) => d.severity === "error");
  if (loaded.pipeline === undefined || problem !== undefined)
    throw new Error(
      `invalid built-in pipeline ${f.source.path}:${problem?.loc?.line ?? 0}:${problem?.loc?.col ?? 0}: ${problem?.code}: ${problem?.message}`,
    );
  if (loaded.pipeline.name !== f.name)
    throw new Error(`built-in pipeline ${f.source.path} must be named '${f.name}'`);
  f.parsed = loaded.pipeline;
  return f.parsed;
}

/** Every built-in, in file-name order. */
export function builtinPipelines(): readonly Pipeline[] {
  return builtinFiles().map(parsed);
}

export function builtinPipeline(name: string): Pipeline | undefined {
  const f = builtinFiles().find((b) => b.name === name);
  return f === undefined ? undefined : parsed(f);
}

/** `value` as a whole YAML scalar somewhere in the file: plain, quoted or in a flow. */
function holdsScalar(f: BuiltinFile, value: string): boolean {
  // A value with a delimiter in it spans tokens: the plain substring test is the sound one.
  return DELIMITERS.test(value) ? f.lower.includes(value) : prefilterFacts(f).tokens.has(value);
}

/** The targets a file declares in the one-line form the built-ins use; undefined: read it to know. */
function declaredTargets(lower: string): readonly string[] | undefined {
  const m = /^targets:\s*\[([^\]\n]*)\]\s*(#.*)?$/m.exec(lower);
  return m?.[1]?.split(",").map((t) => t.trim().replace(/^["']|["']$/g, ""));
}

/**
 * The default built-ins that may hold an item for this logsource and target, so that one
 * conversion parses only those (parsing is most of a one-rule run's time). Sound: an item matches
 * only when each logsource value it names equals the rule's, and names at least one, so its file
 * holds one of the rule's values as a whole scalar; a file says `default: true` and its targets
 * on lines of their own. A file that `replaces` another is always parsed (it can matter without
 * matching). test/pipelines/resolve.test.ts checks the filter against every built-in item.
 */
export function builtinCandidates(logsource: LogSource, target?: string): readonly Pipeline[] {
  const values = [logsource.product, logsource.category, logsource.service]
    .filter((v): v is string => v !== undefined && v !== "")
    .map((v) => v.toLowerCase());
  return builtinFiles()
    .filter((f) => {
      const { replaces, isDefault, targets } = prefilterFacts(f);
      if (replaces) return true;
      if (!isDefault) return false;
      if (target !== undefined && targets !== undefined && !targets.includes(target)) return false;
      return values.some((v) => holdsScalar(f, v));
    })
    .map(parsed);
}

export interface PipelineArgs {
  /** In the order given. */
  readonly pipelines: readonly Pipeline[];
  readonly diagnostics: readonly Diagnostic[];
  /** The user's pipeline files, for showing source lines with diagnostics. */
  readonly sources: ReadonlyMap<string, SourceFile>;
}

/**
 * `-p` arguments: a path (has a `/`, or ends in .yml/.yaml, or is an existing file) is a
 * pipeline file; anything else names a built-in.
 */
export function pipelinesFromArgs(args: readonly string[]): PipelineArgs {
  const pipelines: Pipeline[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  for (const arg of args) {
    const isPath = /[\\/]|\.ya?ml$/i.test(arg) || existsSync(arg);
    if (!isPath) {
      const p = builtinPipeline(arg);
      if (p !== undefined) pipelines.push(p);
      else {
        const near = suggest(
          arg,
          builtinPipelines().map((b) => b.name),
        );
        diagnostics.push({
          severity: "error",
          code: "PIPELINE_NOT_FOUND",
          message: `'${arg}' is neither a pipeline file nor a built-in pipeline${near ? ` — did you mean '${near}'?` : ""} (sigprism pipelines lists them)`,
          file: "",
        });
      }
      continue;
    }
    const loaded = loadPipelineFile(arg);
    if (loaded.source !== undefined) sources.set(loaded.source.path, loaded.source);
    diagnostics.push(...loaded.diagnostics);
    if (loaded.pipeline !== undefined) pipelines.push(loaded.pipeline);
  }
  const names = new Map<string, Pipeline>();
  for (const p of pipelines) {
    const other = names.get(p.name);
    if (other !== undefined && other !== p)
      diagnostics.push({
        severity: "error",
        code: "PIPELINE_DUPLICATE",
        message: `two pipelines are named '${p.name}' (${other.source.path} and ${p.source.path})`,
        file: p.source.path,
      });
    names.set(p.name, p);
  }
  return { pipelines: [...new Set(pipelines)], diagnostics, sources };
}

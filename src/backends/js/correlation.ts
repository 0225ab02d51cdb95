import { format } from "prettier";
import { DiagnosticError, assertNever } from "../../diagnostics.js";
import { conditionText } from "../../sigma/correlation.js";
import type { CorrelationIR } from "../../sigma/correlation-ir.js";
import type { SigmaRule } from "../../sigma/rule.js";
import { locate } from "../../source.js";
import { targetField, targetFields } from "../../pipelines/fields.js";
import type { CorrelationBackend, CorrelationContext } from "../correlation-types.js";
import { jsText, type Js, type JsConstant } from "./js-ast.js";
import { MODULE_FORMAT_OPTIONS } from "./module.js";
import { printJs } from "./print.js";
import { runtimeSource, type HelperName } from "./runtime.js";
import { CORRELATION_RUNTIME } from "./correlation-runtime.js";

/**
 * A correlation as a standalone ES module: the base rules as predicates, the correlation tree as
 * data, and a streaming correlator (correlation-runtime.ts). It exports `rule` (metadata), `rules`
 * (the base rules' ids and titles, in the order `pushMatched` indexes them) and
 * `createCorrelator({ maxLatenessMs })`, whose `push(event)` returns the matches that became
 * final. Every rule string and field name enters the code through JSON.stringify.
 */

/** How long the correlator waits for late events by default: audit logs are written in order. */
export const DEFAULT_LATENESS_US = 60_000_000;

/** Rename a rule's module-level constants so that several rules can share one module. */
function renamed(tree: Js, names: ReadonlyMap<string, string>): Js {
  const r = (t: Js): Js => renamed(t, names);
  switch (tree.kind) {
    case "id":
      return { kind: "id", name: names.get(tree.name) ?? tree.name };
    case "str":
    case "num":
    case "bool":
    case "null":
      return tree;
    case "call":
    case "new":
      return { ...tree, args: tree.args.map(r) };
    case "arrow":
      return { ...tree, body: r(tree.body) };
    case "logical":
      return { ...tree, items: tree.items.map(r) };
    case "binary":
      return { ...tree, left: r(tree.left), right: r(tree.right) };
    case "not":
      return { ...tree, arg: r(tree.arg) };
    case "array":
      return { ...tree, items: tree.items.map(r) };
    default:
      return assertNever(tree);
  }
}

interface ModuleData {
  readonly nodes: unknown[];
  readonly rules: SigmaRule[];
}

/** The tree as nodes, inner correlations first and the root last; rules indexed once each. */
function flatten(ir: CorrelationIR, ctx: CorrelationContext, data: ModuleData): number {
  const file = ir.correlation.source.path;
  const origin = locate(ir.correlation.source, ir.correlation.at.start);
  const field = (name: string, rule: SigmaRule): string =>
    targetField(ctx.base.get(rule)?.ctx.mapping, name, "js", file, origin);
  const steps = ir.steps.map((s) => {
    if (s.kind === "correlation")
      return {
        node: flatten(s.inner, ctx, data),
        group: s.groupFields,
        value: s.valueField ?? null,
      };
    let index = data.rules.indexOf(s.rule);
    if (index === -1) index = data.rules.push(s.rule) - 1;
    return {
      rule: index,
      group: s.groupFields.map((f) => field(f, s.rule)),
      value: s.valueField === undefined ? null : field(s.valueField, s.rule),
    };
  });
  data.nodes.push({
    type: ir.type,
    timespan: ir.timespanUs,
    condition: ir.condition.map((t) => [t.op, t.value]),
    groupBy: ir.groupBy,
    steps,
  });
  return data.nodes.length - 1;
}

function metadata(ir: CorrelationIR): Record<string, unknown> {
  const c = ir.correlation;
  const meta: Record<string, unknown> = { title: c.title };
  const optional = {
    id: c.id,
    name: c.name,
    status: c.status,
    level: c.level,
    description: c.description,
    author: c.author,
    date: c.date,
    modified: c.modified,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) meta[k] = v;
  if (c.tags.length > 0) meta.tags = c.tags;
  if (c.references.length > 0) meta.references = c.references;
  if (c.falsepositives.length > 0) meta.falsepositives = c.falsepositives;
  meta.correlation = {
    type: ir.type,
    timespan: c.timespan.text,
    groupBy: ir.groupBy,
    condition: conditionText(ir.condition),
  };
  return meta;
}

export async function correlationModule(ctx: CorrelationContext): Promise<string> {
  const data: ModuleData = { nodes: [], rules: [] };
  flatten(ctx.ir, ctx, data);
  const helpers = new Set<HelperName>(["$some"]);
  const shared: JsConstant[] = [];
  const parts: string[] = [];
  data.rules.forEach((rule, i) => {
    const base = ctx.base.get(rule)!;
    const printed = printJs(
      base.effective,
      (f, origin) => targetFields(base.ctx.mapping, f, "js", rule.source.path, origin),
      base.ctx.mapping?.events,
    );
    for (const h of printed.helpers) helpers.add(h);
    const names = new Map<string, string>();
    for (const c of printed.constantTrees) {
      if (c.name === "$ANY" || c.name === "$ONE") {
        if (!shared.some((s) => s.name === c.name)) shared.push(c);
      } else names.set(c.name, `R${i}_${c.name}`);
    }
    for (const c of printed.constantTrees)
      if (names.has(c.name))
        parts.push(`const ${names.get(c.name)} = ${jsText(renamed(c.init, names))};`);
    parts.push(
      `/** ${JSON.stringify(rule.title).slice(1, -1).replace(/\*\//g, "*\\/")} */`,
      `function rule_${i}(event) {\n  return ${jsText(renamed(printed.tree, names))};\n}`,
    );
  });
  const timeField = targetField(
    ctx.base.get(data.rules[0]!)?.ctx.mapping,
    ctx.ir.timeField,
    "js",
    ctx.ir.correlation.source.path,
    locate(ctx.ir.correlation.source, ctx.ir.correlation.at.start),
  );
  const text = [
    "// Generated by sigprism (target js). Standalone: imports nothing, reads only own properties.",
    "// createCorrelator() runs the Sigma correlation over raw JSON events pushed in arrival order;",
    "// push(event) returns the matches that became final, flush() ends the stream.",
    "",
    `export const rule = Object.freeze(${JSON.stringify(metadata(ctx.ir))});`,
    "",
    "/** The base rules, in the order pushMatched(event, ruleIndexes) numbers them. */",
    `export const rules = Object.freeze(${JSON.stringify(data.rules.map((r) => ({ id: r.id ?? r.title, title: r.title })))});`,
    "",
    ...shared.map((c) => `const ${c.name} = ${jsText(c.init)};`),
    ...parts,
    "",
    "/** The correlation tree: referenced correlations first, this correlation last. */",
    `const NODES = ${JSON.stringify(data.nodes)};`,
    "",
    "/**",
    " * options.maxLatenessMs: how long an event may arrive behind a newer one and still be",
    ` * correlated (default ${DEFAULT_LATENESS_US / 1000}).`,
    " */",
    "export function createCorrelator(options = {}) {",
    "  const ms = options.maxLatenessMs ?? " + String(DEFAULT_LATENESS_US / 1000) + ";",
    '  if (typeof ms !== "number" || !(ms >= 0) || !Number.isFinite(ms))',
    '    throw new TypeError("maxLatenessMs must be a finite number >= 0");',
    `  const rules = [${data.rules.map((_, i) => `rule_${i}`).join(", ")}];`,
    `  return $correlator(rules, NODES, ${JSON.stringify(timeField)}, Math.round(ms * 1000));`,
    "}",
    "",
    "// ---- runtime: mirrors sigprism's reference evaluator and correlator ----",
    "",
    runtimeSource(helpers),
    "",
    CORRELATION_RUNTIME.trim(),
    "",
  ].join("\n");
  // `--option module-layout=compact` (scan uses it) skips prettier: the same code, laid out plainly.
  if (ctx.options.targetOptions?.["module-layout"] === "compact") return text;
  return await format(text, MODULE_FORMAT_OPTIONS);
}

export const jsCorrelationBackend: CorrelationBackend = {
  formats: ["module"],
  async emit(ctx, fmt) {
    if (fmt !== "module") {
      throw new DiagnosticError({
        severity: "error",
        code: "UNKNOWN_FORMAT",
        message: `target js has no format '${fmt}' for correlations (formats: module)`,
        file: ctx.ir.correlation.source.path,
        target: "js",
      });
    }
    const text = await correlationModule(ctx);
    return {
      query: text,
      artifact: text,
      window: "sliding",
      lateness: DEFAULT_LATENESS_US,
      diagnostics: [
        {
          severity: "info",
          code: "FIDELITY_STREAM_ORDER",
          message: `the streaming correlator reads events in arrival order and holds them ${DEFAULT_LATENESS_US / 1_000_000} s (createCorrelator's maxLatenessMs) to put them in time order; an event that arrives later than that behind a newer one is counted as late and not correlated`,
          file: ctx.ir.correlation.source.path,
          loc: locate(ctx.ir.correlation.source, ctx.ir.correlation.at.start, "correlation".length),
          target: "js",
          fidelity: true,
        },
      ],
    };
  },
};

import { DiagnosticError } from "../../diagnostics.js";
import { isLiteral, literalText, type Expr, type OrExpr } from "../../ir.js";
import type { BackendContext } from "../types.js";
import { FALCO } from "./dialect.js";
import { needsFolding } from "./glob.js";
import { fitsConstant, quotable, quote } from "./constants.js";
import { printCondition, printExpr, type PrintEnv } from "./print.js";
import { falcoVersion, parseVersion } from "./version.js";
import { dumpYaml } from "./yaml.js";
import { falcoSource, type FalcoPlugin } from "./sources.js";
import { fieldType, isListField } from "./source-fields.js";

/**
 * The deployable files: `rules` (a Falco rules file) and `config` (a falco.yaml snippet loading the
 * plugins). An exclusion — NOT of an OR of exact / prefix values on one field — becomes a Falco
 * list plus a macro, so a site can append names without touching the rule.
 */

function settingsRecord(x: unknown): Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x)
    ? (x as Record<string, unknown>)
    : {};
}

function str(x: unknown, fallback: string): string {
  return typeof x === "string" && x !== "" ? x : fallback;
}

/** A Falco identifier from free text: letters, digits, underscores, starting with a letter. */
export function slug(text: string): string {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  // Whole words up to 60 characters, so names stay readable.
  let s = "";
  for (const w of words) {
    if (s !== "" && s.length + 1 + w.length > 60) break;
    s = s === "" ? w.slice(0, 60) : `${s}_${w}`;
  }
  return /^[a-z]/.test(s) ? s : `sigma_${s}`;
}

interface Exclusion {
  readonly node: OrExpr;
  readonly field: string;
  readonly values: readonly string[];
  readonly others: readonly Expr[];
}

function exactOrPrefix(e: Expr, env: PrintEnv): { field: string; exact?: string } | undefined {
  if (e.kind !== "match" || e.test.kind !== "pattern" || env.argv?.(e) !== undefined)
    return undefined;
  const t = e.test;
  if (!t.cased && needsFolding(t.pattern)) return undefined;
  const names = env.field(e);
  const field = names[0];
  if (names.length !== 1 || field === undefined || isListField(field)) return undefined;
  if (fieldType(field) !== "string") return undefined;
  if (isLiteral(t.pattern)) {
    const v = literalText(t.pattern);
    return quotable(v) && fitsConstant(v) ? { field, exact: v } : undefined;
  }
  const [a, b] = t.pattern;
  if (t.pattern.length === 2 && a?.kind === "text" && b?.kind === "any" && quotable(a.text))
    return { field };
  return undefined;
}

/** Every `not (a or b or …)` whose items are exact/prefix values on one scalar field. */
function findExclusions(e: Expr, env: PrintEnv, out: Exclusion[] = []): Exclusion[] {
  switch (e.kind) {
    case "and":
    case "or":
      for (const i of e.items) findExclusions(i, env, out);
      return out;
    case "not": {
      const inner = e.item;
      if (inner.kind === "or") {
        const parts = inner.items.map((i) => exactOrPrefix(i, env));
        const field = parts[0]?.field;
        if (field !== undefined && parts.every((p) => p?.field === field)) {
          const values = parts.flatMap((p) => (p?.exact !== undefined ? [p.exact] : []));
          const others = inner.items.filter((_, i) => parts[i]?.exact === undefined);
          if (values.length > 0) out.push({ node: inner, field, values, others });
          return out;
        }
      }
      return findExclusions(inner, env, out);
    }
    case "const":
    case "match":
      return out;
  }
}

/** How many times a name occurs in a text: Falco substitutes list names even inside strings. */
function occurrences(text: string, name: string): number {
  return text.split(name).length - 1;
}

/**
 * `query`, when given, is printCondition(effective, env, scope) already printed (step 2): with no
 * exclusion macros the rule's condition is exactly that text, so it is not printed again.
 */
export function rulesFile(
  effective: Expr,
  ctx: BackendContext,
  env: PrintEnv,
  query?: string,
): string {
  const rule = ctx.rule;
  const base = slug(rule.name ?? rule.title);
  const exclusions = findExclusions(effective, env);
  const lists: { list: string; items: string[] }[] = [];
  const macros: { macro: string; condition: string }[] = [];
  const macroOf = new Map<Expr, string>();
  exclusions.forEach((x, i) => {
    const stem = `${base}_${slug(x.field.replace(/^ka\./, ""))}${exclusions.length > 1 ? `_${i + 1}` : ""}`;
    const listName = `${stem}_excluded_values`;
    const macroName = `${stem}_excluded`;
    const others = x.others.map((o) => printExpr(o, env).text);
    const condition = [`${x.field} ${FALCO.ops.in} (${listName})`, ...others].join(` ${FALCO.or} `);
    lists.push({ list: listName, items: x.values.map(quote) });
    macros.push({ macro: macroName, condition });
    macroOf.set(x.node, macroName);
  });
  const condition =
    exclusions.length === 0 && query !== undefined
      ? query
      : printCondition(effective, { ...env, macros: macroOf }, ctx.mapping?.scope);
  // A list name anywhere else in a condition (inside a value, say) would be substituted too.
  const texts = [condition, ...macros.map((m) => m.condition)];
  const safe = lists.every((l) => texts.reduce((n, t) => n + occurrences(t, l.list), 0) === 1);
  const source = falcoSource(ctx);
  const tags = [source.tag, ...rule.tags.map(falcoTag)];
  const required = pluginsOf(ctx).map((p) => ({ name: p.name, version: p.version }));
  const doc: unknown[] = [
    ...(required.length > 0 ? [{ required_plugin_versions: required }] : []),
    ...(safe ? [...lists, ...macros] : []),
    {
      rule: rule.title,
      desc: rule.description ?? rule.title,
      condition: safe ? condition : printCondition(effective, env, ctx.mapping?.scope),
      // `%` starts a field in Falco output formats; the title is text only.
      output: `${rule.title.split("%").join("")} (${source.output})`,
      priority: rule.level ? FALCO.priority[rule.level] : FALCO.defaultPriority,
      source: source.name,
      tags,
    },
  ];
  return dumpYaml(doc);
}

/** ATT&CK technique ids upper-cased (T1552.007), tactics as Falco's mitre_<tactic>. */
export function falcoTag(tag: string): string {
  const m = /^attack\.(.+)$/i.exec(tag);
  if (!m) return tag;
  const rest = m[1]!;
  if (/^[tgs]\d{4}(\.\d{3})?$/i.test(rest)) return rest.toUpperCase();
  return `mitre_${rest.replace(/-/g, "_").toLowerCase()}`;
}

/**
 * The rule's plugins: the source's table (sources.ts), each overridable by name from
 * targets/falco.yml `settings.plugins` (version, library_path, open_params).
 */
function pluginsOf(ctx: BackendContext): FalcoPlugin[] {
  const configured = settingsRecord(ctx.config.settings.plugins);
  return falcoSource(ctx).plugins.map((p) => {
    const own = settingsRecord(configured[p.name]);
    return {
      ...p,
      version: str(own.version, p.version),
      library_path: str(own.library_path, p.library_path),
      ...(p.open_params !== undefined ? { open_params: str(own.open_params, p.open_params) } : {}),
    };
  });
}

/**
 * The falco.yaml part that loads what the rule needs: the plugins of its event source (none for
 * syscall, which the kernel driver serves) and the rules file.
 */
export function configFile(ctx: BackendContext): string {
  const plugins = pluginsOf(ctx);
  const dir = str(ctx.config.settings.rulesDir, "/etc/falco/rules.d");
  const file = `${dir}/${slug(ctx.rule.name ?? ctx.rule.title)}.yaml`;
  const v = parseVersion(falcoVersion(ctx));
  // Falco 0.38 renamed rules_file to rules_files (the old key still loads, with a warning).
  const rulesKey = v !== undefined && (v[0] > 0 || v[1] >= 38) ? "rules_files" : "rules_file";
  const doc = {
    ...(plugins.length > 0
      ? {
          plugins: plugins.map((p) => ({
            name: p.name,
            library_path: p.library_path,
            init_config: p.init_config ?? "",
            ...(p.open_params !== undefined ? { open_params: p.open_params } : {}),
          })),
          load_plugins: plugins.map((p) => p.name),
        }
      : {}),
    [rulesKey]: [file],
  };
  return dumpYaml(doc);
}

export function unknownFormat(format: string, ctx: BackendContext): never {
  throw new DiagnosticError({
    severity: "error",
    code: "UNKNOWN_FORMAT",
    message: `target falco has no format '${format}' (formats: ${ctx.config.formats.join(", ")})`,
    file: ctx.rule.source.path,
    target: "falco",
  });
}

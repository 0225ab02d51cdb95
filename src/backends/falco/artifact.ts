import { DiagnosticError } from "../../diagnostics.js";
import { isLiteral, literalText, type Expr, type OrExpr } from "../../ir.js";
import type { BackendContext } from "../types.js";
import { FALCO } from "./dialect.js";
import { needsFolding } from "./glob.js";
import { printCondition, printExpr, quotable, quote, type PrintEnv } from "./print.js";
import { falcoVersion, parseVersion } from "./version.js";
import { dumpYaml } from "./yaml.js";

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
  if (e.kind !== "match" || e.test.kind !== "pattern") return undefined;
  const t = e.test;
  if (!t.cased && needsFolding(t.pattern)) return undefined;
  const names = env.field(e);
  const field = names[0];
  if (names.length !== 1 || field === undefined || FALCO.listFields.has(field)) return undefined;
  if (isLiteral(t.pattern)) {
    const v = literalText(t.pattern);
    return quotable(v) ? { field, exact: v } : undefined;
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
  const plugins = settingsRecord(ctx.config.settings.plugins);
  const k8saudit = settingsRecord(plugins.k8saudit);
  const json = settingsRecord(plugins.json);
  const tags = ["k8s", ...rule.tags.map(falcoTag)];
  const doc: unknown[] = [
    {
      required_plugin_versions: [
        { name: "k8saudit", version: str(k8saudit.version, "0.7.0") },
        { name: "json", version: str(json.version, "0.7.0") },
      ],
    },
    ...(safe ? [...lists, ...macros] : []),
    {
      rule: rule.title,
      desc: rule.description ?? rule.title,
      condition: safe ? condition : printCondition(effective, env, ctx.mapping?.scope),
      // `%` starts a field in Falco output formats; the title is text only.
      output: `${rule.title.split("%").join("")} (${FALCO.output})`,
      priority: rule.level ? FALCO.priority[rule.level] : FALCO.defaultPriority,
      source: str(ctx.mapping?.settings.source, FALCO.source),
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

export function configFile(ctx: BackendContext): string {
  const plugins = settingsRecord(ctx.config.settings.plugins);
  const k8saudit = settingsRecord(plugins.k8saudit);
  const json = settingsRecord(plugins.json);
  const dir = str(ctx.config.settings.rulesDir, "/etc/falco/rules.d");
  const file = `${dir}/${slug(ctx.rule.name ?? ctx.rule.title)}.yaml`;
  const v = parseVersion(falcoVersion(ctx));
  // Falco 0.38 renamed rules_file to rules_files (the old key still loads, with a warning).
  const rulesKey = v !== undefined && (v[0] > 0 || v[1] >= 38) ? "rules_files" : "rules_file";
  const doc = {
    plugins: [
      {
        name: "k8saudit",
        library_path: str(k8saudit.library_path, "libk8saudit.so"),
        init_config: "",
        open_params: str(k8saudit.open_params, "http://:9765/k8s-audit"),
      },
      { name: "json", library_path: str(json.library_path, "libjson.so"), init_config: "" },
    ],
    load_plugins: ["k8saudit", "json"],
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

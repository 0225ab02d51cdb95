import { load } from "js-yaml";
import { ParseError } from "../types.js";
import { parseCondition, type FNode } from "./ast.js";
import { resolveList } from "./lists.js";

/**
 * A Falco rules file as the engine loads it: lists (items may name earlier lists), macros (may use
 * earlier macros), rules (may use every macro). Lists are substituted into condition text before
 * parsing; macros are substituted into the AST. The result is one macro-free AST per enabled rule.
 */
export interface LoadedRule {
  readonly name: string;
  readonly source: string;
  readonly condition: FNode;
  /** The condition text after list substitution (what was parsed), for error positions. */
  readonly text: string;
}

const RULE_KEYS = ["rule", "desc", "condition", "output", "priority"] as const;
const KNOWN_RULE_KEYS = new Set<string>([...RULE_KEYS, "source", "tags", "enabled"]);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function structural(message: string): ParseError {
  return new ParseError(message, 0, 1, 1);
}

/** Re-throw a condition error with the item's name in front; the position stays in the condition. */
function inItem(what: string, e: unknown): never {
  if (e instanceof ParseError)
    throw new ParseError(
      `${what}: ${e.message.replace(/^\d+:\d+: /, "")}`,
      e.offset,
      e.line,
      e.col,
    );
  throw e;
}

function expandMacros(
  node: FNode,
  macros: ReadonlyMap<string, FNode>,
  what: string,
  text: string,
): FNode {
  switch (node.kind) {
    case "and":
    case "or":
      return { kind: node.kind, items: node.items.map((i) => expandMacros(i, macros, what, text)) };
    case "not":
      return { kind: "not", item: expandMacros(node.item, macros, what, text) };
    case "macro": {
      const m = macros.get(node.name);
      if (m === undefined) {
        const before = text.slice(0, node.offset);
        throw new ParseError(
          `${what}: Undefined macro '${node.name}' used in filter.`,
          node.offset,
          before.split("\n").length,
          node.offset - before.lastIndexOf("\n"),
        );
      }
      return m;
    }
    default:
      return node;
  }
}

function stringList(x: unknown, what: string): string[] {
  if (!Array.isArray(x)) throw structural(`${what}: items must be a list`);
  return x.map((i) => {
    if (typeof i === "string") return i;
    if (typeof i === "number" || typeof i === "boolean") return String(i);
    throw structural(`${what}: list items must be scalars`);
  });
}

export function loadRulesFile(text: string): LoadedRule[] {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (e) {
    const mark = (e as { mark?: { position?: number; line?: number; column?: number } }).mark;
    throw new ParseError(
      `YAML: ${(e as Error).message.split("\n")[0]}`,
      mark?.position ?? 0,
      (mark?.line ?? 0) + 1,
      (mark?.column ?? 0) + 1,
    );
  }
  if (!Array.isArray(doc))
    throw structural("a rules file is a YAML sequence of lists, macros and rules");
  const lists: { name: string; items: string[] }[] = [];
  for (const item of doc) {
    if (isRecord(item) && typeof item.list === "string") {
      const own = stringList(item.items, `list '${item.list}'`);
      const items = own.flatMap((i) => lists.find((l) => l.name === i)?.items ?? [i]);
      lists.push({ name: item.list, items });
    }
  }
  const substitute = (cond: string): string =>
    lists.reduce((c, l) => resolveList(c, l.name, l.items), cond);
  const macros = new Map<string, FNode>();
  const rules: LoadedRule[] = [];
  for (const item of doc) {
    if (!isRecord(item)) throw structural("every item of a rules file must be a mapping");
    if ("list" in item) {
      for (const k of Object.keys(item))
        if (k !== "list" && k !== "items")
          throw structural(
            `list '${String(item.list)}': key '${k}' is outside the modelled subset`,
          );
      continue;
    }
    if ("required_engine_version" in item || "required_plugin_versions" in item) continue;
    if ("macro" in item) {
      const name = item.macro;
      if (typeof name !== "string" || typeof item.condition !== "string")
        throw structural("a macro needs a name and a condition string");
      for (const k of Object.keys(item))
        if (k !== "macro" && k !== "condition")
          throw structural(`macro '${name}': key '${k}' is outside the modelled subset`);
      const what = `macro '${name}'`;
      const cond = substitute(item.condition);
      try {
        macros.set(name, expandMacros(parseCondition(cond), macros, what, cond));
      } catch (e) {
        inItem(what, e);
      }
      continue;
    }
    if ("rule" in item) {
      for (const k of RULE_KEYS)
        if (typeof item[k] !== "string")
          throw structural(
            `rule '${String(item.rule)}': required key '${k}' missing or not a string`,
          );
      for (const k of Object.keys(item))
        if (!KNOWN_RULE_KEYS.has(k))
          throw structural(
            `rule '${String(item.rule)}': key '${k}' is outside the modelled subset`,
          );
      if (item.enabled === false) continue;
      const name = item.rule as string;
      const what = `rule '${name}'`;
      const source = typeof item.source === "string" ? item.source : "syscall";
      const cond = substitute(item.condition as string);
      let condition: FNode;
      try {
        condition = expandMacros(parseCondition(cond), macros, what, cond);
      } catch (e) {
        inItem(what, e);
      }
      rules.push({ name, source, condition, text: cond });
      continue;
    }
    throw structural(`unknown rules-file item with keys ${Object.keys(item).join(", ")}`);
  }
  return rules;
}

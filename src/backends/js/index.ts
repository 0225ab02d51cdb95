import { DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import type { Expr } from "../../ir.js";
import { parseNetwork } from "../../sigma/eval-ip.js";
import { regexFlags } from "../../sigma/eval-regex.js";
import { targetFields } from "../../pipelines/fields.js";
import type { Backend, BackendContext, Lowered } from "../types.js";
import { JS_CAPABILITIES } from "./capabilities.js";
import { moduleText, ruleMetadata } from "./module.js";
import { printJs, type PrintedJs } from "./print.js";

/**
 * The JavaScript backend. JS says every construct exactly, so lowering changes nothing; it only
 * refuses what cannot run at all (a regex RegExp rejects, a network that is not an address).
 */

function unrunnable(expr: Expr, ctx: BackendContext, out: Diagnostic[]): void {
  switch (expr.kind) {
    case "and":
    case "or":
      for (const item of expr.items) unrunnable(item, ctx, out);
      return;
    case "not":
      unrunnable(expr.item, ctx, out);
      return;
    case "const":
      return;
    case "match": {
      const t = expr.test;
      const base = {
        severity: "error",
        file: ctx.rule.source.path,
        loc: expr.origin,
        target: "js",
      } as const;
      if (t.kind === "regex" && regexFlags(t.source, t.flags) === undefined)
        out.push({
          ...base,
          code: "REGEX_INVALID",
          message: `JavaScript cannot compile the regular expression /${t.source}/`,
        });
      if (t.kind === "cidr" && parseNetwork(t.network, t.prefix, t.version) === undefined)
        out.push({
          ...base,
          code: "CIDR_INVALID",
          message: `'${t.network}/${t.prefix}' is not an IPv${t.version} network`,
        });
      return;
    }
  }
}

// query() and artifact() print the same effective IR with the same context: printed once.
const printedCache = new WeakMap<Expr, { readonly ctx: BackendContext; readonly js: PrintedJs }>();

function print(effective: Expr, ctx: BackendContext): PrintedJs {
  const hit = printedCache.get(effective);
  if (hit !== undefined && hit.ctx === ctx) return hit.js;
  const file = ctx.rule.source.path;
  const js = printJs(
    effective,
    (field, origin) => targetFields(ctx.mapping, field, "js", file, origin),
    ctx.mapping?.events,
  );
  printedCache.set(effective, { ctx, js });
  return js;
}

export const jsBackend: Backend = {
  name: "js",
  capabilities: JS_CAPABILITIES,

  lower(ir: Expr, ctx: BackendContext): Lowered {
    const diagnostics: Diagnostic[] = [];
    unrunnable(ir, ctx, diagnostics);
    return { effective: ir, deviations: [], diagnostics };
  },

  dataNotes: [],
  // The module reads the raw event itself.
  seen: () => (raw) => raw,

  query(effective: Expr, ctx: BackendContext): string {
    return print(effective, ctx).expression;
  },

  artifact(format: string, query: string, effective: Expr, ctx: BackendContext): Promise<string> {
    if (format !== "module") {
      throw new DiagnosticError({
        severity: "error",
        code: "UNKNOWN_FORMAT",
        message: `target js has no format '${format}' (formats: module)`,
        file: ctx.rule.source.path,
        target: "js",
      });
    }
    // The query text is the printed tree's text; the module prints the same tree.
    void query;
    return Promise.resolve(moduleText(print(effective, ctx), ruleMetadata(ctx.rule)));
  },
};

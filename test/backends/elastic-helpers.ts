import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, MatchExpr, Pattern, Test } from "../../src/ir.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import type { Loc } from "../../src/source.js";
import { backendContext, testRule } from "../helpers/rule-context.js";
import { TOKEN_REQUEST_PREFIXES } from "../helpers/token-request.js";

/** Shared by the Elastic backend tests: a minimal rule and context, and IR builders. */

export function loc(line: number, col = 5): Loc {
  return { offset: line * 10 + col, length: 1, line, col };
}

export function rule(overrides: Partial<SigmaRule> = {}): SigmaRule {
  return testRule({ id: "11111111-2222-3333-4444-555555555555", ...overrides });
}

/** `settings` are merged over the matched mapping's settings (e.g. `lowercase`, `wholeArrays`). */
export function context(
  r: SigmaRule = rule(),
  settings: Record<string, unknown> = {},
): BackendContext {
  return backendContext("elastic", r, { mapping: settings });
}

let line = 1;

export function m(field: string | null, test: Test): MatchExpr {
  return { kind: "match", field, test, origin: loc(line++) };
}

export function text(t: string): Pattern {
  return t === "" ? [] : [{ kind: "text", text: t }];
}

export const any = { kind: "any" } as const;
export const one = { kind: "one" } as const;

export function eq(field: string, value: string, cased = true): MatchExpr {
  return m(field, { kind: "pattern", pattern: text(value), cased });
}

export function glob(field: string, pattern: Pattern, cased = true): MatchExpr {
  return m(field, { kind: "pattern", pattern, cased });
}

export function exists(field: string): MatchExpr {
  return m(field, { kind: "exists" });
}

/** The TokenRequest rule's IR as the front end builds it: selection and not 1 of filter_*. */
export function tokenRequestIR(): Expr {
  const exclusions: Expr[] = TOKEN_REQUEST_PREFIXES.map(([t, star]) =>
    glob("user.username", star ? [...text(t), any] : text(t), true),
  );
  return {
    kind: "and",
    items: [
      eq("verb", "create", true),
      eq("objectRef.resource", "serviceaccounts", true),
      eq("objectRef.subresource", "token", true),
      exists("user.username"),
      { kind: "not", item: { kind: "or", items: [...exclusions, eq("user.username", "", true)] } },
    ],
  };
}

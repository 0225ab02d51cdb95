import { and, not, or, type Expr, type Part, type Pattern, type Test } from "../../src/ir.js";
import type { ScanRule } from "../../src/scan/scan.js";
import { TOKEN_REQUEST_EXCLUSIONS } from "../helpers/token-request.js";

/**
 * Rules written directly as IR, so that the scanner's tests and benchmark do not depend on the
 * front end. TOKEN_REQUEST_IR is the meaning of rules/kubernetes/audit/
 * k8s_serviceaccount_token_created_via_tokenrequest.yml, read by hand.
 */

const ORIGIN = { offset: 0, length: 0, line: 1, col: 1 };

export function match(field: string | null, test: Test): Expr {
  return { kind: "match", field, test, origin: ORIGIN };
}

/** A Sigma-like glob: `*` any run, `?` one character, no escapes (enough for hand-written rules). */
export function glob(text: string): Pattern {
  const parts: Part[] = [];
  let run = "";
  for (const ch of text) {
    if (ch === "*" || ch === "?") {
      if (run !== "") parts.push({ kind: "text", text: run });
      run = "";
      parts.push(ch === "*" ? { kind: "any" } : { kind: "one" });
    } else {
      run += ch;
    }
  }
  if (run !== "") parts.push({ kind: "text", text: run });
  return parts;
}

export function eq(field: string | null, value: string, cased = false): Expr {
  return match(field, { kind: "pattern", pattern: glob(value), cased });
}

export const TOKEN_REQUEST_IR: Expr = and([
  eq("verb", "create"),
  eq("objectRef.resource", "serviceaccounts"),
  eq("objectRef.subresource", "token"),
  match("user.username", { kind: "exists" }),
  not(
    or([
      ...TOKEN_REQUEST_EXCLUSIONS.map((u) => eq("user.username", u, true)),
      eq("user.username", "", true),
    ]),
  ),
]);

/** Failed requests: a numeric comparison, which yields no required literal at all. */
export const FAILED_REQUEST_IR: Expr = match("responseStatus.code", {
  kind: "number",
  op: "gte",
  value: 400,
});

export const TOKEN_REQUEST_RULE: ScanRule = {
  id: "b622e4fe-a0c3-487c-a6f1-19b0b815da8b",
  title: "Kubernetes Service Account Token Created via TokenRequest API",
  level: "medium",
  ir: TOKEN_REQUEST_IR,
};

export const FAILED_REQUEST_RULE: ScanRule = {
  id: "failed-requests",
  title: "Kubernetes API request failed (status >= 400)",
  level: "informational",
  ir: FAILED_REQUEST_IR,
};

import type { BackendContext } from "../../src/backends/types.js";
import type { Expr } from "../../src/ir.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { ANY, EXISTS, lit, m, pat, T } from "../helpers/ir.js";
import { backendContext, testRule } from "../helpers/rule-context.js";
import { TOKEN_REQUEST_PREFIXES } from "../helpers/token-request.js";

// The Falco tests import the IR builders from here; they are the shared ones.
export { ANY, EXISTS, lit, m, ONE, ORIGIN as origin, pat, T } from "../helpers/ir.js";

export const rule = testRule;

export function context(
  options: BackendContext["options"] = {},
  r: SigmaRule = testRule(),
): BackendContext {
  return backendContext("falco", r, { options });
}

/** The TokenRequest rule's IR, as the front end builds it. */
export function tokenRequestIR(): Expr {
  const user = ([text, star]: readonly [string, boolean]): Expr =>
    m("user.username", pat(star ? [T(text), ANY] : [T(text)], true));
  return {
    kind: "and",
    items: [
      m("verb", lit("create")),
      m("objectRef.resource", lit("serviceaccounts")),
      m("objectRef.subresource", lit("token")),
      m("user.username", EXISTS),
      {
        kind: "not",
        item: {
          kind: "or",
          items: [...TOKEN_REQUEST_PREFIXES.map(user), m("user.username", lit("", true))],
        },
      },
    ],
  };
}

import { describe, expect, it } from "vitest";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import { elasticBackend } from "../../src/backends/elastic/index.js";
import { EQL_CAPABILITIES } from "../../src/backends/elastic/eql/capabilities.js";
import { eqlField } from "../../src/backends/elastic/eql/dialect.js";
import type { BackendContext } from "../../src/backends/types.js";
import type { Expr } from "../../src/ir.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { eqlInterpreter } from "../../src/verify/eql/index.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { replaceDeclared } from "../../src/parity/replace.js";
import { backendContext } from "../helpers/rule-context.js";
import {
  any,
  context,
  eq,
  exists,
  glob,
  m,
  one,
  rule,
  text,
  tokenRequestIR,
} from "./elastic-helpers.js";

const SCOPE = 'any where data_stream.dataset == "kubernetes.audit_logs"';

const eqlContext = (ctx: BackendContext = context()): BackendContext => ({ ...ctx, format: "eql" });

function compile(ir: Expr, ctx = eqlContext()) {
  const lowered = elasticBackend.lower(ir, ctx);
  const failed = lowered.diagnostics.some((d) => d.severity === "error");
  return { ...lowered, query: failed ? "" : elasticBackend.query(lowered.effective, ctx) };
}

/** Warning and error codes (data notes are checked where they matter). */
const codes = (ir: Expr): string[] =>
  compile(ir)
    .diagnostics.filter((d) => d.severity !== "info")
    .map((d) => d.code);

/**
 * The EQL reading of the emitted text equals the effective IR on Elastic's view of each event,
 * and (unless the compile declares a deviation) Sigma's answer on the raw event.
 */
function agrees(ir: Expr, events: readonly unknown[], declared = false): void {
  const { query, deviations } = compile(ir);
  const run = eqlInterpreter.compile(query);
  const sigma = compilePredicate(ir);
  const exact = compilePredicate(replaceDeclared(ir, deviations));
  const seen = elasticBackend.seen(eqlContext());
  for (const e of events) {
    expect(run(elasticView.document(e)), JSON.stringify(e)).toBe(exact(seen(e)));
    if (!declared) expect(exact(seen(e)), JSON.stringify(e)).toBe(sigma(e));
  }
}

describe("EQL lower + query: exact text", () => {
  it("a case-insensitive ASCII value is `:`, exact: no diagnostic", () => {
    const r = compile(eq("objectRef.resource", "Secrets", false));
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.objectRef.resource : "Secrets"`);
    expect(r.diagnostics).toEqual([]);
  });

  it("|cased values are ==, like with wildcards, in for a list, not in for its negation", () => {
    expect(compile(eq("verb", "create")).query).toBe(
      `${SCOPE} and kubernetes.audit.verb == "create"`,
    );
    expect(compile(glob("user.username", [...text("system:node:"), any])).query).toBe(
      `${SCOPE} and user.name like "system:node:*"`,
    );
    const list: Expr = { kind: "or", items: [eq("verb", "get"), eq("verb", "list")] };
    expect(compile(list).query).toBe(`${SCOPE} and kubernetes.audit.verb in ("get", "list")`);
    expect(compile({ kind: "not", item: list }).query).toBe(
      `${SCOPE} and kubernetes.audit.verb not in ("get", "list")`,
    );
  });

  it("case-insensitive values of one field become one `:` list, wildcards included", () => {
    const list: Expr = {
      kind: "or",
      items: [eq("verb", "get", false), glob("verb", [...text("wa"), any], false)],
    };
    expect(compile(list).query).toBe(`${SCOPE} and kubernetes.audit.verb : ("get", "wa*")`);
  });

  it("`k` is not ASCII-exact (Sigma lower-cases the Kelvin sign to k): a regex of classes", () => {
    const r = compile(eq("verb", "ok", false));
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.verb regex "[Oo][Kk\u212a]"`);
    expect(r.diagnostics).toEqual([]);
    agrees(eq("verb", "ok", false), [{ verb: "O\u212a" }, { verb: "OK" }, { verb: "o" }]);
  });

  it("non-ASCII letters become classes; `?` beside a wildcard is declared (İ lower-cases to two)", () => {
    expect(compile(eq("verb", "é", false)).query).toBe(
      `${SCOPE} and kubernetes.audit.verb regex "[Éé]"`,
    );
    expect(codes(glob("verb", [one, any], false))).toEqual(["FIDELITY_CASE_FOLD"]);
  });

  it("a literal * or ? cannot be escaped in `:` or like: == when alone, else regex", () => {
    expect(compile(eq("verb", "a*b")).query).toBe(`${SCOPE} and kubernetes.audit.verb == "a*b"`);
    expect(compile(eq("verb", "a*b", false)).query).toBe(
      `${SCOPE} and kubernetes.audit.verb in~ ("a*b")`,
    );
    expect(compile(glob("verb", [...text("a?"), any])).query).toBe(
      `${SCOPE} and kubernetes.audit.verb regex """a\\?.*"""`,
    );
  });

  it("strings escape quotes, backslashes and controls; C:\\Windows is never a bare backslash escape", () => {
    expect(compile(eq("verb", 'C:\\Windows "x"\n\u202e')).query).toBe(
      `${SCOPE} and kubernetes.audit.verb == "C:\\\\Windows \\"x\\"\\n\\u{202e}"`,
    );
  });

  it("names that are not identifiers or are keywords are backquoted, ` doubled", () => {
    expect(eqlField("kubernetes.audit.annotations.authorization_k8s_io/decision", false)).toBe(
      "kubernetes.audit.annotations.`authorization_k8s_io/decision`",
    );
    expect(eqlField("a.in.b`c.@timestamp", true)).toBe("?a.`in`.`b``c`.@timestamp");
  });

  it("|re is a Lucene regex over the whole value: unanchored sides are padded with .*", () => {
    const re = (source: string): Expr =>
      m("userAgent", { kind: "regex", source, flags: { i: false, m: false, s: false } });
    expect(compile(re("^curl/")).query).toBe(
      `${SCOPE} and user_agent.original regex """curl\\/.*"""`,
    );
    expect(compile(re("x|y$")).query).toBe(
      `${SCOPE} and user_agent.original regex "(.*x.*)|(.*y)"`,
    );
    expect(codes(re("(?<=a)b"))).toEqual(["UNSUPPORTED_REGEX"]);
    expect(codes(re("\\bword"))).toEqual(["UNSUPPORTED_REGEX"]);
  });

  it("a regex that matches true or false also finds a keyword field's JSON booleans: declared", () => {
    const r = compile(
      m("verb", { kind: "regex", source: "^t", flags: { i: false, m: false, s: false } }),
    );
    expect(r.diagnostics.filter((d) => d.severity !== "info").map((d) => d.code)).toEqual([
      "FIDELITY_BOOLEAN_AS_TEXT",
    ]);
    agrees(
      m("verb", { kind: "regex", source: "^t", flags: { i: false, m: false, s: false } }),
      [{ verb: true }, { verb: "tea" }],
      true,
    );
  });

  it("cidr is cidrMatch on the ip field; numbers compare the integer; a keyword's boolean is `:`", () => {
    expect(
      compile(m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 })).query,
    ).toBe(`${SCOPE} and cidrMatch(source.ip, "10.0.0.0/8")`);
    expect(compile(m("responseStatus.code", { kind: "number", op: "gte", value: 400 })).query).toBe(
      `${SCOPE} and kubernetes.audit.responseStatus.code >= 400`,
    );
    expect(compile(m("verb", { kind: "bool", value: true })).query).toBe(
      `${SCOPE} and kubernetes.audit.verb : "true"`,
    );
    agrees(m("verb", { kind: "bool", value: true }), [
      { verb: true },
      { verb: "TRUE" },
      { verb: 1 },
    ]);
  });

  it("exists and null are != null and == null, each the other's negation", () => {
    expect(compile(exists("verb")).query).toBe(`${SCOPE} and kubernetes.audit.verb != null`);
    expect(compile({ kind: "not", item: exists("verb") }).query).toBe(
      `${SCOPE} and kubernetes.audit.verb == null`,
    );
  });

  it("refuses what EQL cannot say, at the predicate: text fields, field comparisons, keywords", () => {
    const groups = eq("user.groups", "system:masters", false);
    const r = compile(groups);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: "UNSUPPORTED_TEXT_FIELD",
        severity: "error",
        loc: groups.origin,
      }),
    ]);
    expect(
      codes(m("verb", { kind: "fieldref", other: "stage", position: "equal", cased: true })),
    ).toEqual(["UNSUPPORTED_FIELDREF"]);
    expect(codes(m(null, { kind: "pattern", pattern: text("x"), cased: false }))).toEqual([
      "UNSUPPORTED_KEYWORDS",
    ]);
  });

  it("fields the mapping does not declare are ?optional, and guarded under not", () => {
    const ctx = eqlContext(backendContext("elastic", rule(), { unmapped: true }));
    const r = compile({ kind: "not", item: eq("Image", "cmd.exe", false) }, ctx);
    expect(r.query).toBe('any where not (?Image != null and ?Image : "cmd.exe")');
  });

  it("the TokenRequest rule is exact: no warning", () => {
    const r = compile(tokenRequestIR());
    expect(r.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(r.query.startsWith(`${SCOPE} and kubernetes.audit.verb == "create"`)).toBe(true);
  });

  it("rates every construct", () => {
    expect(EQL_CAPABILITIES.map((c) => c.construct).sort()).toEqual([...CONSTRUCT_NAMES].sort());
  });
});

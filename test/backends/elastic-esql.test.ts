import { describe, expect, it } from "vitest";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import { ESQL_CAPABILITIES } from "../../src/backends/elastic/esql/capabilities.js";
import { esqlField, esqlIndex, likePattern } from "../../src/backends/elastic/esql/dialect.js";
import { elasticBackend } from "../../src/backends/elastic/index.js";
import type { BackendContext } from "../../src/backends/types.js";
import type { Expr } from "../../src/ir.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { esqlInterpreter } from "../../src/verify/esql/index.js";
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

const FROM = "FROM logs-kubernetes.audit_logs-* METADATA _id, _index, _version";
const WHERE = `${FROM}\n| WHERE data_stream.dataset == "kubernetes.audit_logs" AND`;

const esqlContext = (options: BackendContext["options"] = {}): BackendContext => ({
  ...context(),
  options,
  format: "esql",
});

function compile(ir: Expr, ctx = esqlContext()) {
  const lowered = elasticBackend.lower(ir, ctx);
  const failed = lowered.diagnostics.some((d) => d.severity === "error");
  return { ...lowered, query: failed ? "" : elasticBackend.query(lowered.effective, ctx) };
}

const codes = (ir: Expr, ctx = esqlContext()): string[] =>
  compile(ir, ctx)
    .diagnostics.filter((d) => d.severity !== "info")
    .map((d) => d.code);

/**
 * The ES|QL reading of the text equals the effective IR on ES|QL's view of each event and, for
 * events whose fields hold one value each (`sigma`), Sigma's answer.
 */
function agrees(ir: Expr, events: readonly unknown[], ctx = esqlContext(), sigmaToo = true): void {
  const { query, deviations } = compile(ir, ctx);
  const run = esqlInterpreter.compile(query);
  const sigma = compilePredicate(ir);
  const exact = compilePredicate(replaceDeclared(ir, deviations));
  const seen = elasticBackend.seen(ctx);
  for (const e of events) {
    expect(run(elasticView.document(e)), JSON.stringify(e)).toBe(exact(seen(e)));
    if (sigmaToo) expect(exact(seen(e)), JSON.stringify(e)).toBe(sigma(e));
  }
}

describe("ES|QL lower + query: exact text", () => {
  it("is a non-aggregating rule query: FROM the logsource's indices with METADATA, then WHERE", () => {
    expect(compile(eq("verb", "create")).query).toBe(`${WHERE} kubernetes.audit.verb == "create"`);
  });

  it("case-insensitive values compare the lower-cased field with the lower-cased value, exactly", () => {
    const r = compile(eq("verb", "CrEaTe", false));
    expect(r.query).toBe(`${WHERE} TO_LOWER(kubernetes.audit.verb) == "create"`);
    expect(r.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    agrees(eq("verb", "İk", false), [{ verb: "i\u0307K" }, { verb: "İ\u212a" }, { verb: "ik" }]);
  });

  it("globs are LIKE, with `?` and escaped literal * ? \\", () => {
    expect(compile(glob("verb", [...text("a*\\"), one, any], false)).query).toBe(
      `${WHERE} TO_LOWER(kubernetes.audit.verb) LIKE """a\\*\\\\?*"""`,
    );
    expect(likePattern([...text("x?"), any])).toBe("x\\?*");
  });

  it("literal values of one field in an OR are one IN list; NOT keeps a missing field false", () => {
    const list: Expr = { kind: "or", items: [eq("verb", "get"), eq("verb", "list")] };
    expect(compile(list).query).toBe(`${WHERE} kubernetes.audit.verb IN ("get", "list")`);
    expect(compile({ kind: "not", item: list }).query).toBe(
      `${WHERE} NOT COALESCE(kubernetes.audit.verb IN ("get", "list"), FALSE)`,
    );
    agrees({ kind: "not", item: list }, [{ verb: "get" }, {}, { verb: "x" }]);
    // Several values: null to IN, so false under COALESCE, and the NOT holds (the data note).
    agrees({ kind: "not", item: list }, [{ verb: ["get", "x"] }], esqlContext(), false);
  });

  it("exists and null are IS NOT NULL and IS NULL, each the other's negation", () => {
    expect(compile(exists("verb")).query).toBe(`${WHERE} kubernetes.audit.verb IS NOT NULL`);
    expect(compile({ kind: "not", item: exists("verb") }).query).toBe(
      `${WHERE} kubernetes.audit.verb IS NULL`,
    );
  });

  it("regex is RLIKE (Lucene, whole value); cidr is CIDR_MATCH; numbers compare", () => {
    const re = m("userAgent", {
      kind: "regex",
      source: "^curl/",
      flags: { i: false, m: false, s: false },
    });
    expect(compile(re).query).toBe(`${WHERE} user_agent.original RLIKE """curl\\/.*"""`);
    expect(compile(m("responseStatus.code", { kind: "number", op: "lt", value: 400 })).query).toBe(
      `${WHERE} kubernetes.audit.responseStatus.code < 400`,
    );
  });

  it("a multi-valued field is null to comparisons: noted once per field", () => {
    const r = compile({
      kind: "and",
      items: [eq("verb", "get"), glob("verb", [...text("g"), any])],
    });
    expect(r.diagnostics.filter((d) => d.code === "FIDELITY_MULTI_VALUE")).toHaveLength(1);
    // ["get", "get"] is one keyword value to ES|QL (doc values are a set); ["get", "list"] two.
    agrees(eq("verb", "get", false), [{ verb: ["get", "get"] }]);
    agrees(eq("verb", "get", false), [{ verb: ["get", "list"] }], esqlContext(), false);
    const run = esqlInterpreter.compile(compile(eq("verb", "get", false)).query);
    expect(run(elasticView.document({ verb: ["get", "list"] }))).toBe(false);
  });

  it("list fields need MV_CONTAINS: refused before 9.2, equality only from 9.2", () => {
    const groups = eq("user.groups", "system:masters", false);
    expect(codes(groups)).toEqual(["UNSUPPORTED_MULTI_VALUE"]);
    const v92 = esqlContext({ targetOptions: { "elastic-version": "9.2" } });
    expect(compile(groups, v92).query).toBe(
      `${WHERE} MV_CONTAINS(TO_LOWER(kubernetes.audit.user.groups), "system:masters")`,
    );
    agrees(
      groups,
      [{ user: { groups: ["System:Masters", "x"] } }, { user: { groups: ["y"] } }],
      v92,
    );
    expect(codes(glob("user.groups", [...text("system:"), any]), v92)).toEqual([
      "UNSUPPORTED_MULTI_VALUE",
    ]);
    expect(
      codes(m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 }), v92),
    ).toEqual(["UNSUPPORTED_MULTI_VALUE"]);
  });

  it("a malformed or too old elastic-version is a coded error", () => {
    const bad = esqlContext({ targetOptions: { "elastic-version": "nine" } });
    expect(() => elasticBackend.lower(eq("verb", "x"), bad)).toThrow(/elastic-version 'nine'/);
    const old = esqlContext({ targetOptions: { "elastic-version": "7.17" } });
    expect(() => elasticBackend.lower(eq("verb", "x"), old)).toThrow(/older than 8.11/);
  });

  it("names that are not identifiers or are keywords are backquoted; odd index names quoted", () => {
    expect(esqlField("kubernetes.audit.annotations.authorization_k8s_io/decision")).toBe(
      "kubernetes.audit.annotations.`authorization_k8s_io/decision`",
    );
    expect(esqlField("a.Like.b`c")).toBe("a.`Like`.`b``c`");
    expect(esqlIndex("logs-*")).toBe("logs-*");
    expect(esqlIndex("a|b")).toBe('"a|b"');
  });

  it("a field no logsource mapping declares is warned about once: ES|QL fails on an unknown column", () => {
    const ctx: BackendContext = {
      ...backendContext("elastic", rule(), { unmapped: true }),
      format: "esql",
    };
    const r = compile(
      {
        kind: "and",
        items: [eq("Image", "cmd.exe", false), glob("Image", [any, ...text(".exe")])],
      },
      ctx,
    );
    const warned = r.diagnostics.filter((d) => d.code === "UNDECLARED_FIELD");
    expect(warned.map((d) => d.severity)).toEqual(["warning"]);
    // The fact behind the warning: ES|QL rejects the query where no index maps the field.
    expect(() => esqlInterpreter.compile(r.query)).toThrow(/Unknown column \[Image\]/);
    expect(codes(eq("verb", "create"))).toEqual([]);
  });

  it("the TokenRequest rule is exact: no warning, and its exclusions are kept false when absent", () => {
    const r = compile(tokenRequestIR());
    expect(r.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(r.query).toContain("AND user.name IS NOT NULL AND NOT COALESCE(user.name IN (");
  });

  it("rates every construct", () => {
    expect(ESQL_CAPABILITIES.map((c) => c.construct).sort()).toEqual([...CONSTRUCT_NAMES].sort());
  });
});

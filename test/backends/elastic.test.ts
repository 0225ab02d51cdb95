import { describe, expect, it } from "vitest";
import { elasticBackend } from "../../src/backends/elastic/index.js";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import type { Expr, Test } from "../../src/ir.js";
import { parseKql } from "../../src/verify/kql/parse.js";
import { kqlInterpreter } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { replaceDeclared } from "../../src/parity/replace.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
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

const SCOPE = 'data_stream.dataset:"kubernetes.audit_logs"';

function compile(ir: Expr, ctx = context()) {
  const lowered = elasticBackend.lower(ir, ctx);
  const seen = elasticBackend.seen(ctx);
  const declared = compilePredicate(replaceDeclared(ir, lowered.deviations));
  return {
    ...lowered,
    query: elasticBackend.query(lowered.effective, ctx),
    /** The parity expectation: the declared meaning on the seen event. */
    expected: (raw: unknown) => declared(seen(raw)),
  };
}

function codes(ir: Expr): string[] {
  return compile(ir).diagnostics.map((d) => d.code);
}

describe("elastic lower + query: exact text", () => {
  it("a case-insensitive value on verb is declared: the shipped map assumes nothing about the data", () => {
    const r = compile(eq("verb", "create", false));
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.verb:"create"`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_CASE_SENSITIVE"]);
  });

  it("a field a site declares lower-case-only keeps a case-insensitive value exact", () => {
    const match = eq("verb", "create", false);
    const lowered = elasticBackend.lower(match, context(rule(), { lowercase: ["verb"] }));
    expect(lowered.diagnostics).toEqual([]);
  });

  it("a value without cased letters is exact even case-insensitively", () => {
    const r = compile(eq("objectRef.namespace", "12-3:4", false));
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.objectRef.namespace:"12-3:4"`);
    expect(r.diagnostics).toEqual([]);
  });

  it("a case-insensitive value with letters is declared case-sensitive at its origin", () => {
    const match = eq("objectRef.resource", "Secrets", false);
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.objectRef.resource:"Secrets"`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: "FIDELITY_CASE_SENSITIVE",
      severity: "warning",
      fidelity: true,
      target: "elastic",
      loc: match.origin,
    });
  });

  it("wildcards are unquoted with every special character escaped and spaces as \\u0020", () => {
    const r = compile(glob("requestURI", [any, ...text('a b:(c)<d>"e"{f}\\g*'), any]));
    expect(r.query).toBe(
      `${SCOPE} and kubernetes.audit.requestURI:*a\\u0020b\\:\\(c\\)\\<d\\>\\"e\\"\\{f\\}\\\\g\\**`,
    );
  });

  it("literal values are quoted with backslashes and quotes escaped; * is literal there", () => {
    const r = compile(eq("userAgent", 'x\\"*?\n'));
    expect(r.query).toBe(`${SCOPE} and user_agent.original:"x\\\\\\"*?\\n"`);
  });

  it("? is widened to * and declared", () => {
    const r = compile(glob("user.username", [...text("ab"), one]));
    expect(r.query).toBe(`${SCOPE} and user.name:ab*`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_SINGLE_WILDCARD"]);
  });

  it("edge whitespace of a wildcard value is trimmed and declared", () => {
    const r = compile(glob("user.username", [...text(" a"), any]));
    expect(r.query).toBe(`${SCOPE} and user.name:a*`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_TRIMMED_WHITESPACE"]);
  });

  it("precedence: or under and is parenthesized, not takes a sub-query", () => {
    const ir: Expr = {
      kind: "and",
      items: [
        { kind: "or", items: [eq("verb", "get"), eq("objectRef.resource", "pods")] },
        {
          kind: "not",
          item: { kind: "and", items: [eq("user.username", "a"), eq("objectRef.namespace", "b")] },
        },
      ],
    };
    expect(compile(ir).query).toBe(
      `${SCOPE} and (kubernetes.audit.verb:"get" or kubernetes.audit.objectRef.resource:"pods") and not (user.name:"a" and kubernetes.audit.objectRef.namespace:"b")`,
    );
  });

  it("a top-level or is parenthesized after the scope", () => {
    const ir: Expr = { kind: "or", items: [eq("verb", "get"), eq("objectRef.resource", "pods")] };
    expect(compile(ir).query).toBe(
      `${SCOPE} and (kubernetes.audit.verb:"get" or kubernetes.audit.objectRef.resource:"pods")`,
    );
  });

  it("siblings on one field become a value list", () => {
    const ir: Expr = {
      kind: "or",
      items: [eq("verb", "get"), eq("verb", "list"), eq("objectRef.resource", "pods")],
    };
    expect(compile(ir).query).toBe(
      `${SCOPE} and (kubernetes.audit.verb:("get" or "list") or kubernetes.audit.objectRef.resource:"pods")`,
    );
  });

  it("numbers, ranges, cidr, exists and null", () => {
    const ir: Expr = {
      kind: "and",
      items: [
        m("responseStatus.code", { kind: "number", op: "gte", value: 400 }),
        m("responseStatus.code", { kind: "number", op: "lt", value: 500 }),
        m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 }),
        m("objectRef.name", { kind: "null" }),
      ],
    };
    const r = compile(ir);
    expect(r.query).toBe(
      `${SCOPE} and kubernetes.audit.responseStatus.code >= 400 and kubernetes.audit.responseStatus.code < 500 and source.ip:"10.0.0.0/8" and not kubernetes.audit.objectRef.name:*`,
    );
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["FIDELITY_NUMBER_COERCED", "info"],
      ["FIDELITY_NUMBER_COERCED", "info"],
      ["FIDELITY_IP_ARRAY_DROPPED", "info"],
      ["FIDELITY_EMPTY_DROPPED", "warning"],
    ]);
    expect(compile(m("responseStatus.code", { kind: "number", op: "eq", value: 403 })).query).toBe(
      `${SCOPE} and kubernetes.audit.responseStatus.code:403`,
    );
  });

  it("an unknown logsource passes fields through without scope", () => {
    const ctx = context(rule({ logsource: { product: "windows" } }));
    expect(compile(eq("Image", "C:\\x.exe"), ctx).query).toBe(`Image:"C:\\\\x.exe"`);
  });

  it("text fields are declared", () => {
    expect(codes(eq("user.groups", "system:masters"))).toEqual(["FIDELITY_TEXT_FIELD"]);
  });
});

describe("elastic lower: a text field is matched as KQL matches it (match_phrase)", () => {
  const groups = "kubernetes.audit.user.groups";
  /** What KQL answers, and the parity expectation (the declared phrase on the seen event). */
  const run = (ir: Expr, raw: unknown): { kql: boolean; declared: boolean } => {
    const r = compile(ir);
    return {
      kql: kqlInterpreter.compile(r.query)(elasticView.document(raw)),
      declared: r.expected(raw),
    };
  };
  const withGroups = (...g: string[]) => ({
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    user: { username: "u", groups: g },
  });

  it("a case-insensitive value is the phrase of its lower-cased words, with no false case warning", () => {
    const match = eq("user.groups", "System:Masters", false);
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and ${groups}:"system:masters"`);
    expect(r.effective).toMatchObject({ test: { kind: "phrase", tokens: ["system:masters"] } });
    expect(r.deviations).toEqual([
      { node: match, effective: r.effective, codes: ["FIDELITY_TEXT_FIELD"] },
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.loc])).toEqual([
      ["FIDELITY_TEXT_FIELD", "warning", match.origin],
    ]);
    expect(r.diagnostics[0]!.message).toMatch(/merely contains the phrase/);
  });

  it("the phrase matches in any case, and values that only contain it ('-' splits a word)", () => {
    const ir = eq("user.groups", "system:masters", false);
    for (const [value, holds] of [
      ["System:Masters", true],
      ["SYSTEM:MASTERS", true],
      ["system:masters-readonly", true],
      ["x system:masters", true],
      ["system:mastersx", false],
      ["system.masters", false],
      ["system", false],
    ] as const) {
      expect(run(ir, withGroups(value)), value).toEqual({ kql: holds, declared: holds });
    }
  });

  it("|cased cannot be said on a text field: the same phrase, declared", () => {
    const r = compile(eq("user.groups", "system:nodes", true));
    expect(r.effective).toMatchObject({ test: { kind: "phrase", tokens: ["system:nodes"] } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_TEXT_FIELD"]);
    expect(r.diagnostics[0]!.message).toMatch(/in any case/);
  });

  it("a wildcard on a text field is refused, naming the field", () => {
    for (const pattern of [
      [any, ...text("masters"), any],
      [...text("system:"), any],
      [...text("a"), one],
    ]) {
      const r = elasticBackend.lower(glob("user.groups", pattern, false), context());
      expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
        ["UNSUPPORTED_TEXT_FIELD_WILDCARD", "error"],
      ]);
      expect(r.diagnostics[0]!.message).toContain(groups);
    }
  });

  it("a value with no indexed word, or outside the analyzer model, is refused", () => {
    for (const value of ["---", "日本", "e\u0301"]) {
      const r = elasticBackend.lower(eq("user.groups", value, false), context());
      expect(
        r.diagnostics.map((d) => d.code),
        value,
      ).toEqual(["UNSUPPORTED_TEXT_FIELD_VALUE"]);
    }
  });

  it("match anything stays an exists query", () => {
    const r = compile(glob("user.groups", [any, any], false));
    expect(r.query).toBe(`${SCOPE} and ${groups}:*`);
  });
});

describe("elastic lower: typed fields index what their type parses", () => {
  const code = (test: Test) => m("responseStatus.code", test);

  it("exists on the integer code is declared at its origin: a malformed value is not indexed", () => {
    const match = code({ kind: "exists" });
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.responseStatus.code:*`);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.loc])).toEqual([
      ["FIDELITY_MALFORMED_IGNORED", "warning", match.origin],
      ["FIDELITY_EMPTY_DROPPED", "warning", match.origin],
    ]);
  });

  it("the empty-value guard does not make exists exact on a typed field", () => {
    const ir: Expr = {
      kind: "and",
      items: [exists("sourceIPs"), { kind: "not", item: eq("verb", "") }],
    };
    expect(codes(ir)).toContain("FIDELITY_MALFORMED_IGNORED");
  });

  it("null on the integer code is declared as malformed too", () => {
    expect(codes(code({ kind: "null" }))).toEqual([
      "FIDELITY_EMPTY_DROPPED",
      "FIDELITY_MALFORMED_IGNORED",
    ]);
  });

  it("a number on the integer code is a note: Elasticsearch truncates 0.5 to 0", () => {
    const match = code({ kind: "number", op: "eq", value: 0 });
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.responseStatus.code:0`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: "FIDELITY_NUMBER_COERCED",
      severity: "info",
      fidelity: true,
      loc: match.origin,
    });
  });

  it("a whole-number text on the integer code is compared as a number, declared", () => {
    const r = compile(eq("responseStatus.code", "403"));
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.responseStatus.code:403`);
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      "FIDELITY_NUMERIC_FIELD",
      "FIDELITY_NUMBER_COERCED",
    ]);
  });

  it("cidr on source.ip is a note: the pipeline drops the whole array for one non-address", () => {
    const match = m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 });
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and source.ip:"10.0.0.0/8"`);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.loc])).toEqual([
      ["FIDELITY_IP_ARRAY_DROPPED", "info", match.origin],
    ]);
  });

  it("an address on source.ip carries the array note beside the ip-field warning", () => {
    expect(codes(eq("sourceIPs", "10.0.0.1"))).toEqual([
      "FIDELITY_IP_FIELD",
      "FIDELITY_IP_ARRAY_DROPPED",
    ]);
  });

  it("an ip field that is not filled from a whole array needs no array note", () => {
    const ctx = context(rule(), { wholeArrays: [] });
    const match = m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 });
    expect(elasticBackend.lower(match, ctx).diagnostics).toEqual([]);
  });

  it("a boolean on a boolean field is a note: Elasticsearch does not index the text True", () => {
    const match = m("responseObject.spec.hostNetwork", { kind: "bool", value: true });
    const r = compile(match);
    expect(r.query).toBe(`${SCOPE} and kubernetes.audit.responseObject.spec.hostNetwork:true`);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.loc])).toEqual([
      ["FIDELITY_BOOLEAN_STRICT", "info", match.origin],
    ]);
    const raw = { responseObject: { spec: { hostNetwork: "True" } } };
    expect(kqlInterpreter.compile(r.query)(elasticView.document(raw))).toBe(false);
    expect(r.expected(raw)).toBe(false);
    expect(compilePredicate(match)(raw)).toBe(true);
  });

  it("the three fuzz counterexamples: translation exact, and each deviation declared", () => {
    const cases: [Expr, unknown, boolean][] = [
      [code({ kind: "exists" }), { responseStatus: { code: "a" } }, false],
      [code({ kind: "number", op: "eq", value: 0 }), { responseStatus: { code: 0.5 } }, true],
      [
        m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 }),
        { sourceIPs: ["a", "10.0.0.1"] },
        false,
      ],
    ];
    for (const [ir, raw, elasticAnswer] of cases) {
      const r = compile(ir);
      const got = kqlInterpreter.compile(r.query)(elasticView.document(raw));
      expect(got).toBe(elasticAnswer);
      expect(r.expected(raw)).toBe(elasticAnswer);
      // Sigma says the opposite on the raw event, so a fidelity diagnostic must be there.
      expect(compilePredicate(ir)(raw)).toBe(!elasticAnswer);
      expect(r.diagnostics.some((d) => d.fidelity)).toBe(true);
    }
  });
});

describe("elastic lower: what KQL cannot say", () => {
  it.each([
    [
      m("userAgent", { kind: "regex", source: "^curl", flags: { i: false, m: false, s: false } }),
      "UNSUPPORTED_REGEX",
    ],
    [
      m("userAgent", { kind: "fieldref", other: "verb", position: "equal", cased: true }),
      "UNSUPPORTED_FIELDREF",
    ],
    [m("stageTimestamp", { kind: "timepart", part: "hour", value: 3 }), "UNSUPPORTED_TIMEPART"],
    [m(null, { kind: "pattern", pattern: text("evil"), cased: true }), "UNSUPPORTED_KEYWORDS"],
    [
      m("userAgent", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 }),
      "UNSUPPORTED_CIDR",
    ],
    [m("userAgent", { kind: "number", op: "gt", value: 3 }), "UNSUPPORTED_NUMBER"],
    [glob("responseStatus.code", [...text("4"), any]), "UNSUPPORTED_PATTERN"],
    [eq("nosuchfield", "x"), "UNMAPPED_FIELD"],
  ])("%# is an error at the predicate", (match, code) => {
    const r = elasticBackend.lower(match, context());
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: "error", code, loc: match.origin });
  });

  it("an empty value alone can never match on Elastic", () => {
    const r = elasticBackend.lower(eq("user.username", ""), context());
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      "FIDELITY_EMPTY_DROPPED",
      "RULE_NEVER_MATCHES",
    ]);
  });

  it("exists without the empty guard is declared", () => {
    expect(codes(exists("user.username"))).toEqual(["FIDELITY_EMPTY_DROPPED"]);
  });

  it("the capability table names every construct once", () => {
    expect(elasticBackend.capabilities.map((c) => c.construct).sort()).toEqual(
      [...CONSTRUCT_NAMES].sort(),
    );
  });
});

describe("special characters mean themselves", () => {
  const specials = [
    "\\",
    "(",
    ")",
    ":",
    "<",
    ">",
    '"',
    "*",
    "{",
    "}",
    " ",
    "\t",
    "\r",
    "\n",
    "\u00a0",
    "?",
    "é",
    "😀",
    "or",
    "and",
    "not",
    "AND",
    "NOT",
    "OR",
    "null",
    "true",
    "\\not",
    "\\u0041",
    "\\n",
  ];
  it.each(specials)("%j in a quoted and in a wildcard value", (c) => {
    const quoted = compile(eq("userAgent", `a${c}b`)).query;
    const qAst = parseKql(quoted);
    expect(qAst).toMatchObject({
      kind: "and",
      items: [{}, { kind: "is", value: { kind: "string", text: `a${c}b`, quoted: true } }],
    });
    const wild = compile(glob("userAgent", [...text(`a ${c} b`), any])).query;
    const wAst = parseKql(wild);
    expect(wAst).toMatchObject({
      kind: "and",
      items: [
        {},
        {
          kind: "is",
          value: { kind: "wildcard", parts: [{ kind: "text", text: `a ${c} b` }, { kind: "any" }] },
        },
      ],
    });
  });
});

describe("the TokenRequest rule", () => {
  const SHIPPED = `data_stream.dataset:"kubernetes.audit_logs" and 
kubernetes.audit.verb:"create" and
kubernetes.audit.objectRef.resource:"serviceaccounts" and
kubernetes.audit.objectRef.subresource:"token" and
user.name:(* and not 
 (system\\:kube-controller-manager or
  system\\:kube-scheduler or
  system\\:node\\:* or
  system\\:serviceaccount\\:kube-system\\:* or
  eks\\:* or
  aksService or
  aks-service or
  masterclient or
  nodeclient or
  system\\:serviceaccount\\:gke-managed-system\\:* or
  system\\:serviceaccount\\:gke-connect\\:* or
  system\\:serviceaccount\\:anthos-identity-service\\:* or
  system\\:gke-controller-manager or
  system\\:serviceaccount\\:tigera-operator\\:* or
  system\\:serviceaccount\\:calico-system\\:*))`;

  const r = compile(tokenRequestIR());

  it("prints the shipped shape with a value list", () => {
    expect(r.query).toBe(
      `${SCOPE} and kubernetes.audit.verb:"create" and kubernetes.audit.objectRef.resource:"serviceaccounts" and kubernetes.audit.objectRef.subresource:"token" and user.name:(* and not ("system:kube-controller-manager" or "system:kube-scheduler" or system\\:node\\:* or system\\:serviceaccount\\:kube-system\\:* or eks\\:* or "aksService" or "aks-service" or "masterclient" or "nodeclient" or system\\:serviceaccount\\:gke-managed-system\\:* or system\\:serviceaccount\\:gke-connect\\:* or system\\:serviceaccount\\:anthos-identity-service\\:* or "system:gke-controller-manager" or system\\:serviceaccount\\:tigera-operator\\:* or system\\:serviceaccount\\:calico-system\\:*))`,
    );
  });

  it("is exact: no fidelity diagnostic (API identifiers and exclusions are |cased)", () => {
    expect(r.diagnostics).toEqual([]);
  });

  /** A canonical form of the AST: values as text, and/or flattened and sorted. */
  function canon(text: string): string {
    const walk = (n: ReturnType<typeof parseKql>): string => {
      switch (n.kind) {
        case "and":
        case "or": {
          const items = n.items
            .flatMap((i) => (i.kind === n.kind ? (i.items as typeof n.items) : [i]))
            .map(walk);
          return `${n.kind}(${items.sort().join(",")})`;
        }
        case "not":
          return `not(${walk(n.item)})`;
        case "is": {
          const f = n.field?.kind === "string" ? n.field.text : "?";
          const v = n.value;
          const val =
            v.kind === "string"
              ? `=${v.text}`
              : v.kind === "wildcard"
                ? `~${v.parts.map((p) => (p.kind === "any" ? "*" : p.text)).join("")}`
                : `${v.value}`;
          return `${f}${val}`;
        }
        default:
          return n.kind;
      }
    };
    return walk(parseKql(text));
  }

  it("has the same AST as Elastic's shipped query, modulo ordering and grouping", () => {
    expect(canon(r.query)).toBe(canon(SHIPPED));
  });

  it("agrees with the shipped query on events", () => {
    const ours = kqlInterpreter.compile(r.query);
    const theirs = kqlInterpreter.compile(SHIPPED);
    const doc = (user: string | undefined, verb = "create", sub = "token") => ({
      data_stream: { dataset: "kubernetes.audit_logs" },
      kubernetes: { audit: { verb, objectRef: { resource: "serviceaccounts", subresource: sub } } },
      ...(user === undefined ? {} : { user: { name: user } }),
    });
    const docs = [
      doc("alice"),
      doc(undefined),
      doc("system:node:worker-1"),
      doc("System:node:worker-1"),
      doc("eks:x"),
      doc("EKS:x"),
      doc("aksService"),
      doc("aksservice"),
      doc("system:kube-scheduler"),
      doc("system:kube-scheduler2"),
      doc("alice", "get"),
      doc("alice", "create", "status"),
      doc("system:serviceaccount:kube-system:foo"),
      doc("system:serviceaccount:default:foo"),
    ];
    const results = docs.map((d) => [ours(d), theirs(d)]);
    for (const [a, b] of results) expect(a).toBe(b);
    expect(results.map(([a]) => a)).toEqual([
      true,
      false,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import { splunkBackend } from "../../src/backends/splunk/index.js";
import { jsToPcre } from "../../src/backends/splunk/pcre.js";
import { splInterpreter } from "../../src/verify/spl/index.js";
import type { BackendContext } from "../../src/backends/types.js";
import { DiagnosticError } from "../../src/diagnostics.js";
import { and, not, or, type Expr, type Test } from "../../src/ir.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import type { Loc } from "../../src/source.js";
import { ANY, lit, m, ONE, pat, T } from "../helpers/ir.js";
import { backendContext, testRule } from "../helpers/rule-context.js";

function context(
  options: BackendContext["options"] = {},
  r: SigmaRule = testRule(),
): BackendContext {
  return backendContext("splunk", r, { options });
}

/**
 * Lower and print. Only the scalar-name data notes may come with it (a scalar-mapped field is read
 * under its one name); which fields get them, and where, is tested under "lowering".
 */
function spl(ir: Expr, ctx: BackendContext = context()): string {
  const { effective, diagnostics } = splunkBackend.lower(ir, ctx);
  expect(
    diagnostics.filter((d) => !(d.code === "FIDELITY_SCALAR_NAME" && d.severity === "info")),
  ).toEqual([]);
  return splunkBackend.query(effective, ctx);
}

const SCOPE = 'sourcetype="kube:apiserver-audit"';

describe("capabilities", () => {
  it("rates every construct once", () => {
    expect(splunkBackend.capabilities.map((c) => c.construct).sort()).toEqual(
      [...CONSTRUCT_NAMES].sort(),
    );
  });
});

describe("search part", () => {
  it("puts case-insensitive literals in search, scope first, explicit AND", () => {
    expect(spl(and([m("verb", lit("create")), m("objectRef.resource", lit("pods"))]))).toBe(
      // "pods" has an s, which folds to ſ too: the folding search term is only a prefilter and
      // where checks the lower-case classes; both fields are mapped as scalars: one name each.
      `${SCOPE} AND verb="create" AND objectRef.resource="pods" | where isnotnull(mvfind('objectRef.resource', "\\\\A[Pp][Oo][Dd][Ss]\\\\z"))`,
    );
  });

  it("quotes field names with {} or / and keeps end wildcards", () => {
    // user.groups is mapped as an array (user.groups{}): read under both names, array name first.
    expect(spl(m("user.groups", pat([T("create:"), ANY])))).toBe(
      `${SCOPE} AND ("user.groups{}"="create:*" OR user.groups="create:*")`,
    );
    expect(spl(m("annotations.authorization.k8s.io/decision", lit("allow")))).toBe(
      `${SCOPE} AND "annotations.authorization.k8s.io/decision"="allow"`,
    );
    expect(spl(m("userAgent", pat([ANY, T("curl"), ANY])))).toBe(`${SCOPE} AND userAgent="*curl*"`);
  });

  it("parenthesizes OR inside AND (search binds OR tighter)", () => {
    const ir = and([
      m("verb", lit("get")),
      or([m("objectRef.resource", lit("pod")), m("objectRef.resource", lit("node"))]),
    ]);
    const text = spl(ir);
    expect(text).toBe(
      `${SCOPE} AND verb="get" AND (objectRef.resource="pod" OR objectRef.resource="node")`,
    );
    const run = splInterpreter.compile(text);
    const scope = { sourcetype: ["kube:apiserver-audit"] };
    expect(run({ ...scope, verb: ["get"], "objectRef.resource": ["node"] })).toBe(true);
    // The verb term constrains both alternatives.
    expect(run({ ...scope, verb: ["list"], "objectRef.resource": ["node"] })).toBe(false);
    const ir2 = or([and([m("verb", lit("a")), m("stage", lit("b"))]), not(m("level", lit("c")))]);
    const text2 = spl(ir2);
    expect(text2).toBe(`${SCOPE} AND ((verb="a" AND stage="b") OR NOT level="c")`);
    const run2 = splInterpreter.compile(text2);
    expect(run2({ ...scope, verb: ["a"], stage: ["b"], level: ["c"] })).toBe(true);
    expect(run2({ ...scope, verb: ["a"], level: ["c"] })).toBe(false);
    // NOT level="c" alone suffices: the AND must not swallow the OR (verb AND (stage OR NOT level)).
    expect(run2({ ...scope, stage: ["b"] })).toBe(true);
  });

  it("writes booleans as their text ('false' has an s, so where checks its classes)", () => {
    expect(spl(m("requestObject.spec.hostNetwork", { kind: "bool", value: true }))).toBe(
      `${SCOPE} AND requestObject.spec.hostNetwork="true"`,
    );
    expect(spl(m("requestObject.spec.hostPID", { kind: "bool", value: false }))).toBe(
      `${SCOPE} AND requestObject.spec.hostPID="false" | where isnotnull(mvfind('requestObject.spec.hostPID', "\\\\A[Ff][Aa][Ll][Ss][Ee]\\\\z"))`,
    );
  });

  it("takes the scope from --option scope, or none", () => {
    expect(spl(m("verb", lit("get")), context({ targetOptions: { scope: "`kube_audit`" } }))).toBe(
      '`kube_audit` AND verb="get"',
    );
    expect(
      spl(
        m("verb", lit("get")),
        context({ targetOptions: { scope: 'source="kubernetes" index=k8s' } }),
      ),
    ).toBe('(source="kubernetes" index=k8s) AND verb="get"');
    expect(spl(m("verb", lit("get")), context({ targetOptions: { scope: "" } }))).toBe(
      'verb="get"',
    );
  });
});

describe("where part", () => {
  it("moves |cased, ?, inner *, literal * and unsafe text to where as anchored PCRE", () => {
    // A scalar-mapped field is one mvfind on its one name: an atom, no parentheses.
    const one = (f: string, re: string): string => `isnotnull(mvfind('${f}', "${re}"))`;
    expect(spl(m("user.username", lit("system:kube-scheduler", true)))).toBe(
      // The folding twin also goes to search: a superset, so the same result, index-assisted.
      `${SCOPE} AND user.username="system:kube-scheduler" | where ${one("user.username", "^system:kube-scheduler\\\\z")}`,
    );
    // An array-mapped field is read under both names: `f{}` first, then the lone value `f`.
    expect(spl(m("user.groups", lit("system:masters", true)))).toBe(
      `${SCOPE} AND ("user.groups{}"="system:masters" OR user.groups="system:masters") | where (${one("user.groups{}", "^system:masters\\\\z")} OR ${one("user.groups", "^system:masters\\\\z")})`,
    );
    // A case-insensitive `?` is the lower-case classes with `[^İ]` (İ lower-cases to two); the
    // text around it still gives search terms (a value matching g?t starts with g and ends in t).
    expect(spl(m("verb", pat([T("g"), ONE, T("t")])))).toBe(
      `${SCOPE} AND verb="g*" AND verb="*t" | where ${one("verb", "\\\\A[Gg][^\\\\x{130}][Tt]\\\\z")}`,
    );
    expect(spl(m("verb", pat([T("ab"), ANY, T("cd")])))).toBe(
      `${SCOPE} AND verb="ab*" AND verb="*cd" | where ${one("verb", "(?is)^ab.*cd\\\\z")}`,
    );
    expect(spl(m("verb", lit("a*b")))).toBe(
      `${SCOPE} AND verb="a*" AND verb="*b" | where ${one("verb", "(?i)^a\\\\*b\\\\z")}`,
    );
    // A control character could be written \uXXXX by the event's JSON writer: where only.
    expect(spl(m("verb", lit("a\nb")))).toBe(
      `${SCOPE} AND verb="a*" AND verb="*b" | where ${one("verb", "(?i)^a\\\\x{a}b\\\\z")}`,
    );
    expect(spl(m("verb", lit("<&>")))).toBe(`${SCOPE} | where ${one("verb", "(?i)^<&>\\\\z")}`);
  });

  it("keeps quotes and backslashes in search: they break index terms in the raw text too", () => {
    const text = spl(m("verb", lit('ay "hi"\\')));
    expect(text).toBe(`${SCOPE} AND verb="ay \\"hi\\"\\\\"`);
    const run = splInterpreter.compile(text);
    const scope = { sourcetype: ["kube:apiserver-audit"] };
    expect(run({ ...scope, verb: ['AY "hi"\\'] })).toBe(true);
    expect(run({ ...scope, verb: ['ay "hi"'] })).toBe(false);
  });

  it("splits a top-level AND between search and where", () => {
    const ir = and([
      m("verb", lit("create")),
      m("user.username", lit("x", true)),
      not(m("user.username", lit("", true))),
    ]);
    expect(spl(ir)).toBe(
      `${SCOPE} AND verb="create" AND user.username="x" | where isnotnull(mvfind('user.username', "^x\\\\z")) AND NOT isnotnull(mvfind('user.username', "^\\\\z"))`,
    );
  });

  it("merges an OR of patterns on one field into one alternation", () => {
    const ir = not(
      or([m("user.username", lit("a", true)), m("user.username", pat([T("b:"), ANY], true))]),
    );
    expect(spl(ir)).toBe(
      `${SCOPE} | where NOT isnotnull(mvfind('user.username', "(?s)^(?:a|b:.*)\\\\z"))`,
    );
    // On an array-mapped field the one alternation is tried under both names.
    const groups = not(
      or([m("user.groups", lit("a", true)), m("user.groups", pat([T("b:"), ANY], true))]),
    );
    expect(spl(groups)).toBe(
      `${SCOPE} | where NOT (isnotnull(mvfind('user.groups{}', "(?s)^(?:a|b:.*)\\\\z")) OR isnotnull(mvfind('user.groups', "(?s)^(?:a|b:.*)\\\\z")))`,
    );
  });

  it("writes null (every name read is null), numbers and regexes", () => {
    const lowered = (ir: Expr): string => {
      const ctx = context();
      return splunkBackend.query(splunkBackend.lower(ir, ctx).effective, ctx);
    };
    // A JSON null is extracted as the text "null": on a scalar field, null also reads that text.
    expect(lowered(m("verb", { kind: "null" }))).toBe(
      `${SCOPE} | where isnull('verb') OR isnotnull(mvfind('verb', "^null\\\\z"))`,
    );
    expect(lowered(m("user.groups", { kind: "null" }))).toBe(
      `${SCOPE} | where (isnull('user.groups{}') AND isnull('user.groups'))`,
    );
    expect(spl(m("responseStatus.code", { kind: "number", op: "gte", value: 400 }))).toBe(
      `${SCOPE} | where isnotnull(mvfilter(match('responseStatus.code', "^-?[0-9]+(\\\\.[0-9]+)?([eE][-+]?[0-9]+)?\\\\z") AND tonumber('responseStatus.code') >= 400))`,
    );
    expect(
      spl(
        m("userAgent", {
          kind: "regex",
          source: "^kubectl/v1\\.2\\d$",
          flags: { i: true, m: false, s: false },
        }),
      ),
    ).toBe(
      `${SCOPE} | where isnotnull(mvfind('userAgent', "(?i)\\\\Akubectl/v1\\\\.2\\\\d\\\\z"))`,
    );
  });

  it("keeps an escaped '-' inside a regex class a literal, not a range", () => {
    const re: Test = {
      kind: "regex",
      source: "^[a\\-z]$",
      flags: { i: false, m: false, s: false },
    };
    const run = splInterpreter.compile(spl(m("verb", re)));
    const scope = { sourcetype: ["kube:apiserver-audit"] };
    for (const [verb, hit] of [
      ["a", true],
      ["-", true],
      ["z", true],
      ["b", false],
    ] as const)
      expect(run({ ...scope, verb: [verb] }), verb).toBe(hit);
  });

  it("IPv6 networks outside ::ffff:0:0/96 use cidrmatch on every value", () => {
    expect(spl(m("sourceIPs", { kind: "cidr", network: "fd00::", prefix: 8, version: 6 }))).toBe(
      `${SCOPE} | where (isnotnull(mvfilter(cidrmatch("fd00::/8", 'sourceIPs{}'))) OR isnotnull(mvfilter(cidrmatch("fd00::/8", 'sourceIPs'))))`,
    );
  });

  it("constants become true()/false()", () => {
    expect(spl({ kind: "const", value: false })).toBe(`${SCOPE} | where false()`);
  });
});

describe("lowering", () => {
  it("refuses keywords, field references, time parts and IPv6 networks with codes at the origin", () => {
    const ctx = context();
    const codes = (ir: Expr): string[] =>
      splunkBackend.lower(ir, ctx).diagnostics.map((d) => `${d.code}@${d.loc?.line}:${d.loc?.col}`);
    expect(codes(m(null, lit("x")))).toEqual(["UNSUPPORTED_KEYWORD@3:7"]);
    // verb, stageTimestamp and userAgent are scalar-mapped: each also gets its one data note.
    expect(
      codes(m("verb", { kind: "fieldref", other: "stage", position: "equal", cased: false })),
    ).toEqual(["FIDELITY_SCALAR_NAME@3:7", "UNSUPPORTED_FIELDREF@3:7"]);
    expect(codes(m("stageTimestamp", { kind: "timepart", part: "hour", value: 3 }))).toEqual([
      "FIDELITY_SCALAR_NAME@3:7",
      "UNSUPPORTED_TIMEPART@3:7",
    ]);
    expect(codes(m("sourceIPs", { kind: "cidr", network: "::", prefix: 0, version: 6 }))).toEqual([
      "UNSUPPORTED_CIDR_IPV6@3:7",
    ]);
    expect(
      codes(
        m("userAgent", {
          kind: "regex",
          source: "(a)\\1",
          flags: { i: false, m: false, s: false },
        }),
      ),
    ).toEqual(["FIDELITY_SCALAR_NAME@3:7", "UNSUPPORTED_REGEX@3:7"]);
    expect(codes(m("nosuch.field", lit("x")))).toEqual(["UNMAPPED_FIELD@3:7"]);
  });

  it("notes a scalar-mapped field once per rule, at its first predicate; array-mapped never", () => {
    const at = (line: number, col: number): Loc => ({
      offset: line * 100 + col,
      length: 1,
      line,
      col,
    });
    const mAt = (field: string, test: Test, loc: Loc): Expr => ({
      kind: "match",
      field,
      test,
      origin: loc,
    });
    const ir = and([
      mAt("user.groups", lit("a"), at(1, 1)),
      not(mAt("verb", lit("get"), at(2, 3))),
      mAt("verb", { kind: "null" }, at(4, 5)),
      mAt("sourceIPs", { kind: "exists" }, at(5, 1)),
      or([mAt("user.username", lit("u"), at(6, 2)), mAt("verb", lit("list"), at(7, 9))]),
    ]);
    const { diagnostics } = splunkBackend.lower(ir, context());
    expect(
      diagnostics.map((d) => [d.code, d.severity, d.fidelity, d.loc?.line, d.loc?.col]),
    ).toEqual([
      ["FIDELITY_SCALAR_NAME", "info", true, 2, 3],
      ["FIDELITY_EMPTY_VALUE", "info", true, 4, 5],
      ["FIDELITY_NULL_TEXT", "info", true, 4, 5],
      ["FIDELITY_EMPTY_VALUE", "info", true, 5, 1],
      ["FIDELITY_NULL_TEXT", "info", true, 5, 1],
      ["FIDELITY_SCALAR_NAME", "info", true, 6, 2],
    ]);
    expect(diagnostics[0]?.message).toContain("'verb{}'");
    expect(diagnostics[5]?.message).toContain("'user.username'");
    // Without a field map a name passes through; `{}` in it decides the same way.
    const bare = context({}, testRule({ logsource: { product: "unmapped" } }));
    expect(bare.mapping).toBeUndefined();
    const codes = (field: string): string[] =>
      splunkBackend.lower(m(field, lit("x")), bare).diagnostics.map((d) => d.code);
    expect(codes("tags{}")).toEqual([]);
    expect(codes("tags")).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(spl(m("tags{}", lit("x")), bare)).toBe(`("tags{}"="x" OR tags="x")`);
    expect(spl(m("tags", lit("x")), bare)).toBe(`tags="x"`);
  });

  it("declares the IPv4 network deviation and lowers it to a dotted-quad regex", () => {
    const ctx = context();
    const { effective, diagnostics } = splunkBackend.lower(
      m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 }),
      ctx,
    );
    expect(diagnostics.map((d) => [d.code, d.severity, d.fidelity, d.target])).toEqual([
      ["FIDELITY_CIDR_IPV4_TEXT", "warning", true, "splunk"],
    ]);
    const any = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    expect(effective).toEqual(
      m("sourceIPs", {
        kind: "regex",
        source: `^10\\.${any}\\.${any}\\.${any}$`,
        flags: { i: false, m: false, s: false },
      }),
    );
  });
});

describe("JavaScript regex → PCRE", () => {
  const f = { i: false, m: false, s: false };
  it("spells out what differs", () => {
    expect(jsToPcre("a.b$", f)).toEqual({ ok: true, pcre: "a[^\\n\\r\\x{2028}\\x{2029}]b\\z" });
    expect(jsToPcre("a.b", { ...f, s: true })).toEqual({ ok: true, pcre: "a[\\d\\D]b" });
    expect(jsToPcre("^x$", { ...f, m: true })).toEqual({
      ok: true,
      pcre: "(?:\\A|(?<=[\\n\\r\\x{2028}\\x{2029}]))x(?=[\\n\\r\\x{2028}\\x{2029}]|\\z)",
    });
    expect(jsToPcre("\\u00e9\\x41[\\]a-]", f)).toEqual({ ok: true, pcre: "\\x{e9}\\x{41}[\\]a-]" });
  });
});

describe("savedsearches artifact", () => {
  it("writes one stanza with schedule, severity and continued multi-line description", () => {
    const ctx = context(
      {},
      testRule({ title: "Token via API", description: "line one\nline two", level: "high" }),
    );
    const q = spl(m("verb", lit("create")), ctx);
    expect(splunkBackend.artifact("savedsearches", q, m("verb", lit("create")), ctx)).toBe(
      [
        "[Token via API]",
        `search = ${SCOPE} AND verb="create"`,
        "description = line one\\",
        "line two",
        "disabled = 0",
        "enableSched = 1",
        "cron_schedule = */5 * * * *",
        "dispatch.earliest_time = -10m",
        "dispatch.latest_time = now",
        "alert.severity = 5",
        "alert.track = 1",
        "alert.digest_mode = 0",
        "alert_type = number of events",
        "counttype = number of events",
        "relation = greater than",
        "quantity = 0",
        "",
      ].join("\n"),
    );
  });

  it("refuses a description line ending in a backslash", () => {
    const ctx = context({}, testRule({ description: "a\\\nb" }));
    expect(() => splunkBackend.artifact("savedsearches", "x", m("verb", lit("x")), ctx)).toThrow(
      DiagnosticError,
    );
  });
});

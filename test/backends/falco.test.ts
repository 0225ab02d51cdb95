import { load } from "js-yaml";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { falcoBackend } from "../../src/backends/falco/index.js";
import { falcoTag } from "../../src/backends/falco/artifact.js";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import type { BackendContext } from "../../src/backends/types.js";
import { DiagnosticError } from "../../src/diagnostics.js";
import { FALSE, TRUE, and, not, or, type Expr } from "../../src/ir.js";
import { testRule } from "../helpers/rule-context.js";
import {
  ANY,
  EXISTS,
  ONE,
  T,
  context,
  lit,
  m,
  origin,
  pat,
  rule,
  tokenRequestIR,
} from "./falco-helpers.js";

/**
 * The per-field data-shape notes (non-string values read as JSON text, list fields only from
 * non-empty arrays) come with every value test; the "shape notes" tests below assert them.
 */
const SHAPE_NOTES = new Set(["FIDELITY_JSON_TEXT", "FIDELITY_LIST_SHAPE"]);
const withoutShapeNotes = <D extends { code: string }>(ds: readonly D[]): D[] =>
  ds.filter((d) => !SHAPE_NOTES.has(d.code));

function falco(ir: Expr, ctx: BackendContext = context()): string {
  const { effective, diagnostics } = falcoBackend.lower(ir, ctx);
  expect(withoutShapeNotes(diagnostics)).toEqual([]);
  return falcoBackend.query(effective, ctx);
}

function codes(ir: Expr, ctx: BackendContext = context()): string[] {
  return withoutShapeNotes(falcoBackend.lower(ir, ctx).diagnostics).map(
    (d) => `${d.severity}:${d.code}`,
  );
}

describe("capabilities", () => {
  it("rates every construct once", () => {
    expect(falcoBackend.capabilities.map((c) => c.construct).sort()).toEqual(
      [...CONSTRUCT_NAMES].sort(),
    );
  });
});

describe("values", () => {
  it("writes cased values with the plainest operator", () => {
    expect(falco(m("verb", lit("create", true)))).toBe('ka.verb = "create"');
    expect(falco(m("user.username", pat([T("system:"), ANY], true)))).toBe(
      'ka.user.name startswith "system:"',
    );
    expect(falco(m("requestURI", pat([ANY, T("/token")], true)))).toBe('ka.uri endswith "/token"');
    expect(falco(m("userAgent", pat([ANY, T("curl"), ANY], true)))).toBe(
      'ka.useragent contains "curl"',
    );
    expect(falco(m("user.username", lit("", true)))).toBe('ka.user.name = ""');
    expect(falco(m("requestURI", pat([T("/api/"), ANY, T("/x")], true)))).toBe(
      'ka.uri glob "/api/*/x"',
    );
  });

  it("needs no folding for values without letters", () => {
    expect(falco(m("objectRef.name", lit("1-2:3")))).toBe('ka.target.name = "1-2:3"');
  });

  it("folds ASCII letters with bracket sets, icontains for *x*", () => {
    expect(falco(m("verb", lit("Get")))).toBe('ka.verb glob "[gG][eE][tT]"');
    expect(falco(m("userAgent", pat([ANY, T("curl/"), ANY])))).toBe(
      'ka.useragent icontains "curl/"',
    );
  });

  it("adds the KELVIN SIGN and İ spellings that lower-case into k and i", () => {
    expect(falco(m("objectRef.subresource", lit("tok")))).toBe(
      'ka.target.subresource glob "[tT][oO][kK]" or ka.target.subresource glob "[tT][oO]\u212A"',
    );
    expect(
      falco(and([m("verb", lit("get", true)), m("user.username", pat([T("admi"), ANY]))])),
    ).toBe(
      'ka.verb = "get" and (ka.user.name glob "[aA][dD][mM][iI]*" or ka.user.name glob "[aA][dD][mM]\u0130*")',
    );
  });

  it("escapes quotes, backslashes and control characters inside strings", () => {
    expect(falco(m("user.username", lit('a"b\\c*?[(x) and y', true)))).toBe(
      'ka.user.name = "a\\"b\\\\c*?[(x) and y"',
    );
    expect(falco(m("user.username", lit("l1\nl2\tx\r", true)))).toBe(
      'ka.user.name = "l1\\nl2\\tx\\r"',
    );
  });

  it("writes fnmatch specials as one-character sets, and a trailing backslash as a glob", () => {
    expect(falco(m("user.username", pat([T("x*?[\\"), ANY], true)))).toBe(
      'ka.user.name glob "x[*][?][[][\\\\\\\\]*"',
    );
    expect(falco(m("user.username", lit("a\\", true)))).toBe('ka.user.name glob "a[\\\\\\\\]"');
  });

  it("gathers exact values of one field into in (…) and list fields into intersects (…)", () => {
    expect(
      falco(
        or([
          m("verb", lit("get", true)),
          m("verb", lit("list", true)),
          m("stage", lit("Panic", true)),
        ]),
      ),
    ).toBe('ka.verb in ("get", "list") or ka.stage = "Panic"');
    expect(
      falco(
        or([m("user.groups", lit("system:masters", true)), m("user.groups", lit("a b", true))]),
      ),
    ).toBe('ka.user.groups intersects ("system:masters", "a b")');
    expect(falco(m("user.groups", lit("system:masters", true)))).toBe(
      'ka.user.groups intersects ("system:masters")',
    );
  });
});

describe("structure", () => {
  it("parenthesizes by libsinsp precedence only", () => {
    const a = m("verb", lit("a", true));
    const b = m("verb", lit("b", true));
    const c = m("stage", lit("c", true));
    const d = m("level", lit("d", true));
    expect(falco(and([or([a, c]), not(and([b, d]))]))).toBe(
      '(ka.verb = "a" or ka.stage = "c") and not (ka.verb = "b" and json.value[/level] = "d")',
    );
    expect(falco(or([and([a, c]), not(b)]))).toBe(
      'ka.verb = "a" and ka.stage = "c" or not ka.verb = "b"',
    );
  });

  it("writes constants as a tautology / contradiction on ka.auditid", () => {
    expect(falco(TRUE)).toBe("(ka.auditid exists or not ka.auditid exists)");
    expect(falco(FALSE)).toBe("(ka.auditid exists and not ka.auditid exists)");
  });

  it("encodes exists and null around the text null", () => {
    const ctx = context();
    const lowered = falcoBackend.lower(m("user.username", EXISTS), ctx);
    expect(lowered.diagnostics.map((d) => [d.severity, d.code, d.fidelity, d.loc])).toEqual([
      ["info", "FIDELITY_NULL_TEXT", true, origin],
    ]);
    expect(falcoBackend.query(lowered.effective, ctx)).toBe(
      'ka.user.name exists and not ka.user.name = "null"',
    );
    const nul = falcoBackend.lower(m("user.username", { kind: "null" }), ctx);
    expect(falcoBackend.query(nul.effective, ctx)).toBe(
      'not ka.user.name exists or ka.user.name = "null"',
    );
    // ka.user.groups is unavailable for [] or a non-list: its presence field reads the whole value.
    const groups = falcoBackend.lower(m("user.groups", EXISTS), ctx);
    expect(groups.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ["info", "FIDELITY_NULL_TEXT"],
    ]);
    expect(falcoBackend.query(groups.effective, ctx)).toBe(
      'json.value[/user/groups] exists and not json.value[/user/groups] = "null"',
    );
    const noGroups = falcoBackend.lower(m("user.groups", { kind: "null" }), ctx);
    expect(falcoBackend.query(noGroups.effective, ctx)).toBe(
      'not json.value[/user/groups] exists or json.value[/user/groups] = "null"',
    );
    expect(falcoBackend.query(not(noGroups.effective), ctx)).toBe(
      'not (not json.value[/user/groups] exists or json.value[/user/groups] = "null")',
    );
  });

  it("writes booleans as a folded word", () => {
    expect(falco(m("requestObject.spec.hostNetwork", { kind: "bool", value: true }))).toBe(
      'ka.req.pod.host_network glob "[tT][rR][uU][eE]"',
    );
  });
});

describe("shape notes: what k8saudit does to non-string values", () => {
  const at = (line: number): typeof origin => ({ ...origin, line });
  const notes = (ir: Expr): string[] =>
    falcoBackend
      .lower(ir, context())
      .diagnostics.map((d) => `${d.severity}:${d.code}@${d.loc?.line ?? "?"}`);
  const on = (field: string, test: Parameters<typeof m>[1], line: number): Expr => ({
    kind: "match",
    field,
    test,
    origin: at(line),
  });

  it("declares JSON text once per scalar field, at its first value test", () => {
    const ir = and([
      on("verb", lit("get", true), 4),
      on("verb", lit("list", true), 5),
      on("objectRef.resource", lit("pods", true), 6),
      on("user.username", EXISTS, 7),
    ]);
    expect(notes(ir)).toEqual([
      "info:FIDELITY_JSON_TEXT@4",
      "info:FIDELITY_JSON_TEXT@6",
      "info:FIDELITY_NULL_TEXT@7",
    ]);
  });

  it("keeps a JSON null out of a value that would match the text null", () => {
    const ctx = context();
    const star = falcoBackend.lower(m("verb", pat([ANY])), ctx);
    expect(falcoBackend.query(star.effective, ctx)).toBe(
      'ka.verb glob "*" and not ka.verb = "null"',
    );
    expect(star.diagnostics.map((d) => [d.severity, d.code, d.fidelity, d.loc])).toEqual([
      ["info", "FIDELITY_JSON_TEXT", true, origin],
      ["info", "FIDELITY_NULL_TEXT", true, origin],
    ]);
    const prefix = falcoBackend.lower(m("user.username", pat([T("n"), ANY], true)), ctx);
    expect(falcoBackend.query(prefix.effective, ctx)).toBe(
      'ka.user.name startswith "n" and not ka.user.name = "null"',
    );
    // "create" cannot read "null": no guard, no null note.
    expect(notes(m("verb", lit("create")))).toEqual(["info:FIDELITY_JSON_TEXT@3"]);
  });

  it("leaves the word null itself unguarded and says that a JSON null matches it", () => {
    const ctx = context();
    const l = falcoBackend.lower(m("responseStatus.code", lit("null", true)), ctx);
    expect(falcoBackend.query(l.effective, ctx)).toBe('ka.response.code = "null"');
    expect(l.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_JSON_TEXT", "FIDELITY_NULL_TEXT"]);
    expect(l.diagnostics[1]?.message).toContain("also matches a JSON null");
  });

  it("declares the list shape of a list field for value tests, and for exists without a presence field", () => {
    expect(notes(m("user.groups", lit("system:masters", true)))).toEqual([
      "info:FIDELITY_LIST_SHAPE@3",
    ]);
    // ka.req.role.rules.verbs flattens rules[*].verbs: no one json.value holds the whole.
    expect(notes(m("requestObject.rules.verbs", EXISTS))).toEqual(["info:FIDELITY_LIST_SHAPE@3"]);
    expect(notes(m("user.groups", EXISTS))).toEqual(["info:FIDELITY_NULL_TEXT@3"]);
  });

  it("adds nothing to element-wise fields, whose bounded-elements note covers them", () => {
    const ctx = context({ targetOptions: { "array-elements": "2" } });
    const l = falcoBackend.lower(m("sourceIPs", pat([ANY], true)), ctx);
    expect(falcoBackend.query(l.effective, ctx)).toBe(
      'json.value[/sourceIPs/0] glob "*" or json.value[/sourceIPs/1] glob "*"',
    );
    expect(l.diagnostics.map((d) => d.code)).toEqual(["FIDELITY_ELEMENTS_BOUNDED"]);
  });

  it("adds no note to a predicate Falco refuses", () => {
    expect(
      falcoBackend
        .lower(
          m("verb", { kind: "regex", source: "\\ba", flags: { i: false, m: false, s: false } }),
          context(),
        )
        .diagnostics.map((d) => d.code),
    ).toEqual(["UNSUPPORTED_REGEX"]);
  });
});

describe("declared deviations and unsupported constructs", () => {
  it("widens ? to * with a warning at the origin", () => {
    const ctx = context();
    const l = falcoBackend.lower(m("verb", pat([T("g"), ONE, T("t")], true)), ctx);
    expect(
      withoutShapeNotes(l.diagnostics).map((d) => [
        d.code,
        d.severity,
        d.target,
        d.loc?.line,
        d.loc?.col,
      ]),
    ).toEqual([["FIDELITY_ONE_CHAR_WILDCARD", "warning", "falco", 3, 7]]);
    expect(falcoBackend.query(l.effective, ctx)).toBe('ka.verb glob "g*t"');
  });

  it("matches numbers as text", () => {
    const ctx = context();
    const l = falcoBackend.lower(
      m("responseStatus.code", { kind: "number", op: "eq", value: 403 }),
      ctx,
    );
    expect(withoutShapeNotes(l.diagnostics).map((d) => d.code)).toEqual([
      "FIDELITY_NUMBER_AS_TEXT",
    ]);
    expect(falcoBackend.query(l.effective, ctx)).toBe('ka.response.code = "403"');
  });

  it("matches case-sensitively what Falco cannot fold", () => {
    expect(codes(m("user.username", lit("élan")))).toEqual(["warning:FIDELITY_CASE_SENSITIVE"]);
    expect(codes(m("user.groups", lit("Admins")))).toEqual(["warning:FIDELITY_CASE_SENSITIVE"]);
    expect(codes(m("userAgent", lit("kkkkk")))).toEqual(["warning:FIDELITY_CASE_SENSITIVE"]);
  });

  it("refuses what Falco cannot say", () => {
    expect(codes(m("user.groups", pat([T("system:"), ANY], true)))).toEqual([
      "error:UNSUPPORTED_LIST_FIELD_WILDCARD",
    ]);
    expect(
      codes(m("user.groups", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 })),
    ).toEqual(["error:UNSUPPORTED_CIDR"]);
    expect(
      codes(m("userAgent", { kind: "cidr", network: "fd00::", prefix: 8, version: 6 })),
    ).toEqual(["error:UNSUPPORTED_CIDR_IPV6"]);
    expect(codes(m("user.groups", { kind: "number", op: "gte", value: 400 }))).toEqual([
      "error:UNSUPPORTED_NUMBER_COMPARISON",
    ]);
    expect(codes(m("responseStatus.code", { kind: "number", op: "gte", value: 2 ** 60 }))).toEqual([
      "error:UNSUPPORTED_NUMBER_COMPARISON",
    ]);
    expect(
      codes(
        m("verb", { kind: "regex", source: "(?<=a)get", flags: { i: false, m: false, s: false } }),
      ),
    ).toEqual(["error:UNSUPPORTED_REGEX"]);
    expect(
      codes(m("verb", { kind: "fieldref", other: "stage", position: "equal", cased: true })),
    ).toEqual(["error:UNSUPPORTED_FIELDREF"]);
    expect(codes(m("stageTimestamp", { kind: "timepart", part: "hour", value: 3 }))).toEqual([
      "error:UNSUPPORTED_TIMEPART",
    ]);
    expect(codes(m(null, lit("evil")))).toEqual(["error:UNSUPPORTED_KEYWORDS"]);
    expect(codes(m("verb", lit("a\0b", true)))).toEqual(["error:UNSUPPORTED_NUL_CHARACTER"]);
    expect(codes(m("user.groups", lit("a b\\", true)))).toEqual([
      "error:UNSUPPORTED_TRAILING_BACKSLASH",
    ]);
  });

  it("names an unmapped field with its position", () => {
    try {
      falcoBackend.lower(m("nope.field", lit("x")), context());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DiagnosticError);
      expect((e as DiagnosticError).diagnostic.code).toBe("UNMAPPED_FIELD");
      expect((e as DiagnosticError).diagnostic.loc).toEqual(origin);
    }
  });

  it("checks the falco-version option", () => {
    expect(codes(TRUE, context({ targetOptions: { "falco-version": "latest" } }))).toEqual([
      "error:INVALID_TARGET_OPTION",
    ]);
    expect(codes(TRUE, context({ targetOptions: { "falco-version": "0.35.1" } }))).toEqual([
      "error:UNSUPPORTED_FALCO_VERSION",
    ]);
    expect(codes(TRUE, context({ targetOptions: { "falco-version": "0.39.2" } }))).toEqual([]);
  });
});

const TOKEN_RULE = rule({
  title: "Kubernetes Service Account Token Created via TokenRequest API",
  description: "A service account token was requested through the TokenRequest API.",
  tags: ["attack.credential_access", "attack.t1552.007"],
  level: "medium",
});

const EXPECTED_TOKEN_QUERY =
  'ka.verb glob "[cC][rR][eE][aA][tT][eE]"' +
  ' and ka.target.resource glob "[sS][eE][rR][vV][iI][cC][eE][aA][cC][cC][oO][uU][nN][tT][sS]"' +
  ' and (ka.target.subresource glob "[tT][oO][kK][eE][nN]" or ka.target.subresource glob "[tT][oO]\u212A[eE][nN]")' +
  ' and ka.user.name exists and not ka.user.name = "null"' +
  ' and not (ka.user.name in ("system:kube-controller-manager", "system:kube-scheduler", "aksService", "aks-service",' +
  ' "masterclient", "nodeclient", "system:gke-controller-manager", "")' +
  ' or ka.user.name startswith "system:node:"' +
  ' or ka.user.name startswith "system:serviceaccount:kube-system:"' +
  ' or ka.user.name startswith "eks:"' +
  ' or ka.user.name startswith "system:serviceaccount:gke-managed-system:"' +
  ' or ka.user.name startswith "system:serviceaccount:gke-connect:"' +
  ' or ka.user.name startswith "system:serviceaccount:anthos-identity-service:"' +
  ' or ka.user.name startswith "system:serviceaccount:tigera-operator:"' +
  ' or ka.user.name startswith "system:serviceaccount:calico-system:")';

describe("the TokenRequest rule", () => {
  const ctx = context({}, TOKEN_RULE);
  const lowered = falcoBackend.lower(tokenRequestIR(), ctx);

  it("is exact apart from the info notes on null text and JSON text", () => {
    // All predicates share one origin here, so the per-field JSON-text note appears once.
    expect(lowered.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual([
      "info:FIDELITY_JSON_TEXT",
      "info:FIDELITY_NULL_TEXT",
    ]);
    expect(falcoBackend.query(lowered.effective, ctx)).toBe(EXPECTED_TOKEN_QUERY);
  });

  it("puts the exact exclusions into an appendable list and macro", async () => {
    const text = falcoBackend.artifact("rules", "", lowered.effective, ctx);
    expect(await prettier.check(text, { parser: "yaml", printWidth: 100 })).toBe(true);
    const items = load(text) as Record<string, unknown>[];
    const stem = "kubernetes_service_account_token_created_via_tokenrequest_user_name";
    expect(items[0]).toEqual({
      required_plugin_versions: [
        { name: "k8saudit", version: "0.7.0" },
        { name: "json", version: "0.7.0" },
      ],
    });
    expect(items[1]).toEqual({
      list: `${stem}_excluded_values`,
      items: [
        '"system:kube-controller-manager"',
        '"system:kube-scheduler"',
        '"aksService"',
        '"aks-service"',
        '"masterclient"',
        '"nodeclient"',
        '"system:gke-controller-manager"',
        '""',
      ],
    });
    expect(
      (items[2] as { condition: string }).condition.startsWith(
        `ka.user.name in (${stem}_excluded_values) or `,
      ),
    ).toBe(true);
    const r = items[3]!;
    expect(r.rule).toBe(TOKEN_RULE.title);
    expect(r.priority).toBe("WARNING");
    expect(r.source).toBe("k8s_audit");
    expect(r.tags).toEqual(["k8s", "mitre_credential_access", "T1552.007"]);
    expect(String(r.condition).endsWith(`and not ${stem}_excluded`)).toBe(true);
    expect(String(r.output)).toContain("%ka.user.name");
    expect(Object.keys(r)).toEqual([
      "rule",
      "desc",
      "condition",
      "output",
      "priority",
      "source",
      "tags",
    ]);
  });

  it("writes a falco.yaml snippet that loads both plugins", async () => {
    const text = falcoBackend.artifact("config", "", lowered.effective, ctx);
    expect(await prettier.check(text, { parser: "yaml", printWidth: 100 })).toBe(true);
    expect(load(text)).toEqual({
      plugins: [
        {
          name: "k8saudit",
          library_path: "libk8saudit.so",
          init_config: "",
          open_params: "http://:9765/k8s-audit",
        },
        { name: "json", library_path: "libjson.so", init_config: "" },
      ],
      load_plugins: ["k8saudit", "json"],
      rules_files: [
        "/etc/falco/rules.d/kubernetes_service_account_token_created_via_tokenrequest.yaml",
      ],
    });
    const older = falcoBackend.artifact(
      "config",
      "",
      lowered.effective,
      context({ targetOptions: { "falco-version": "0.37.0" } }, TOKEN_RULE),
    );
    expect(Object.keys(load(older) as object)).toContain("rules_file");
  });

  it("inlines the exclusion when a value would collide with the list name", () => {
    const stem = "test_rule_user_name_excluded_values";
    const ir = and([
      m("verb", lit("get", true)),
      not(
        or([
          m("user.username", lit("a", true)),
          m("user.username", pat([T(`x ${stem} `), ANY], true)),
        ]),
      ),
    ]);
    const c = context();
    const l = falcoBackend.lower(ir, c);
    const items = load(falcoBackend.artifact("rules", "", l.effective, c)) as Record<
      string,
      unknown
    >[];
    expect(items.map((i) => Object.keys(i)[0])).toEqual(["required_plugin_versions", "rule"]);
    expect(items[1]!.condition).toBe(
      `ka.verb = "get" and not (ka.user.name = "a" or ka.user.name startswith "x ${stem} ")`,
    );
  });
});

describe("rules file text", () => {
  // The YAML holds the condition exactly: whatever quoting style the writer picks for a string
  // with quotes and characters YAML must escape, reading the file back gives the query.
  it.each(['say "hi" and "bye"\u0007', '"a"\u0085"b"', '"x"\t"y"', '"x"\u2028'])(
    "%j survives the rules file",
    (value) => {
      const ctx = context();
      const lowered = falcoBackend.lower(m("verb", lit(value, true)), ctx);
      const query = falcoBackend.query(lowered.effective, ctx);
      const text = falcoBackend.artifact("rules", query, lowered.effective, ctx);
      const items = load(text) as Record<string, unknown>[];
      const rule = items.find((x) => "rule" in x);
      expect(rule?.["condition"]).toBe(query);
    },
  );

  it("a description with quotes and a control character reads back as written", () => {
    const description = 'say "hi" and "bye"\u0007 \u0085';
    const ctx = context({}, testRule({ description }));
    const lowered = falcoBackend.lower(m("verb", lit("get", true)), ctx);
    const query = falcoBackend.query(lowered.effective, ctx);
    const items = load(falcoBackend.artifact("rules", query, lowered.effective, ctx)) as Record<
      string,
      unknown
    >[];
    expect(items.find((x) => "rule" in x)?.["desc"]).toBe(description);
  });
});

describe("tags", () => {
  it("maps ATT&CK tags to Falco's style", () => {
    expect(falcoTag("attack.t1552.007")).toBe("T1552.007");
    expect(falcoTag("attack.privilege-escalation")).toBe("mitre_privilege_escalation");
    expect(falcoTag("cve.2021-1234")).toBe("cve.2021-1234");
  });
});

import { describe, expect, it } from "vitest";
import { quote } from "../../src/backends/falco/constants.js";
import { parseCondition } from "../../src/verify/falco/ast.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { resolveList } from "../../src/verify/falco/lists.js";
import { ParseError } from "../../src/verify/types.js";
import { falcoDocument } from "../../src/verify/views/falco.js";
import { seenOf } from "../helpers/seen.js";

/** The Falco backend's claim of what its conditions see (checked against the view by parity). */
const falcoSeen = seenOf("falco");

const run = (text: string, doc: unknown): boolean => falcoInterpreter.compile(text)(doc);

function parseError(text: string): { line: number; col: number; message: string } {
  try {
    falcoInterpreter.compile(text);
  } catch (e) {
    if (e instanceof ParseError) return { line: e.line, col: e.col, message: e.message };
    throw e;
  }
  throw new Error(`no ParseError for ${text}`);
}

describe("grammar: every special character reads back as itself", () => {
  const specials = [
    '"',
    "\\",
    "'",
    "(",
    ")",
    ",",
    "=",
    " ",
    ":",
    "|",
    "*",
    "?",
    "\n",
    "\t",
    "\r",
    "and",
    "or",
    "not",
    "AND",
    "in",
    "é\u212A",
    "a\\b",
  ];
  for (const s of specials) {
    it(JSON.stringify(s), () => {
      const node = parseCondition(
        `ka.user.name = ${quote(`x${s}y`)} and ka.verb in (${quote(`${s}z`)}, "z")`,
      );
      expect(node).toMatchObject({
        kind: "and",
        items: [
          { kind: "str", op: "=", value: `x${s}y` },
          { kind: "list", op: "in", values: [`${s}z`, "z"] },
        ],
      });
    });
  }

  it("reads bare values in value position, keywords elsewhere", () => {
    expect(parseCondition("ka.verb = and or ka.verb=or")).toMatchObject({
      kind: "or",
      items: [
        { kind: "str", value: "and" },
        { kind: "str", value: "or" },
      ],
    });
    expect(parseCondition("not not ka.verb exists")).toMatchObject({ kind: "exists" });
    expect(parseCondition("not(ka.verb exists)")).toMatchObject({
      kind: "not",
      item: { kind: "exists" },
    });
  });

  it("cannot close a string after a backslash, as libsinsp", () => {
    // "a\\" does not end at its last quote: the whole rest is still inside the string.
    expect(parseError('ka.verb = "a\\\\" and ka.stage = "b"')).toMatchObject({ line: 1 });
    expect(parseCondition('ka.verb = "a\\\\" and x = "')).toMatchObject({
      kind: "str",
      value: 'a\\" and x = ',
    });
  });
});

describe("interpreter rejects text outside the subset, with a position", () => {
  it.each([
    ["ka.verb = x and ka.nope = y", 1, 17],
    ["tolower(ka.verb) = get", 1, 8],
    ["ka.verb = x and\n ka.user.groups = a", 2, 2],
    ['ka.verb = "\\q"', 1, 12],
    ['ka.verb glob "[[:alpha:]]"', 1, 1],
    ["ka.verb pmatch (a)", 1, 1],
    ["ka.verb = x and my_macro", 1, 17],
    ["ka.verb bcontains 0a", 1, 1],
    ["ka.target.name[0] = a", 1, 1],
    ["ka.verb = ", 1, 11],
  ])("%j", (text, line, col) => {
    expect(parseError(text)).toMatchObject({ line, col });
  });
});

const EVENT = {
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  auditID: "a1",
  stage: "ResponseComplete",
  stageTimestamp: "2024-01-02T03:04:05.123456Z",
  verb: "create",
  requestURI: "/api/v1/namespaces/default/serviceaccounts/sa/token",
  user: { username: null, groups: ["system:nodes", "system:authenticated"] },
  objectRef: { resource: "serviceaccounts", subresource: "token", name: "sa", apiGroup: "" },
  responseStatus: { code: 201 },
  sourceIPs: ["10.0.0.1"],
  annotations: { "authorization.k8s.io/decision": "allow" },
  requestObject: { spec: { hostNetwork: true }, data: { b: 1, a: "x" } },
};

describe("semantics on the k8saudit document", () => {
  const doc = falcoDocument(EVENT);

  it("renders values as the plugin does", () => {
    expect(doc).toMatchObject({
      "ka.user.name": "null",
      "ka.response.code": "201",
      "ka.req.pod.host_network": "true",
      "ka.req.configmap.obj": '{"b":1,"a":"x"}',
      "ka.user.groups": ["system:nodes", "system:authenticated"],
      "ka.auth.decision": "allow",
      "json.value[/objectRef/apiGroup]": "",
    });
    expect(doc).not.toHaveProperty("ka.sourceips");
    expect(doc).not.toHaveProperty("ka.impuser.name");
  });

  it("compares case-sensitively, icontains folds ASCII only", () => {
    expect(run('ka.verb = "Create"', doc)).toBe(false);
    expect(run('ka.verb icontains "REAT"', doc)).toBe(true);
    expect(run('ka.uri icontains "É"', { "ka.uri": "é" })).toBe(false);
  });

  it("globs over bytes: * crosses /, ? is one byte, [\\\\] is a backslash", () => {
    expect(run('ka.uri glob "/api/*/token"', doc)).toBe(true);
    expect(run('ka.verb glob "?"', { "ka.verb": "é" })).toBe(false);
    expect(run('ka.verb glob "??"', { "ka.verb": "é" })).toBe(true);
    expect(run('ka.verb glob "a[\\\\\\\\]"', { "ka.verb": "a\\" })).toBe(true);
    expect(run('ka.verb glob "a[*]"', { "ka.verb": "ab" })).toBe(false);
  });

  it("treats unavailable fields as false comparisons", () => {
    expect(run('ka.impuser.name = "x"', doc)).toBe(false);
    expect(run('not ka.impuser.name = "x"', doc)).toBe(true);
    expect(run('ka.impuser.name != "x"', doc)).toBe(false);
    expect(run("ka.sourceips exists", doc)).toBe(false);
  });

  it("lists: in means every value, intersects any value", () => {
    expect(run('ka.user.groups in ("system:nodes")', doc)).toBe(false);
    expect(run('ka.user.groups intersects ("system:nodes")', doc)).toBe(true);
    expect(run('ka.user.groups in ("system:nodes", "system:authenticated", "x")', doc)).toBe(true);
  });

  it("compares < > as strings", () => {
    expect(run("ka.response.code >= 400", { "ka.response.code": "1000" })).toBe(false);
    expect(run("ka.response.code > 200", doc)).toBe(true);
  });

  it("gates ka.* on auditID and drops what the event source drops", () => {
    const { auditID: _drop, ...noId } = EVENT;
    void _drop;
    expect(falcoDocument(noId)).toEqual(
      expect.not.objectContaining({ "ka.verb": expect.anything() }),
    );
    expect(falcoDocument(noId)).toHaveProperty(["json.value[/verb]"], "create");
    expect(falcoDocument({ ...EVENT, kind: "EventList" })).toBeNull();
    expect(falcoDocument({ ...EVENT, stageTimestamp: "yesterday" })).toBeNull();
    expect(run("ka.verb exists or not ka.verb exists", null)).toBe(false);
  });

  it("shows the evaluator the values Falco reads, under Sigma names", () => {
    expect(falcoSeen(EVENT)).toMatchObject({
      "user.username": "null",
      "responseStatus.code": "201",
      "objectRef.apiGroup": "",
      "annotations.authorization.k8s.io/decision": "allow",
    });
    // sourceIPs is read through the json plugin: the whole array as its JSON text, and each
    // element under F.N (ka.sourceips, plugin bug #236, is never used).
    expect(falcoSeen(EVENT)).toMatchObject({
      sourceIPs: '["10.0.0.1"]',
      "sourceIPs.0": "10.0.0.1",
    });
    expect(Object.keys(falcoSeen(EVENT) ?? {}).filter((k) => k.startsWith("sourceIPs"))).toEqual([
      "sourceIPs",
      "sourceIPs.0",
    ]);
    expect(falcoSeen({ ...EVENT, user: { username: "a\0b", groups: [] } })).toMatchObject({
      "user.username": "a",
    });
    // ka.user.groups is unavailable for [] or a non-list, but json.value[/user/groups] (its
    // presence field, read by exists / null) is there: present with no values. A JSON null or
    // the text "null" reads as missing.
    expect(falcoSeen({ ...EVENT, user: { username: "a", groups: [] } })).toHaveProperty(
      ["user.groups"],
      [],
    );
    expect(falcoSeen({ ...EVENT, user: { groups: "x" } })).toHaveProperty(["user.groups"], []);
    expect(falcoSeen({ ...EVENT, user: { groups: null } })).not.toHaveProperty("user.groups");
    expect(falcoSeen({ ...EVENT, user: { groups: "null" } })).not.toHaveProperty("user.groups");
    expect(falcoSeen({ ...EVENT, user: {} })).not.toHaveProperty("user.groups");
  });

  // Go's time.Parse(time.RFC3339Nano, …) as the k8saudit event source calls it: a calendar date
  // and a time of day in range, or the event is never delivered. Both the view and the backend's
  // seen claim must drop what Go refuses (a rule can then never fire on it).
  it.each([
    ["2024-02-29T23:59:59Z", true],
    ["2024-12-31T00:00:00.5+05:30", true],
    ["2024-01-01T00:00:00-23:59", true],
    ["2024-01-01T00:00:00Zjunk", false],
    ["x2024-01-01T00:00:00Z", false],
    ["yesterday", false],
    ["2023-02-29T00:00:00Z", false],
    ["2024-13-01T00:00:00Z", false],
    ["2024-00-10T00:00:00Z", false],
    ["2024-04-31T00:00:00Z", false],
    ["2024-04-00T00:00:00Z", false],
    ["2024-01-01T24:00:00Z", false],
    ["2024-01-01T00:60:00Z", false],
    ["2024-01-01T00:00:60Z", false],
  ])("stageTimestamp %j is delivered: %s", (stageTimestamp, delivered) => {
    const raw = { ...EVENT, stageTimestamp };
    expect(falcoDocument(raw) !== null).toBe(delivered);
    expect(falcoSeen(raw) !== null).toBe(delivered);
  });
});

describe("rules files", () => {
  it("expands lists textually (nested ones too) and macros in the AST", () => {
    const text = [
      "- list: base",
      '  items: ["a b", c]',
      "- list: names",
      "  items: [base, '\"d,e\"']",
      "- macro: named",
      "  condition: ka.user.name in (names)",
      "- rule: R",
      "  desc: d",
      "  condition: ka.verb = get and not named",
      "  output: o",
      "  priority: WARNING",
      "  source: k8s_audit",
    ].join("\n");
    const f = falcoInterpreter.compile(text);
    expect(f({ "ka.verb": "get", "ka.user.name": "a b" })).toBe(false);
    expect(f({ "ka.verb": "get", "ka.user.name": "d,e" })).toBe(false);
    expect(f({ "ka.verb": "get", "ka.user.name": "base" })).toBe(true);
  });

  it("substitutes a list name even inside a quoted value, as Falco does", () => {
    expect(resolveList('ka.user.name = "x names y"', "names", ["q"])).toBe(
      'ka.user.name = "x q y"',
    );
    expect(resolveList('ka.user.name = "xnames"', "names", ["q"])).toBe('ka.user.name = "xnames"');
  });

  it("requires the rule keys and skips disabled rules and other sources", () => {
    expect(
      parseError("- rule: R\n  desc: d\n  condition: ka.verb = get\n  priority: WARNING\n").message,
    ).toContain("output");
    const both = [
      "- rule: off",
      "  desc: d",
      "  condition: ka.verb = get",
      "  output: o",
      "  priority: WARNING",
      "  source: k8s_audit",
      "  enabled: false",
      "- rule: other",
      "  desc: d",
      "  condition: ka.verb = get",
      "  output: o",
      "  priority: WARNING",
      "  source: aws_cloudtrail",
    ].join("\n");
    // A field the rule's source does not have refuses the file, as Falco's loader does.
    expect(parseError(both).message).toContain("does not exist in event source 'aws_cloudtrail'");
    const other = both.replace(
      "condition: ka.verb = get\n  output: o\n  priority: WARNING\n  source: aws",
      "condition: ct.name = get\n  output: o\n  priority: WARNING\n  source: aws",
    );
    // The other source's rule runs only on its own source's events.
    expect(run(other, { "ka.verb": "get", "ct.name": "get" })).toBe(false);
    expect(run(other, { "evt.source": "aws_cloudtrail", "ct.name": "get" })).toBe(true);
    expect(parseError(both.split("- rule: other")[0]!).message).toContain("no enabled rule");
  });
});

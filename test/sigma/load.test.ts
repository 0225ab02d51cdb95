import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadSigmaFile, LOAD_CODES, type LoadResult } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";

/** Lines joined with LF and a final newline, so line numbers in the tests are the array indexes + 1. */
const lines = (...ls: string[]): string => ls.join("\n") + "\n";
const load = (text: string): LoadResult => loadSigmaFile(sourceFromText("rule.yml", text));

/** "CODE line:col" for every diagnostic, to compare with hand-computed positions. */
const where = (ds: readonly Diagnostic[]): string[] =>
  ds.map((d) => `${d.code} ${d.loc?.line}:${d.loc?.col}`);
const errors = (r: LoadResult): string[] =>
  where(r.diagnostics.filter((d) => d.severity === "error"));
const warnings = (r: LoadResult): string[] =>
  where(r.diagnostics.filter((d) => d.severity === "warning"));

const LOGSOURCE = ["logsource:", "  product: kubernetes", "  service: audit"];
const DETECTION = ["detection:", "  selection:", "    verb: create", "  condition: selection"];
const rule = (...head: string[]): string => lines(...head, ...LOGSOURCE, ...DETECTION);

describe("loadSigmaFile: required keys", () => {
  it("reports a missing title at the start of the document", () => {
    const r = load(lines("id: 5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60", ...LOGSOURCE, ...DETECTION));
    expect(errors(r)).toEqual(["RULE_MISSING_KEY 1:1"]);
    expect(r.diagnostics[0]?.message).toContain("'title'");
    expect(r.documents).toEqual([]);
  });

  it("reports a missing logsource at the start of the document", () => {
    const r = load(lines("", "title: No logsource", ...DETECTION));
    expect(errors(r)).toEqual(["RULE_MISSING_KEY 2:1"]);
    expect(r.diagnostics[0]?.message).toContain("'logsource'");
  });

  it("reports a missing detection at the start of the document", () => {
    const r = load(lines("title: No detection", ...LOGSOURCE));
    expect(errors(r)).toEqual(["RULE_MISSING_KEY 1:1"]);
    expect(r.diagnostics[0]?.message).toContain("'detection'");
  });

  it("reports a missing condition at the detection key, naming a misspelling", () => {
    const r = load(
      lines(
        "title: t",
        ...LOGSOURCE,
        "detection:",
        "  selection:",
        "    verb: create",
        "  condtion: selection",
      ),
    );
    expect(errors(r)).toEqual(["RULE_MISSING_CONDITION 5:1"]);
    expect(r.diagnostics[0]?.message).toContain(
      "'condtion' looks like a misspelling of 'condition'",
    );
  });

  it("needs at least one of category, product, service in logsource", () => {
    const r = load(lines("title: t", "logsource:", "  definition: audit logs on", ...DETECTION));
    expect(errors(r)).toEqual(["RULE_LOGSOURCE_EMPTY 2:1"]);
  });

  it("needs a search identifier besides the condition", () => {
    const r = load(lines("title: t", ...LOGSOURCE, "detection:", "  condition: selection"));
    expect(errors(r)).toEqual(["RULE_NO_SEARCH_IDENTIFIER 5:1"]);
  });

  it("reports a search identifier without a value at its key", () => {
    const r = load(
      lines("title: t", ...LOGSOURCE, "detection:", "  selection:", "  condition: selection"),
    );
    expect(errors(r)).toEqual(["RULE_EMPTY_SEARCH_IDENTIFIER 6:3"]);
  });

  it("reports an empty condition", () => {
    const r = load(lines("title: t", ...LOGSOURCE, "detection:", "  sel: [a]", "  condition: ''"));
    expect(errors(r)).toEqual(["RULE_EMPTY_CONDITION 7:15"]);
  });
});

describe("loadSigmaFile: values", () => {
  it("rejects an id that is not a UUID, at the value", () => {
    const r = load(rule("title: t", "id: 1234-not-a-uuid"));
    expect(errors(r)).toEqual(["RULE_BAD_ID 2:5"]);
  });

  it("accepts a UUID of any version in upper case", () => {
    const r = load(rule("title: t", "id: 5A3D6C1E-7F2B-1C8A-9E0D-1B2C3D4E5F60"));
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]?.id).toBe("5A3D6C1E-7F2B-1C8A-9E0D-1B2C3D4E5F60");
  });

  it("rejects an unknown status and suggests the closest one", () => {
    const r = load(rule("title: t", "status: experimantal"));
    expect(errors(r)).toEqual(["RULE_BAD_STATUS 2:9"]);
    expect(r.diagnostics[0]?.message).toContain("did you mean 'experimental'?");
  });

  it("rejects an unknown level", () => {
    const r = load(rule("title: t", "level: severe"));
    expect(errors(r)).toEqual(["RULE_BAD_LEVEL 2:8"]);
  });

  it("rejects a tag without a namespace at the tag, and only warns about an upper-case tag", () => {
    const r = load(
      rule("title: t", "tags:", "  - attack.t1059", '  - "no namespace"', "  - attack.T1059"),
    );
    expect(errors(r)).toEqual(["RULE_BAD_TAG 4:6"]);
    expect(warnings(r)).toEqual(["RULE_TAG_STYLE 5:5"]);
  });

  it("keeps a document whose only problem is an odd tag", () => {
    const r = load(rule("title: t", "tags: [attack.T1059]"));
    expect(warnings(r)).toEqual(["RULE_TAG_STYLE 2:8"]);
    expect(r.documents[0]?.tags).toEqual(["attack.T1059"]);
  });

  it("rejects an impossible date at the value", () => {
    const r = load(rule("title: t", "date: 2024-13-01", "modified: 2024/02/30"));
    expect(errors(r)).toEqual(["RULE_BAD_DATE 2:7", "RULE_BAD_DATE 3:11"]);
  });

  it("normalizes YYYY/MM/DD dates to dashes", () => {
    const r = load(rule("title: t", "date: 2024/02/29", "modified: 2024-03-01"));
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]).toMatchObject({ date: "2024-02-29", modified: "2024-03-01" });
  });

  it("rejects a title that is a list, at the list", () => {
    const r = load(rule("title:", "  - one", "  - two"));
    expect(errors(r)).toEqual(["RULE_TYPE 2:3"]);
    expect(r.diagnostics[0]?.message).toBe("'title' must be a string, got a list");
  });

  it("rejects a title that is a number, and an empty title at its key", () => {
    expect(errors(load(rule("title: 1234")))).toEqual(["RULE_TYPE 1:8"]);
    const empty = load(rule("title:"));
    expect(errors(empty)).toEqual(["RULE_TYPE 1:1"]);
    expect(empty.diagnostics[0]?.message).toBe(
      "'title' must be a string, got nothing (an empty value)",
    );
  });

  it("rejects a title longer than 256 characters", () => {
    expect(errors(load(rule(`title: ${"x".repeat(257)}`)))).toEqual(["RULE_TITLE_TOO_LONG 1:8"]);
    expect(errors(load(rule(`title: ${"é".repeat(256)}`)))).toEqual([]);
  });

  it("rejects references given as a single string", () => {
    const r = load(rule("title: t", "references: https://example.com/a"));
    expect(errors(r)).toEqual(["RULE_TYPE 2:13"]);
    expect(r.diagnostics[0]?.message).toBe("'references' must be a list of strings, got a string");
  });

  it("rejects a non-string item of a list at the item", () => {
    const r = load(rule("title: t", "references:", "  - https://example.com/a", "  - [nested]"));
    expect(errors(r)).toEqual(["RULE_TYPE 4:5"]);
  });

  it("rejects a logsource that is a string, and a logsource value that is not a string", () => {
    expect(errors(load(lines("title: t", "logsource: windows", ...DETECTION)))).toEqual([
      "RULE_TYPE 2:12",
    ]);
    const r = load(lines("title: t", "logsource:", "  product: [a, b]", ...DETECTION));
    expect(errors(r)).toEqual(["RULE_TYPE 3:12"]);
    expect(r.diagnostics[0]?.message).toBe("logsource 'product' must be a string, got a list");
  });

  it("rejects a condition that is a number, and accepts a list of conditions", () => {
    const bad = load(lines("title: t", ...LOGSOURCE, "detection:", "  sel: [a]", "  condition: 1"));
    expect(errors(bad)).toEqual(["RULE_TYPE 7:14"]);
    const good = load(
      lines(
        "title: t",
        ...LOGSOURCE,
        "detection:",
        "  a: [x]",
        "  b: [y]",
        "  condition:",
        "    - a",
        "    - b",
      ),
    );
    expect(good.diagnostics).toEqual([]);
    expect(good.documents[0]?.conditions.map((c) => c.value)).toEqual(["a", "b"]);
  });

  it("accepts a timeframe and rejects one without a unit", () => {
    const ok = load(lines("title: t", ...LOGSOURCE, ...DETECTION, "  timeframe: 15m"));
    expect(ok.diagnostics).toEqual([]);
    const bad = load(lines("title: t", ...LOGSOURCE, ...DETECTION, "  timeframe: soon"));
    expect(errors(bad)).toEqual(["RULE_BAD_TIMEFRAME 9:14"]);
  });

  it("checks related entries: type and id", () => {
    const r = load(
      rule(
        "title: t",
        "related:",
        "  - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9",
        "    type: derivd",
        "  - type: merged",
      ),
    );
    expect(errors(r)).toEqual(["RULE_BAD_RELATED_TYPE 4:11", "RULE_MISSING_KEY 5:5"]);
    expect(r.diagnostics[0]?.message).toContain("did you mean 'derived'?");
  });

  it("accepts falsepositives as a single string", () => {
    const r = load(rule("title: t", "falsepositives: Unknown"));
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]?.falsepositives).toEqual(["Unknown"]);
  });
});

describe("loadSigmaFile: more value checks", () => {
  it("rejects a blank title and a filter with an empty rules list", () => {
    expect(errors(load(rule("title: '   '")))).toEqual(["RULE_EMPTY_VALUE 1:9"]);
    const r = load(
      lines(
        "title: f",
        ...LOGSOURCE,
        "filter:",
        "  rules: []",
        "  selection: [a]",
        "  condition: selection",
      ),
    );
    expect(errors(r)).toEqual(["RULE_EMPTY_VALUE 6:10"]);
  });

  it("warns about a repeated reference and keeps one copy", () => {
    const r = load(
      rule("title: t", "references:", "  - https://a.example", "  - https://a.example"),
    );
    expect(warnings(r)).toEqual(["RULE_DUPLICATE_ITEM 4:5"]);
    expect(r.documents[0]?.references).toEqual(["https://a.example"]);
  });

  it("warns about a description over 65,535 characters but keeps the rule", () => {
    const r = load(rule("title: t", `description: ${"d".repeat(65_536)}`));
    expect(warnings(r)).toEqual(["RULE_DESCRIPTION_TOO_LONG 2:14"]);
    expect(r.documents).toHaveLength(1);
  });

  it("rejects a second document with the same name", () => {
    const r = load(
      lines(
        "title: a",
        "name: n",
        ...LOGSOURCE,
        ...DETECTION,
        "---",
        "title: b",
        "name: n",
        ...LOGSOURCE,
        ...DETECTION,
      ),
    );
    expect(errors(r)).toEqual(["RULE_DUPLICATE_NAME 12:7"]);
  });

  it("treats an upper-case spelling of a known key as a near miss", () => {
    const r = load(lines("Title: t", ...LOGSOURCE, ...DETECTION));
    expect(warnings(r)).toEqual(["RULE_UNKNOWN_KEY_NEAR_MISS 1:1"]);
    expect(r.diagnostics.find((d) => d.severity === "warning")?.message).toContain(
      "did you mean 'title'?",
    );
    expect(errors(r)).toEqual(["RULE_MISSING_KEY 1:1"]);
  });
});

describe("loadSigmaFile: unknown keys", () => {
  it("warns about a near miss of a known key with a suggestion", () => {
    const r = load(
      lines(
        "title: t",
        ...LOGSOURCE,
        "detections:",
        "  selection:",
        "    verb: create",
        "  condition: selection",
      ),
    );
    expect(warnings(r)).toEqual(["RULE_UNKNOWN_KEY_NEAR_MISS 5:1"]);
    expect(r.diagnostics.find((d) => d.severity === "warning")?.message).toBe(
      "unknown key 'detections' — did you mean 'detection'?",
    );
    expect(errors(r)).toEqual(["RULE_MISSING_KEY 1:1"]);
  });

  it("warns about a near miss inside logsource", () => {
    const r = load(
      lines("title: t", "logsource:", "  product: k", "  categroy: audit", ...DETECTION),
    );
    expect(warnings(r)).toEqual(["RULE_UNKNOWN_KEY_NEAR_MISS 4:3"]);
    expect(r.documents).toHaveLength(1);
  });

  it("keeps unrelated custom keys without a warning", () => {
    const r = load(
      rule(
        "title: t",
        "simulation:",
        "  - type: atomic-red-team",
        "regression_tests_path: a/b.yml",
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]?.custom).toEqual({
      simulation: [{ type: "atomic-red-team" }],
      regression_tests_path: "a/b.yml",
    });
  });

  it("keeps a key named __proto__ as data", () => {
    const r = load(rule("title: t", "__proto__: {polluted: true}"));
    const custom = r.documents[0]?.custom ?? {};
    expect(Object.getPrototypeOf(custom)).toBe(Object.prototype);
    expect(Object.keys(custom)).toEqual(["__proto__"]);
  });
});

describe("loadSigmaFile: YAML problems come with positions", () => {
  it("reports a duplicate key at the second occurrence and yields no document", () => {
    const r = load(rule("title: t", "level: low", "level: high"));
    expect(errors(r)).toEqual(["YAML_DUPLICATE_KEY 3:1"]);
    expect(r.documents).toEqual([]);
  });

  it("reports bad indentation", () => {
    const r = load(lines("title: t", "logsource:", "  product: k", " service: audit"));
    expect(errors(r)).toEqual(["YAML_BAD_INDENT 4:2"]);
  });

  it("reports a tab used for indentation", () => {
    const r = load(lines("title: t", "logsource:", "\tproduct: k"));
    expect(errors(r)).toEqual(["YAML_TAB_INDENT 3:1"]);
  });

  it("stops an alias bomb quickly", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    // Expanded, j is 10^10 nodes: only a loader that refuses before expanding ever returns.
    const r = load(lines(...bomb));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["YAML_ALIAS_EXPANSION"]);
    expect(r.documents).toEqual([]);
  });
});

describe("loadSigmaFile: files and documents", () => {
  it("warns about an empty file and yields nothing", () => {
    for (const text of ["", "\n\n", "# only a comment\n"]) {
      const r = load(text);
      expect(where(r.diagnostics)).toEqual(["RULE_EMPTY_FILE 1:1"]);
      expect(r.diagnostics[0]?.severity).toBe("warning");
      expect(r.documents).toEqual([]);
    }
  });

  it("rejects a document that is not a mapping", () => {
    expect(errors(load(lines("- title: t", "- level: low")))).toEqual(["RULE_NOT_A_MAPPING 1:1"]);
    expect(errors(load("just text\n"))).toEqual(["RULE_NOT_A_MAPPING 1:1"]);
  });

  it("loads a JSON rule, and reports positions inside JSON", () => {
    const json = JSON.stringify({
      title: "From JSON",
      logsource: { product: "kubernetes" },
      detection: { sel: { verb: "create" }, condition: "sel" },
      level: "high",
    });
    const r = load(json);
    expect(r.diagnostics).toEqual([]);
    expect(r.documents[0]).toMatchObject({ kind: "rule", title: "From JSON", level: "high" });
    const bad = load(
      '{"title": "t", "level": "hgh",\n "logsource": {"product": "k"}, "detection": {"s": ["a"], "condition": "s"}}',
    );
    expect(errors(bad)).toEqual(["RULE_BAD_LEVEL 1:26"]);
  });

  it("yields every document of a multi-document file, with positions in the later ones", () => {
    const text = lines(
      "title: first",
      ...LOGSOURCE,
      ...DETECTION,
      "---",
      "---",
      "title: third",
      "level: hihg",
      ...LOGSOURCE,
      ...DETECTION,
      "---",
      "title: fourth",
      ...LOGSOURCE,
      ...DETECTION,
    );
    const r = load(text);
    expect(errors(r)).toEqual(["RULE_BAD_LEVEL 12:8"]);
    // The empty second document starts at the first "---" (line 9); the first document has no marker.
    expect(warnings(r)).toEqual(["RULE_EMPTY_DOCUMENT 9:1"]);
    expect(r.documents.map((d) => [d.title, d.documentIndex])).toEqual([
      ["first", 0],
      ["fourth", 3],
    ]);
  });

  it("rejects a second document with the same id", () => {
    const id = "id: 5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60";
    const r = load(
      lines(
        "title: a",
        id,
        ...LOGSOURCE,
        ...DETECTION,
        "---",
        "title: b",
        id,
        ...LOGSOURCE,
        ...DETECTION,
      ),
    );
    expect(errors(r)).toEqual(["RULE_DUPLICATE_ID 12:5"]);
    expect(r.documents.map((d) => d.title)).toEqual(["a"]);
  });

  it("loads a correlation document as a correlation, not as a rule (references resolve later)", () => {
    const r = load(
      lines(
        "title: Many failed logins",
        "correlation:",
        "  type: event_count",
        "  rules: [failed_login]",
        "  group-by: [user]",
        "  timespan: 5m",
        "  condition:",
        "    gte: 10",
      ),
    );
    expect(errors(r)).toEqual([]);
    expect(r.documents).toEqual([]);
    expect(r.correlations.map((c) => [c.title, c.type, c.timespan.us])).toEqual([
      ["Many failed logins", "event_count", 300_000_000],
    ]);
  });

  it("rejects an incomplete correlation document at its correlation key", () => {
    const r = load(lines("title: c", "correlation:", "  type: event_count", "  rules: [a]"));
    expect(errors(r)).toEqual([
      "CORRELATION_MISSING_KEY 2:1",
      "CORRELATION_MISSING_KEY 2:1",
      "CORRELATION_MISSING_KEY 2:1",
    ]);
    expect(r.correlations).toEqual([]);
  });

  it("rejects Sigma 1.x collections (action: global)", () => {
    const r = load(lines("action: global", "title: t", ...LOGSOURCE, "---", ...DETECTION));
    expect(errors(r)).toContain("RULE_COLLECTION_UNSUPPORTED 1:1");
  });

  it("loads a filter document as a SigmaFilter whose detection leaves out 'rules'", () => {
    const r = load(
      lines(
        "title: Skip the node bootstrapper",
        "logsource:",
        "  product: kubernetes",
        "filter:",
        "  rules:",
        "    - 5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60",
        "    - token_request_rule",
        "  selection:",
        "    user.username: system:node-bootstrapper",
        "  condition: not selection",
      ),
    );
    expect(r.diagnostics).toEqual([]);
    const doc = r.documents[0];
    expect(doc?.kind).toBe("filter");
    if (doc?.kind !== "filter") return;
    expect(doc.rules).toEqual(["5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60", "token_request_rule"]);
    expect(doc.detection.entries.map((e) => e.key.text)).toEqual(["selection", "condition"]);
    expect(doc.conditions.map((c) => c.value)).toEqual(["not selection"]);
  });

  it("rejects a filter without rules, and a document with both filter and detection", () => {
    const noRules = load(
      lines("title: f", ...LOGSOURCE, "filter:", "  selection: [a]", "  condition: selection"),
    );
    expect(errors(noRules)).toEqual(["RULE_MISSING_KEY 5:1"]);
    const both = load(lines("title: f", ...LOGSOURCE, "filter:", "  rules: [x]", ...DETECTION));
    expect(errors(both)).toEqual(["RULE_AMBIGUOUS_DOCUMENT 5:1"]);
  });

  it("reports several mistakes of one document at once", () => {
    const r = load(rule("title: t", "status: done", "level: 3", "date: yesterday"));
    expect(errors(r)).toEqual(["RULE_BAD_STATUS 2:9", "RULE_TYPE 3:8", "RULE_BAD_DATE 4:7"]);
  });

  it("documents every code it uses", () => {
    expect(new Set(LOAD_CODES).size).toBe(LOAD_CODES.length);
    expect(LOAD_CODES).toContain("RULE_MISSING_CONDITION");
  });
});

describe("loadSigmaFile: a good rule", () => {
  it("loads every metadata field", () => {
    const text = lines(
      "title: Service account token created via TokenRequest",
      "id: 5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60",
      "name: token_request_rule",
      "related:",
      "  - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9",
      "    type: similar",
      "taxonomy: sigma",
      "status: test",
      "description: |",
      "  A token was requested for a service account.",
      "license: DRL-1.1",
      "author: Jane Doe, John Roe",
      "references:",
      "  - https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
      "date: 2024/05/01",
      "modified: 2024-06-02",
      "tags:",
      "  - attack.credential-access",
      "  - attack.t1528",
      "logsource:",
      "  category: application",
      "  product: kubernetes",
      "  service: audit",
      "  definition: API server audit logging at Metadata level",
      "detection:",
      "  selection:",
      "    verb: create",
      "    objectRef.subresource: token",
      "  filter_nodes:",
      "    user.username|cased|startswith: 'system:node:'",
      "  condition: selection and not filter_nodes",
      "fields:",
      "  - user.username",
      "falsepositives:",
      "  - Controllers that mint tokens",
      "level: medium",
      "scope:",
      "  - server",
      "custom_field: 42",
    );
    const r = load(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.documents).toHaveLength(1);
    const doc = r.documents[0]!;
    expect(doc.kind).toBe("rule");
    if (doc.kind !== "rule") return;
    expect(doc).toMatchObject({
      documentIndex: 0,
      title: "Service account token created via TokenRequest",
      id: "5a3d6c1e-7f2b-4c8a-9e0d-1b2c3d4e5f60",
      name: "token_request_rule",
      status: "test",
      description: "A token was requested for a service account.\n",
      author: "Jane Doe, John Roe",
      references: [
        "https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/",
      ],
      date: "2024-05-01",
      modified: "2024-06-02",
      tags: ["attack.credential-access", "attack.t1528"],
      level: "medium",
      falsepositives: ["Controllers that mint tokens"],
      fields: ["user.username"],
      logsource: {
        category: "application",
        product: "kubernetes",
        service: "audit",
        definition: "API server audit logging at Metadata level",
      },
      custom: { custom_field: 42 },
      meta: {
        license: "DRL-1.1",
        taxonomy: "sigma",
        scope: ["server"],
        related: [{ id: "08fbc97d-0a2f-491c-ae21-8ffcfd3174e9", type: "similar" }],
      },
    });
    expect(doc.detection.entries.map((e) => e.key.text)).toEqual([
      "selection",
      "filter_nodes",
      "condition",
    ]);
    expect(doc.conditions.map((c) => c.value)).toEqual(["selection and not filter_nodes"]);
    // The condition scalar keeps its position: line 31, after "  condition: ".
    expect(doc.conditions[0]?.start).toBe(text.indexOf("selection and not"));
    expect(doc.source.path).toBe("rule.yml");
  });
});

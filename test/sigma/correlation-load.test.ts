import { describe, expect, it } from "vitest";
import { baseRule, errorsOf, lines, loadTexts } from "../helpers/correlation.js";

/**
 * Correlation documents: what the loader accepts, and every mistake reported with its code at the
 * position of the offending key or value (positions computed by hand from the texts below).
 */

const MINTED = baseRule("Token minted", "minted", "11111111-1111-4111-8111-111111111111", [
  "verb: create",
]);
const LISTED = baseRule("Secrets listed", "listed", "22222222-2222-4222-8222-222222222222", [
  "verb: list",
]);

/** A correlation whose lines 3-10 can be replaced one by one. */
function correlation(over: Partial<Record<number, string | null>> = {}): string {
  const base: Record<number, string> = {
    1: "title: Correlated",
    2: "correlation:",
    3: "  type: event_count",
    4: "  rules:",
    5: "    - minted",
    6: "  group-by:",
    7: "    - user.username",
    8: "  timespan: 5m",
    9: "  condition:",
    10: "    gte: 3",
  };
  const out: string[] = [];
  for (let i = 1; i <= 10; i++) {
    const line = i in over ? over[i] : base[i];
    if (line !== null && line !== undefined) out.push(line);
  }
  return lines(...out);
}

const check = (text: string, extra: Record<string, string> = {}): string[] =>
  errorsOf(loadTexts({ "base.yml": MINTED, "more.yml": LISTED, "c.yml": text, ...extra }).all);

describe("correlation documents: accepted", () => {
  it("loads a complete event_count correlation and resolves its rule by name", () => {
    const r = loadTexts({ "base.yml": MINTED, "c.yml": correlation() });
    expect(errorsOf(r.all)).toEqual([]);
    const [c] = r.correlations;
    expect(c?.correlation).toMatchObject({ type: "event_count", generate: false });
    expect(c?.correlation.timespan.us).toBe(300_000_000);
    expect(c?.refs.map((x) => x.target.kind === "rule" && x.target.rule.title)).toEqual([
      "Token minted",
    ]);
    expect(c?.refs[0]?.groupFields).toEqual(["user.username"]);
    // Without generate: true the rule is converted only inside the correlation.
    expect([...r.notGenerated].map((d) => d.title)).toEqual(["Token minted"]);
  });

  it("resolves a rule by id in any case, and keeps a rule stand-alone with generate: true", () => {
    const r = loadTexts({
      "base.yml": MINTED,
      "c.yml": correlation({
        5: "    - 11111111-1111-4111-8111-111111111111".toUpperCase(),
        10: "    gte: 3\n  generate: true",
      }),
    });
    expect(errorsOf(r.all)).toEqual([]);
    expect(r.notGenerated.size).toBe(0);
  });

  it("accepts a range (two comparisons ANDed) and the units s, m, h, d", () => {
    for (const unit of ["30s", "90m", "2h", "1d"])
      expect(
        check(correlation({ 8: `  timespan: ${unit}`, 10: "    gt: 100\n    lte: 200" })),
      ).toEqual([]);
  });

  it("resolves aliases per rule and a correlation of correlations", () => {
    const text = lines(
      "title: Inner",
      "name: inner",
      "correlation:",
      "  type: event_count",
      "  rules: [minted]",
      "  group-by: [user.username]",
      "  timespan: 5m",
      "  condition: {gte: 2}",
      "---",
      "title: Outer",
      "correlation:",
      "  type: temporal_ordered",
      "  rules: [inner, listed]",
      "  group-by: [actor]",
      "  timespan: 10m",
      "  aliases:",
      "    actor:",
      "      inner: user.username",
      "      listed: impersonatedUser.username",
    );
    const r = loadTexts({ "base.yml": MINTED, "more.yml": LISTED, "c.yml": text });
    expect(errorsOf(r.all)).toEqual([]);
    const outer = r.correlations.find((c) => c.correlation.title === "Outer")!;
    expect(outer.refs.map((x) => x.groupFields)).toEqual([
      ["user.username"],
      ["impersonatedUser.username"],
    ]);
    expect(outer.refs[0]?.target.kind).toBe("correlation");
  });
});

describe("correlation documents: rejected at the position of the mistake", () => {
  it("an unknown rule reference", () => {
    expect(check(correlation({ 5: "    - mintd" }))).toEqual([
      "CORRELATION_UNKNOWN_RULE c.yml:5:7",
    ]);
  });

  it("a reference that names a filter, or the same rule twice", () => {
    const filter = lines(
      "title: A filter",
      "name: site_filter",
      "logsource: {product: kubernetes, service: audit}",
      "filter:",
      "  rules: [minted]",
      "  selection: {verb: get}",
      "  condition: not selection",
    );
    expect(check(correlation({ 5: "    - site_filter" }), { "f.yml": filter })).toEqual([
      "CORRELATION_BAD_RULES c.yml:5:7",
    ]);
    expect(
      check(correlation({ 5: "    - minted\n    - 11111111-1111-4111-8111-111111111111" })),
    ).toEqual(["CORRELATION_BAD_RULES c.yml:6:7"]);
  });

  it("a name that two files define", () => {
    const twin = baseRule("Another", "minted", "33333333-3333-4333-8333-333333333333", [
      "verb: get",
    ]);
    expect(check(correlation(), { "twin.yml": twin })).toEqual([
      "CORRELATION_AMBIGUOUS_REFERENCE c.yml:5:7",
    ]);
  });

  it("bad timespans", () => {
    for (const bad of ["5x", "0m", "5M", "300", "1w", "5 m", "m5", "-5m", "1.5h"])
      expect(check(correlation({ 8: `  timespan: ${bad}` })), bad).toEqual([
        "CORRELATION_BAD_TIMESPAN c.yml:8:13",
      ]);
  });

  it("bad conditions", () => {
    expect(check(correlation({ 10: "    gtee: 3" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:5",
    ]);
    expect(check(correlation({ 10: "    gte: -1" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:10",
    ]);
    expect(check(correlation({ 10: "    gte: 2.5" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:10",
    ]);
    expect(check(correlation({ 10: "    gte: many" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:10",
    ]);
    expect(check(correlation({ 9: "  condition: minted and listed", 10: null }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:9:14",
    ]);
    expect(check(correlation({ 10: "    field: objectRef.name\n    gte: 3" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:5",
    ]);
    // value_count needs the field it counts.
    expect(check(correlation({ 3: "  type: value_count" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:9:3",
    ]);
    // A condition with no comparison.
    expect(
      check(correlation({ 3: "  type: value_count", 10: "    field: objectRef.name" })),
    ).toEqual(["CORRELATION_BAD_CONDITION c.yml:9:3"]);
  });

  it("temporal conditions that have no meaning or never hold", () => {
    const two = { 3: "  type: temporal_ordered", 5: "    - minted\n    - listed" };
    expect(check(correlation({ ...two, 10: "    gte: 1" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:3",
    ]);
    expect(check(correlation({ ...two, 10: "    eq: 2" }))).toEqual([]);
    expect(check(correlation({ ...two, 9: null, 10: null }))).toEqual([]);
    const temporal = { 3: "  type: temporal", 5: "    - minted\n    - listed" };
    expect(check(correlation({ ...temporal, 10: "    gte: 3" }))).toEqual([
      "CORRELATION_BAD_CONDITION c.yml:10:3",
    ]);
    expect(check(correlation({ ...temporal, 10: "    gte: 1" }))).toEqual([]);
  });

  it("missing keys, at the correlation key", () => {
    expect(check(correlation({ 6: null, 7: null }))).toEqual(["CORRELATION_MISSING_KEY c.yml:2:1"]);
    expect(check(correlation({ 8: null }))).toEqual(["CORRELATION_MISSING_KEY c.yml:2:1"]);
    expect(check(correlation({ 9: null, 10: null }))).toEqual([
      "CORRELATION_MISSING_KEY c.yml:2:1",
    ]);
    expect(check(correlation({ 4: null, 5: null }))).toEqual(["CORRELATION_MISSING_KEY c.yml:2:1"]);
  });

  it("a misspelt type or key", () => {
    expect(check(correlation({ 3: "  type: event_cnt" }))).toEqual([
      "CORRELATION_BAD_TYPE c.yml:3:9",
    ]);
    expect(check(correlation({ 8: "  timspan: 5m" }))).toEqual([
      "CORRELATION_UNKNOWN_KEY c.yml:8:3",
      "CORRELATION_MISSING_KEY c.yml:2:1",
    ]);
  });

  it("a correlation that also has a detection, and a non-boolean generate", () => {
    expect(
      check(correlation({ 1: "title: Correlated\nlogsource: {product: kubernetes}" })),
    ).toEqual(["RULE_AMBIGUOUS_DOCUMENT c.yml:2:1"]);
    expect(check(correlation({ 10: "    gte: 3\n  generate: yes" }))).toEqual([
      "RULE_TYPE c.yml:11:13",
    ]);
  });

  it("a cycle of correlations", () => {
    const text = lines(
      "title: A",
      "name: a",
      "correlation:",
      "  type: temporal",
      "  rules: [b, minted]",
      "  group-by: [user.username]",
      "  timespan: 5m",
      "---",
      "title: B",
      "name: b",
      "correlation:",
      "  type: temporal",
      "  rules: [a, minted]",
      "  group-by: [user.username]",
      "  timespan: 5m",
    );
    expect(check(text)).toEqual([
      "CORRELATION_CYCLE c.yml:13:11",
      "CORRELATION_REFERENCE_INVALID c.yml:5:11",
    ]);
  });

  it("aliases: incomplete, naming a rule the correlation does not, a group-by field a referenced correlation lacks", () => {
    const withAlias = (
      aliases: string[],
      rules = "[minted, listed]",
      groupBy = "[actor]",
    ): string =>
      lines(
        "title: Aliased",
        "correlation:",
        "  type: temporal",
        `  rules: ${rules}`,
        `  group-by: ${groupBy}`,
        "  timespan: 5m",
        "  aliases:",
        ...aliases,
      );
    expect(check(withAlias(["    actor:", "      minted: user.username"]))).toEqual([
      "CORRELATION_ALIAS_INCOMPLETE c.yml:8:5",
    ]);
    expect(
      check(
        withAlias([
          "    actor:",
          "      minted: user.username",
          "      listed: user.username",
          "      other: x",
        ]),
      ),
    ).toEqual(["CORRELATION_BAD_ALIAS c.yml:11:7"]);
    const inner = lines(
      "title: Inner",
      "name: inner",
      "correlation:",
      "  type: event_count",
      "  rules: [minted]",
      "  group-by: [user.username]",
      "  timespan: 5m",
      "  condition: {gte: 2}",
    );
    expect(
      check(correlation({ 5: "    - inner", 7: "    - objectRef.namespace" }), {
        "inner.yml": inner,
      }),
    ).toEqual(["CORRELATION_GROUP_BY_UNAVAILABLE c.yml:7:7"]);
  });
});

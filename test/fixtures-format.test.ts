import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { TOKEN_REQUEST_EXCLUSIONS } from "./helpers/token-request.js";

/**
 * The labelled fixture files are data shared by every backend and by `sigprism verify --fixtures`;
 * this checks their format and their links to rules/, not what any rule does with them.
 */

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");
const RULES = join(ROOT, "rules");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIXTURE_ID = /^[a-z0-9][a-z0-9-]*$/;
/** Keys a real audit.k8s.io/v1 Event always has; a fixture may leave some out only by naming them in `absent`. */
const REAL_SHAPE = [
  "kind",
  "apiVersion",
  "auditID",
  "stage",
  "stageTimestamp",
  "requestReceivedTimestamp",
] as const;
const FIXTURE_KEYS = new Set(["id", "why", "matches", "absent", "event"]);
/** RFC 3339 as kube-apiserver writes it (and as Falco's k8saudit source requires for stageTimestamp). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory()
        ? walk(join(dir, d.name), ext)
        : d.name.endsWith(ext)
          ? [join(dir, d.name)]
          : [],
    )
    .sort();
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

interface Fixture {
  readonly file: string;
  readonly line: number;
  readonly id: string;
  readonly why: string;
  readonly matches: readonly string[];
  readonly absent: readonly string[];
  readonly event: Record<string, unknown>;
}

interface RuleDoc {
  readonly file: string;
  readonly doc: Record<string, unknown>;
}

function readRules(): { rules: RuleDoc[]; filters: RuleDoc[]; correlations: RuleDoc[] } {
  const rules: RuleDoc[] = [];
  const filters: RuleDoc[] = [];
  const correlations: RuleDoc[] = [];
  for (const file of walk(RULES, ".yml")) {
    const doc = load(readFileSync(file, "utf8"));
    if (!isRecord(doc)) throw new Error(`${file}: not a YAML mapping`);
    const kind = isRecord(doc.filter) ? filters : isRecord(doc.correlation) ? correlations : rules;
    kind.push({ file: relative(ROOT, file), doc });
  }
  return { rules, filters, correlations };
}

/** Parses one NDJSON file's text; a malformed line is reported as file:line with the reason. */
function parseFixtureText(file: string, text: string): { fixtures: Fixture[]; problems: string[] } {
  const fixtures: Fixture[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.push(`${at}: not JSON`);
      return;
    }
    if (!isRecord(raw)) return void problems.push(`${at}: not a JSON object`);
    for (const k of Object.keys(raw))
      if (!FIXTURE_KEYS.has(k)) problems.push(`${at}: unknown key '${k}'`);
    const { id, why, matches, event } = raw;
    const absent = raw.absent ?? [];
    if (typeof id !== "string" || !FIXTURE_ID.test(id))
      return void problems.push(`${at}: id must be lower-case kebab text`);
    if (typeof why !== "string" || why.trim().length < 10)
      return void problems.push(`${at}: why must explain the label`);
    if (!Array.isArray(matches) || !matches.every((m) => typeof m === "string"))
      return void problems.push(`${at}: matches must be a list of rule ids`);
    if (!Array.isArray(absent) || !absent.every((m) => typeof m === "string"))
      return void problems.push(`${at}: absent must be a list of key names`);
    if (!isRecord(event)) return void problems.push(`${at}: event must be a JSON object`);
    fixtures.push({ file, line: i + 1, id, why, matches, absent, event });
  });
  return { fixtures, problems };
}

/**
 * Family folders hold other products' events, labelled against the corpus
 * (fixtures-windows.test.ts, fixtures-linux.test.ts, verify/falco-sources-parity.test.ts, fixtures-cloud.test.ts).
 */
const FAMILY_FOLDERS = ["windows/", "linux/", "falco-sources/", "cloud/"];

function readFixtures(): { fixtures: Fixture[]; problems: string[] } {
  const fixtures: Fixture[] = [];
  const problems: string[] = [];
  // Labelled event sequences (correlations) have their own format, checked below.
  for (const path of walk(FIXTURES, ".ndjson").filter((p) => !p.endsWith(".sequences.ndjson"))) {
    if (FAMILY_FOLDERS.some((d) => relative(FIXTURES, path).startsWith(d))) continue;
    const r = parseFixtureText(relative(FIXTURES, path), readFileSync(path, "utf8"));
    fixtures.push(...r.fixtures);
    problems.push(...r.problems);
  }
  return { fixtures, problems };
}

const { rules, filters, correlations } = readRules();
const { fixtures, problems } = readFixtures();
const ruleIds = new Set(rules.map((r) => r.doc.id));

describe("fixture files", () => {
  it("every line is a well-formed fixture", () => {
    expect(problems).toEqual([]);
    expect(fixtures.length).toBeGreaterThanOrEqual(250);
  });

  it("fixture ids are unique across all files", () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const f of fixtures) {
      const first = seen.get(f.id);
      if (first !== undefined) dupes.push(`${f.id}: ${first} and ${f.file}:${f.line}`);
      else seen.set(f.id, `${f.file}:${f.line}`);
    }
    expect(dupes).toEqual([]);
  });

  it("every matches entry names a rule in rules/ (not a filter), at most once", () => {
    const bad = fixtures.flatMap((f) => [
      ...f.matches
        .filter((m) => !ruleIds.has(m))
        .map((m) => `${f.file}:${f.line} ${f.id}: unknown rule ${m}`),
      ...(new Set(f.matches).size !== f.matches.length
        ? [`${f.file}:${f.line} ${f.id}: duplicate rule id`]
        : []),
    ]);
    expect(bad).toEqual([]);
  });

  it("events are real-shaped audit events unless a key is declared absent", () => {
    const bad: string[] = [];
    for (const f of fixtures) {
      const at = `${f.file}:${f.line} ${f.id}`;
      for (const key of f.absent) {
        if (!(REAL_SHAPE as readonly string[]).includes(key))
          bad.push(`${at}: absent names '${key}', not a real-shape key`);
        if (key in f.event) bad.push(`${at}: '${key}' is declared absent but present`);
      }
      for (const key of REAL_SHAPE)
        if (!f.absent.includes(key) && !(key in f.event))
          bad.push(`${at}: missing '${key}' (declare it in absent if that is the point)`);
      if ("kind" in f.event && f.event.kind !== "Event") bad.push(`${at}: kind must be Event`);
      if ("apiVersion" in f.event && f.event.apiVersion !== "audit.k8s.io/v1")
        bad.push(`${at}: apiVersion must be audit.k8s.io/v1`);
      if (
        "auditID" in f.event &&
        (typeof f.event.auditID !== "string" || !UUID.test(f.event.auditID))
      )
        bad.push(`${at}: auditID must be a UUID`);
      for (const ts of ["stageTimestamp", "requestReceivedTimestamp"])
        if (
          ts in f.event &&
          (typeof f.event[ts] !== "string" || !RFC3339.test(f.event[ts] as string))
        )
          bad.push(`${at}: ${ts} must be RFC 3339`);
    }
    expect(bad).toEqual([]);
  });

  it("audit IDs are unique, as kube-apiserver makes them", () => {
    const ids = fixtures.map((f) => f.event.auditID).filter((x) => x !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every rule has at least one fixture that matches it and one near miss that does not", () => {
    const gaps: string[] = [];
    for (const r of rules) {
      const id = r.doc.id as string;
      if (!fixtures.some((f) => f.matches.includes(id)))
        gaps.push(`${r.file}: no matching fixture`);
    }
    expect(gaps).toEqual([]);
    expect(fixtures.filter((f) => f.matches.length === 0).length).toBeGreaterThan(50);
  });

  it("filter fixtures live under filters/ and every filter has some", () => {
    expect(filters.length).toBeGreaterThan(0);
    expect(fixtures.filter((f) => f.file.startsWith("filters/")).length).toBeGreaterThan(0);
  });

  it("the reader reports broken lines with file:line instead of skipping them", () => {
    const ok = '{"id":"a-1","why":"a valid fixture line","matches":[],"event":{}}';
    const r = parseFixtureText(
      "x.ndjson",
      [
        ok,
        '{"id": "b",',
        "[1]",
        '{"id":"c","why":"unknown key here","matches":[],"event":{},"label":1}',
        "",
      ].join("\n"),
    );
    expect(r.fixtures.map((f) => f.id)).toEqual(["a-1", "c"]);
    expect(r.problems).toEqual([
      "x.ndjson:2: not JSON",
      "x.ndjson:3: not a JSON object",
      "x.ndjson:4: unknown key 'label'",
    ]);
  });
});

describe("rule files", () => {
  const REQUIRED = [
    "title",
    "id",
    "status",
    "description",
    "references",
    "author",
    "date",
    "tags",
    "logsource",
    "detection",
    "falsepositives",
    "level",
  ];

  it("every rule carries full metadata and a unique UUID", () => {
    const bad: string[] = [];
    for (const r of rules) {
      for (const k of REQUIRED) if (r.doc[k] === undefined) bad.push(`${r.file}: missing ${k}`);
      if (typeof r.doc.id !== "string" || !UUID.test(r.doc.id))
        bad.push(`${r.file}: id must be a UUID`);
      const ls = r.doc.logsource;
      if (!isRecord(ls) || ls.product !== "kubernetes" || ls.service !== "audit")
        bad.push(`${r.file}: logsource must be kubernetes/audit`);
      if (
        !Array.isArray(r.doc.tags) ||
        !r.doc.tags.every((t) => typeof t === "string" && /^[a-z0-9.-]+$/.test(t))
      )
        bad.push(`${r.file}: tags must be Sigma 2 style (lower case, dashes)`);
    }
    expect(bad).toEqual([]);
    const all = [...rules, ...filters].map((r) => r.doc.id);
    expect(new Set(all).size).toBe(all.length);
    expect(rules.length).toBeGreaterThanOrEqual(9);
  });

  it("the TokenRequest rule keeps Elastic's 15 exclusions, case-sensitive, plus the empty username", () => {
    const tr = rules.find((r) => r.doc.id === "b622e4fe-a0c3-487c-a6f1-19b0b815da8b");
    expect(tr?.file).toBe(
      "rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml",
    );
    const detection = tr?.doc.detection as Record<string, Record<string, unknown>>;
    expect(detection.selection).toEqual({
      "verb|cased": "create",
      "objectRef.resource|cased": "serviceaccounts",
      "objectRef.subresource|cased": "token",
      "user.username|exists": true,
    });
    // The expected list is reasoned from Elastic's shipped query (see helpers/token-request.ts),
    // not read from the rule file: the rule must say exactly what Elastic says.
    expect(detection.filter_system?.["user.username|cased"]).toEqual(TOKEN_REQUEST_EXCLUSIONS);
    expect(detection.filter_empty).toEqual({ "user.username|cased": "" });
    expect(detection.condition).toBe("selection and not 1 of filter_*");
  });

  it("the site filter names an existing rule and uses Sigma filter form", () => {
    for (const f of filters) {
      const filter = f.doc.filter as Record<string, unknown>;
      expect(Array.isArray(filter.rules)).toBe(true);
      for (const id of filter.rules as unknown[]) expect(ruleIds.has(id)).toBe(true);
      expect(typeof filter.condition).toBe("string");
      expect(f.doc.level).toBeUndefined();
      expect(f.doc.status).toBeUndefined();
    }
  });
});

describe("correlation rules and their sequences", () => {
  const REQUIRED = [
    "title",
    "id",
    "status",
    "description",
    "references",
    "author",
    "date",
    "tags",
    "correlation",
    "falsepositives",
    "level",
  ];
  const sequences = walk(FIXTURES, ".sequences.ndjson").flatMap((path) =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => ({
        file: relative(FIXTURES, path),
        value: JSON.parse(l) as Record<string, unknown>,
      })),
  );

  it("every correlation carries full metadata, a UUID, and names rules of rules/ by id", () => {
    const bad: string[] = [];
    for (const c of correlations) {
      for (const k of REQUIRED) if (c.doc[k] === undefined) bad.push(`${c.file}: missing ${k}`);
      if (typeof c.doc.id !== "string" || !UUID.test(c.doc.id))
        bad.push(`${c.file}: id must be a UUID`);
      const corr = c.doc.correlation as Record<string, unknown>;
      for (const r of corr.rules as unknown[])
        if (!ruleIds.has(r))
          bad.push(`${c.file}: '${String(r)}' is not the id of a rule in rules/`);
    }
    expect(bad).toEqual([]);
    expect(correlations.length).toBeGreaterThanOrEqual(4);
    const all = [...rules, ...filters, ...correlations].map((r) => r.doc.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it("sequences: unique ids, a reason, real-shaped events, labels that name correlations", () => {
    const bad: string[] = [];
    const ids = new Set<string>();
    const correlationIds = new Set(correlations.map((c) => c.doc.id));
    for (const { file, value } of sequences) {
      const at = `${file} ${String(value.id)}`;
      if (typeof value.id !== "string" || !FIXTURE_ID.test(value.id)) bad.push(`${at}: bad id`);
      else if (ids.has(value.id)) bad.push(`${at}: duplicate id`);
      else ids.add(value.id);
      if (typeof value.why !== "string" || value.why.length < 10)
        bad.push(`${at}: why must explain the labels`);
      for (const k of Object.keys(value))
        if (!["id", "why", "events", "matches"].includes(k)) bad.push(`${at}: unknown key ${k}`);
      for (const [id, groups] of Object.entries(value.matches as Record<string, unknown[]>)) {
        if (!correlationIds.has(id)) bad.push(`${at}: ${id} is not a correlation in rules/`);
        for (const g of groups as { first: string }[])
          if (!RFC3339.test(g.first)) bad.push(`${at}: first match time must be RFC 3339`);
      }
      for (const e of value.events as Record<string, unknown>[]) {
        if (e.kind !== "Event" || e.apiVersion !== "audit.k8s.io/v1")
          bad.push(`${at}: not an audit Event`);
        if (typeof e.auditID !== "string" || !UUID.test(e.auditID))
          bad.push(`${at}: auditID must be a UUID`);
        for (const ts of ["stageTimestamp", "requestReceivedTimestamp"])
          if (ts in e && (typeof e[ts] !== "string" || !RFC3339.test(e[ts] as string)))
            bad.push(`${at}: ${ts} must be RFC 3339`);
      }
    }
    expect(bad).toEqual([]);
    expect(sequences.length).toBeGreaterThanOrEqual(30);
  });
});

import { describe, expect, it } from "vitest";
import { hasErrors } from "../src/diagnostics.js";
import { evaluate } from "../src/sigma/evaluate.js";
import { inLogsource, sigmaEvent } from "../src/sigma/logsource-membership.js";
import { loadFixtures, type Fixture } from "../src/verify/fixtures.js";
import { corpusRules } from "./helpers/corpus-rules.js";
import { HAVE_CORPUS, SKIP_REASON } from "./helpers/shared-data.js";

/**
 * The cloud family fixtures (test/fixtures/cloud/): their shape per provider, and the label check —
 * for every fixture and every corpus rule it is labelled for, the reference evaluator on the raw
 * record (inside the rule's logsource) gives the hand-written label.
 */

const DIR = "test/fixtures/cloud";
const { fixtures, diagnostics } = loadFixtures([DIR]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const family = (f: Fixture): string => f.id.split("-")[0]!;

/** What each provider writes in every record (the shapes named in src/sigma/cloud-logsources.ts). */
const SHAPES: Readonly<Record<string, (e: Record<string, unknown>) => string[]>> = {
  ct: (e) => {
    const bad: string[] = [];
    for (const k of ["eventVersion", "eventTime", "eventSource", "eventName", "awsRegion"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!String(e.eventSource).endsWith(".amazonaws.com")) bad.push("eventSource is no service");
    if (!ISO_SECONDS.test(String(e.eventTime))) bad.push("eventTime is not ISO 8601 UTC");
    if (!isRecord(e.userIdentity) || typeof e.userIdentity.type !== "string")
      bad.push("userIdentity.type missing");
    if (!UUID.test(String(e.eventID))) bad.push("eventID is not a UUID");
    if (typeof e.recipientAccountId !== "string" || !/^\d{12}$/.test(e.recipientAccountId))
      bad.push("recipientAccountId is not an account");
    return bad;
  },
  okta: (e) => {
    const bad: string[] = [];
    for (const k of ["uuid", "published", "eventType", "version", "severity"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!UUID.test(String(e.uuid))) bad.push("uuid is not a UUID");
    if (!ISO_SECONDS.test(String(e.published))) bad.push("published is not ISO 8601 UTC");
    if (!isRecord(e.actor) || typeof e.actor.type !== "string") bad.push("actor.type missing");
    if (!isRecord(e.outcome)) bad.push("outcome missing");
    if (!Array.isArray(e.target)) bad.push("target is not a list");
    return bad;
  },
  gcp: (e) => {
    const bad: string[] = [];
    for (const k of ["insertId", "timestamp", "severity", "logName", "receiveTimestamp"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!/^projects\/[a-z0-9-]+\/logs\/cloudaudit\.googleapis\.com%2F/.test(String(e.logName)))
      bad.push("logName is not an audit log");
    const p = e.protoPayload;
    if (!isRecord(p) || p["@type"] !== "type.googleapis.com/google.cloud.audit.AuditLog")
      bad.push("protoPayload is not an AuditLog");
    else if (typeof p.serviceName !== "string") bad.push("serviceName missing");
    if (!isRecord(e.resource) || typeof e.resource.type !== "string")
      bad.push("resource.type missing");
    return bad;
  },
  az: (e) => {
    const bad: string[] = [];
    for (const k of ["time", "resourceId", "operationName", "category", "correlationId"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!isRecord(e.properties)) bad.push("properties missing");
    else if (e.category === "UserRiskEvents" && typeof e.properties.riskEventType !== "string")
      bad.push("a risk detection names its riskEventType");
    else if (e.category !== "UserRiskEvents" && !String(e.resourceId).startsWith("/"))
      bad.push("resourceId is not an ARM id");
    return bad;
  },
  entra: (e) => {
    const bad: string[] = [];
    for (const k of [
      "time",
      "resourceId",
      "operationName",
      "category",
      "correlationId",
      "tenantId",
    ])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!ISO_SECONDS.test(String(e.time))) bad.push("time is not ISO 8601 UTC");
    if (!isRecord(e.properties)) bad.push("properties missing");
    else if (e.category !== "Administrative" && typeof e.properties.id !== "string")
      bad.push("an Entra record names its properties.id");
    return bad;
  },
  m365: (e) => {
    const bad: string[] = [];
    for (const k of ["CreationTime", "Id", "Operation", "OrganizationId", "Workload", "UserId"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!Number.isInteger(e.RecordType)) bad.push("RecordType is not an integer");
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(String(e.CreationTime)))
      bad.push("CreationTime is not the API's UTC form");
    return bad;
  },
  dns: (e) => {
    const bad: string[] = [];
    for (const k of ["uid", "id.orig_h", "id.resp_h", "proto", "query", "qtype_name", "rcode_name"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    for (const k of ["ts", "trans_id", "id.orig_p", "id.resp_p", "qtype", "rcode"])
      if (typeof e[k] !== "number") bad.push(`${k} is not a number`);
    if (e.answers !== undefined && (!Array.isArray(e.answers) || !Array.isArray(e.TTLs)))
      bad.push("answers and TTLs are lists");
    return bad;
  },
  canary: (e) => {
    const bad: string[] = [];
    for (const k of ["node_id", "utc_time", "local_time", "dst_host", "src_host"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    if (!Number.isInteger(e.logtype)) bad.push("logtype is not an integer");
    if (!isRecord(e.logdata)) bad.push("logdata is not an object");
    return bad;
  },
  bb: (e) => {
    const bad: string[] = [];
    const t = e.auditType;
    if (!isRecord(t)) bad.push("auditType missing");
    else
      for (const k of ["action", "actionI18nKey", "area", "category", "categoryI18nKey", "level"])
        if (typeof t[k] !== "string") bad.push(`auditType.${k} missing`);
    if (!isRecord(e.author) || typeof e.author.name !== "string") bad.push("author missing");
    const ts = e.timestamp;
    if (!isRecord(ts) || !Number.isInteger(ts.epochSecond))
      bad.push("timestamp is not epochSecond/nano");
    for (const k of ["affectedObjects", "changedValues", "extraAttributes"])
      if (!Array.isArray(e[k])) bad.push(`${k} is not a list`);
    return bad;
  },
  gh: (e) => {
    const bad: string[] = [];
    for (const k of ["action", "_document_id", "actor"])
      if (typeof e[k] !== "string") bad.push(`${k} missing`);
    for (const k of ["@timestamp", "created_at"])
      if (!Number.isInteger(e[k])) bad.push(`${k} is not epoch milliseconds`);
    return bad;
  },
};

/**
 * The minimum per family (AWS, Azure, GCP, Okta); GitHub, OpenCanary and Bitbucket, whose
 * rules test one or two fields, are checked with fewer.
 */
const MINIMUM: Readonly<Record<string, number>> = {
  ct: 60,
  okta: 60,
  gcp: 60,
  az: 60,
  entra: 60,
  gh: 30,
  canary: 30,
  bb: 30,
  m365: 20,
  dns: 30,
};

describe("cloud fixture files", () => {
  it("load without diagnostics, with ids, reasons and labels", () => {
    expect(diagnostics).toEqual([]);
    expect(fixtures.length).toBeGreaterThan(0);
    const bad: string[] = [];
    for (const f of fixtures) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(f.id)) bad.push(`${f.id}: id is not lower-case kebab`);
      if (SHAPES[family(f)] === undefined) bad.push(`${f.id}: no provider prefix`);
      if (f.why.trim().length < 20) bad.push(`${f.id}: why must explain the label`);
      if (f.labelled === undefined || f.labelled.length === 0)
        bad.push(`${f.id}: a family fixture names the rules it labels`);
      for (const id of f.labelled ?? [])
        if (!UUID.test(id)) bad.push(`${f.id}: ${id} is no rule id`);
    }
    expect(bad).toEqual([]);
  });

  it("events are real-shaped provider records", () => {
    const bad: string[] = [];
    for (const f of fixtures) {
      if (!isRecord(f.event)) {
        bad.push(`${f.id}: event is not an object`);
        continue;
      }
      for (const p of SHAPES[family(f)]?.(f.event) ?? []) bad.push(`${f.id}: ${p}`);
    }
    expect(bad).toEqual([]);
  });

  it("has at least 60 fixtures per family (AWS, Azure, GCP, Okta)", () => {
    const counts = new Map<string, number>();
    for (const f of fixtures) counts.set(family(f), (counts.get(family(f)) ?? 0) + 1);
    for (const [fam, min] of Object.entries(MINIMUM))
      expect(counts.get(fam) ?? 0, fam).toBeGreaterThanOrEqual(min);
  });
});

describe.skipIf(!HAVE_CORPUS)("cloud fixture labels (reference evaluator, SigmaHQ corpus)", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  const labelledIds = new Set(fixtures.flatMap((f) => f.labelled ?? []));
  const { rules, missing } = HAVE_CORPUS
    ? corpusRules(labelledIds)
    : { rules: new Map(), missing: [] };

  it("every labelled id names a corpus rule that compiles", () => {
    expect(missing).toEqual([]);
    const broken = [...rules.values()]
      .filter((r) => hasErrors(r.diagnostics))
      .map((r) => r.rule.source.path);
    expect(broken).toEqual([]);
  });

  it("every labelled rule gives the label on the raw record", () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const f of fixtures)
      for (const id of f.labelled ?? []) {
        const r = rules.get(id);
        if (r === undefined) continue;
        checked++;
        const got =
          inLogsource(r.rule.logsource, f.event) &&
          evaluate(r.ir, sigmaEvent(r.rule.logsource, f.event));
        const want = f.matches.includes(id);
        if (got !== want)
          wrong.push(`${f.id} × ${r.rule.title} (${id}): label ${want}, reference ${got}`);
      }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(fixtures.length);
  });
});

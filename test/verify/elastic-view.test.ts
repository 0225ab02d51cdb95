import { seenOf } from "../helpers/seen.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { valuesAt } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { HAVE_REFERENCE, REFERENCE, referenceTitle } from "../helpers/shared-data.js";

const REF = `${REFERENCE}elastic-integrations`;

/**
 * Every field our rules and the mapping use, in the ECS document. (orchestrator.* is left out:
 * test-audit.log-expected.json predates the pipeline's orchestrator processors.)
 */
const FIELDS = [
  "user.name",
  "user.id",
  "user_agent.original",
  "source.ip",
  "client.ip",
  "related.ip",
  "related.user",
  "event.action",
  "event.outcome",
  "event.kind",
  "kubernetes.audit.verb",
  "kubernetes.audit.user.username",
  "kubernetes.audit.user.uid",
  "kubernetes.audit.user.groups",
  "kubernetes.audit.sourceIPs",
  "kubernetes.audit.userAgent",
  "kubernetes.audit.objectRef.resource",
  "kubernetes.audit.objectRef.subresource",
  "kubernetes.audit.objectRef.namespace",
  "kubernetes.audit.objectRef.name",
  "kubernetes.audit.objectRef.apiGroup",
  "kubernetes.audit.objectRef.apiVersion",
  "kubernetes.audit.responseStatus.code",
  "kubernetes.audit.requestURI",
  "kubernetes.audit.stage",
  "kubernetes.audit.level",
  "kubernetes.audit.auditID",
  "kubernetes.audit.annotations.authorization_k8s_io/decision",
  "kubernetes.audit.annotations.authorization_k8s_io/reason",
];

function lines(file: string): unknown[] {
  return readFileSync(`${REF}/${file}`, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

function expected(file: string): unknown[] {
  return (JSON.parse(readFileSync(`${REF}/${file}`, "utf8")) as { expected: unknown[] }).expected;
}

/** AKS delivers the audit event as a JSON string in properties.log (unwrapped by the pipeline). */
function auditEvent(line: unknown): unknown {
  const log = (line as { properties?: { log?: unknown } }).properties?.log;
  return typeof log === "string" ? JSON.parse(log) : line;
}

/** Elastic's own raw lines and expected documents; none without the reference data. */
function pipelineCases(): [string, unknown, unknown][] {
  if (!HAVE_REFERENCE) return [];
  const cases: [string, unknown, unknown][] = [];
  const audit = lines("test-audit.log");
  const auditExpected = expected("test-audit.log-expected.json");
  // Lines 1-3 are raw audit events; line 4 is a GKE protoPayload (another event format, not modelled).
  for (let i = 0; i < 3; i++) cases.push([`test-audit.log:${i + 1}`, audit[i], auditExpected[i]]);
  cases.push([
    "test-kube-audit.log:1 (AKS)",
    auditEvent(lines("test-kube-audit.log")[0]),
    expected("test-kube-audit.log-expected.json")[0],
  ]);
  return cases;
}

describe.skipIf(!HAVE_REFERENCE)(
  referenceTitle("elastic view reproduces Elastic's pipeline-test expectations"),
  () => {
    const cases = pipelineCases();
    it.skipIf(cases.length === 0)("has the expectations", () => expect(cases).toHaveLength(4));
    it.each(cases)("%s", (_name, raw, want) => {
      const doc = elasticView.document(raw);
      for (const f of FIELDS) expect([f, valuesAt(doc, f)]).toEqual([f, valuesAt(want, f)]);
    });
  },
);

describe("elastic view: ingest rules", () => {
  const base = {
    verb: "create",
    user: { username: "alice", uid: "u1", groups: ["g"] },
    sourceIPs: ["10.0.0.1", "::1"],
    annotations: { "authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": "" },
    objectRef: { resource: "serviceaccounts", subresource: "token", apiGroup: "" },
  };

  it("empty username: no user.name and no kubernetes.audit.user.username", () => {
    const doc = elasticView.document({ ...base, user: { username: "" } });
    expect(valuesAt(doc, "user.name")).toEqual([]);
    expect(valuesAt(doc, "kubernetes.audit.user.username")).toEqual([]);
    expect(
      valuesAt(seenOf("elastic")({ ...base, user: { username: "" } }), "user.username"),
    ).toEqual([]);
  });

  it("sourceIPs becomes source.ip only when every element is an IP", () => {
    expect(valuesAt(elasticView.document(base), "source.ip")).toEqual(["10.0.0.1", "::1"]);
    const bad = { ...base, sourceIPs: ["10.0.0.1", "not-an-ip"] };
    expect(valuesAt(elasticView.document(bad), "source.ip")).toEqual([]);
    expect(valuesAt(elasticView.document(bad), "kubernetes.audit.sourceIPs")).toEqual([
      "10.0.0.1",
      "not-an-ip",
    ]);
    expect((seenOf("elastic")(bad) as Record<string, unknown>).sourceIPs).toBeUndefined();
    expect((seenOf("elastic")(base) as Record<string, unknown>).sourceIPs).toEqual([
      "10.0.0.1",
      "::1",
    ]);
  });

  it("annotations are de-dotted; empty values are dropped recursively; outcome from the decision", () => {
    const doc = elasticView.document(base);
    expect(valuesAt(doc, "kubernetes.audit.annotations.authorization_k8s_io/decision")).toEqual([
      "forbid",
    ]);
    expect(valuesAt(doc, "kubernetes.audit.annotations.authorization_k8s_io/reason")).toEqual([]);
    expect(valuesAt(doc, "kubernetes.audit.objectRef.apiGroup")).toEqual([]);
    expect(valuesAt(doc, "event.outcome")).toEqual(["failure"]);
    const seen = seenOf("elastic")({ a: { b: "", c: [null, "", {}], d: { e: [] } }, f: 0 });
    expect(seen).toEqual({ f: 0 });
  });

  it("keyword values over 1024 characters are not seen; text fields keep them", () => {
    const long = "x".repeat(1025);
    const seen = seenOf("elastic")({
      user: { username: long, groups: [long, "g"] },
      verb: "get",
    }) as {
      user: Record<string, unknown>;
    };
    expect(seen.user.username).toBeUndefined();
    expect(seen.user.groups).toEqual([long, "g"]);
  });

  it("the integer code is seen as Elasticsearch indexes it: coerced, or gone when malformed", () => {
    const seenCode = (code: unknown) =>
      (seenOf("elastic")({ responseStatus: { code } }) as { responseStatus?: { code?: unknown } })
        .responseStatus?.code;
    expect(seenCode(0.5)).toBe(0);
    expect(seenCode("403")).toBe(403);
    expect(seenCode(" 1e3")).toBe(1000);
    expect(seenCode("a")).toBeUndefined();
    expect(seenCode(true)).toBeUndefined();
    expect(seenCode(["a", 404.2, "NaN"])).toEqual([404, 0]);
    // The stored document keeps the raw value (_source); only the index differs.
    expect(
      valuesAt(
        elasticView.document({ responseStatus: { code: "a" } }),
        "kubernetes.audit.responseStatus.code",
      ),
    ).toEqual(["a"]);
  });
});

import { describe, expect, it } from "vitest";
import { falcoDocument } from "../../src/verify/views/falco.js";

/**
 * What the gcpaudit plugin extracts from a GCP audit LogEntry (falcosecurity/plugins
 * plugins/gcpaudit/pkg/gcpaudit/extract.go @ 0b3cbd8d): each field is fastjson's Get of one path,
 * set as GetStringBytes (a JSON string's text, "" for anything else, nothing for an absent path);
 * gcp.location falls back from location to region to a zone without its last two characters;
 * gcp.policyDelta reads serviceData for a gcs_bucket and metadata.datasetChange otherwise;
 * gcp.logging.sink exists only for a logging_sink resource. Expected values are read off the Go
 * source, not taken from the view.
 */

const entry = (resource: unknown, protoPayload: Record<string, unknown> = {}) => ({
  protoPayload: {
    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
    methodName: "storage.setIamPermissions",
    ...protoPayload,
  },
  resource,
  timestamp: "2026-11-30T09:00:00.000Z",
});

const doc = (raw: unknown) => falcoDocument(raw) as Record<string, string>;

describe("the gcpaudit plugin's fields", () => {
  it("a string is its text; an object, array, number or null is the empty string", () => {
    const d = doc(
      entry(
        { type: "gcs_bucket", labels: { bucket_name: "logs", project_id: 7 } },
        {
          request: { policy: { bindings: [] } },
          authorizationInfo: [{ permission: "storage.buckets.setIamPolicy" }],
          serviceName: null,
        },
      ),
    );
    expect(d["evt.source"]).toBe("gcp_auditlog");
    expect(d["gcp.storage.bucket"]).toBe("logs");
    expect(d["gcp.projectId"]).toBe("");
    expect(d["gcp.request"]).toBe("");
    expect(d["gcp.authorizationInfo"]).toBe("");
    expect(d["gcp.serviceName"]).toBe("");
    expect(d["gcp.methodName"]).toBe("storage.setIamPermissions");
    // Absent paths set nothing.
    expect(d).not.toHaveProperty("gcp.user");
    expect(d).not.toHaveProperty("gcp.compute.instanceId");
    expect(d["gcp.time"]).toBe("2026-11-30T09:00:00.000Z");
  });

  it("gcp.location: location, else region, else the zone less its last two characters", () => {
    const at = (labels: unknown) => doc(entry({ type: "gce_instance", labels }))["gcp.location"];
    expect(at({ location: "europe-west1", region: "us-east1" })).toBe("europe-west1");
    expect(at({ location: null, region: "us-east1" })).toBe("");
    expect(at({ region: "us-east1", zone: "us-east1-b" })).toBe("us-east1");
    expect(at({ zone: "us-central1-a" })).toBe("us-central1");
    expect(at({ zone: "ab" })).toBe("ab");
    expect(at({ zone: "" })).toBeUndefined();
    expect(at({ zone: 5 })).toBeUndefined();
    expect(at({})).toBeUndefined();
  });

  it("gcp.policyDelta depends on the resource type; gcp.logging.sink only for a sink", () => {
    const bucket = doc(
      entry(
        { type: "gcs_bucket", labels: {} },
        { serviceData: { policyDelta: { bindingDeltas: "x" } }, metadata: {} },
      ),
    );
    expect(bucket["gcp.policyDelta"]).toBe("x");
    const dataset = doc(
      entry(
        { type: "bigquery_dataset", labels: { name: "not-a-sink" } },
        {
          serviceData: { policyDelta: { bindingDeltas: "x" } },
          metadata: { datasetChange: { bindingDeltas: [{ action: "ADD" }] } },
        },
      ),
    );
    expect(dataset["gcp.policyDelta"]).toBe("");
    expect(dataset).not.toHaveProperty("gcp.logging.sink");
    const sink = doc(entry({ type: "logging_sink", labels: { name: "to-bucket" } }));
    expect(sink["gcp.logging.sink"]).toBe("to-bucket");
    expect(sink).not.toHaveProperty("gcp.policyDelta");
  });
});

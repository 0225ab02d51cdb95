import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadFixtures, type Fixture } from "../../src/verify/fixtures.js";
import { valuesAt } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { splunkView } from "../../src/verify/views/splunk.js";
import { REFERENCE, referenceTitle } from "../helpers/shared-data.js";

/**
 * The cloud views against the vendors' own expectations: Elastic's pipeline tests (input record
 * and expected document) where the reference data has them, and structural facts of the
 * transformations, reasoned from the raw record of each fixture (not from the views' output).
 */

type Raw = Record<string, unknown>;
const { fixtures } = loadFixtures(["test/fixtures/cloud"]);
const raw = (f: Fixture): Raw => f.event as Raw;
const of = (prefix: string): Fixture[] => fixtures.filter((f) => f.id.startsWith(`${prefix}-`));
const one = (doc: unknown, path: string): unknown => valuesAt(doc, path)[0];

const CLOUDTRAIL_TEST = `${REFERENCE}cloud/elastic-aws-cloudtrail/test-assume-role-aws-service-json.log`;

describe("Elastic view of CloudTrail records", () => {
  it.skipIf(!existsSync(CLOUDTRAIL_TEST))(
    referenceTitle("gives the integration's expected document for its pipeline test"),
    () => {
      const input = JSON.parse(readFileSync(CLOUDTRAIL_TEST, "utf8")) as Raw;
      const expected = (
        JSON.parse(readFileSync(`${CLOUDTRAIL_TEST}-expected.json`, "utf8")) as {
          expected: Raw[];
        }
      ).expected[0]!;
      const doc = elasticView.document(input);
      // Every field the view models, as the integration's own test expects it.
      for (const path of [
        "event.action",
        "event.provider",
        "event.id",
        "event.kind",
        "event.outcome",
        "cloud.region",
        "cloud.account.id",
        "source.address",
        "user_agent.original",
        "aws.cloudtrail.event_type",
        "aws.cloudtrail.event_version",
        "aws.cloudtrail.request_id",
        "aws.cloudtrail.recipient_account_id",
        "aws.cloudtrail.user_identity.type",
        "aws.cloudtrail.user_identity.invoked_by",
        "aws.cloudtrail.resources",
        "aws.cloudtrail.flattened.request_parameters",
        "aws.cloudtrail.flattened.response_elements",
      ])
        expect(valuesAt(doc, path), path).toEqual(valuesAt(expected, path));
      // "ec2.amazonaws.com" is no address: no source.ip, as expected.
      expect(valuesAt(doc, "source.ip")).toEqual([]);
      expect(valuesAt(expected, "source.ip")).toEqual([]);
    },
  );

  it("routes every CloudTrail record to aws.cloudtrail and moves eventName/eventSource into ECS", () => {
    const records = of("ct");
    expect(records.length).toBeGreaterThanOrEqual(60);
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["aws.cloudtrail"]);
      expect(one(doc, "event.action"), f.id).toBe(e.eventName);
      expect(one(doc, "event.provider"), f.id).toBe(e.eventSource);
      expect(one(doc, "cloud.region"), f.id).toBe(e.awsRegion);
      // The pipeline removes `json`: no raw name survives.
      expect(valuesAt(doc, "eventName"), f.id).toEqual([]);
      expect(valuesAt(doc, "json"), f.id).toEqual([]);
      const failed = e.errorCode !== undefined || e.errorMessage !== undefined;
      const login = (e.responseElements as Raw | null)?.ConsoleLogin;
      const outcome =
        e.eventName === "ConsoleLogin" && typeof login === "string"
          ? login.toLowerCase()
          : failed
            ? "failure"
            : "success";
      expect(one(doc, "event.outcome"), f.id).toBe(outcome);
    }
  });

  it("keeps requestParameters' leaves as keyword text under the flattened copy", () => {
    const f = of("ct").find((x) => x.id === "ct-guardduty-disable-detector")!;
    const doc = elasticView.document(f.event);
    expect(valuesAt(doc, "aws.cloudtrail.flattened.request_parameters.enable")).toEqual(["false"]);
    const ecs = of("ct").find((x) => x.id === "ct-ecs-credentials-endpoint")!;
    expect(
      valuesAt(
        elasticView.document(ecs.event),
        "aws.cloudtrail.flattened.request_parameters.containerDefinitions.command",
      ),
    ).toHaveLength(5);
  });

  it("writes user.name from userName, else from an assumed role's issuer", () => {
    for (const f of of("ct")) {
      const id = raw(f).userIdentity as Raw;
      const issuer = ((id.sessionContext as Raw | undefined)?.sessionIssuer as Raw | undefined)
        ?.userName;
      const doc = elasticView.document(f.event);
      expect(one(doc, "user.name"), f.id).toBe(id.userName ?? issuer);
    }
  });
});

describe("Splunk view of CloudTrail records", () => {
  it("gives sourcetype aws:cloudtrail and the JSON names, arrays with {}", () => {
    for (const f of of("ct")) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["aws:cloudtrail"]);
      expect(doc.eventName, f.id).toEqual([e.eventName]);
      expect(doc["userIdentity.type"], f.id).toEqual([(e.userIdentity as Raw).type]);
    }
    const ecs = of("ct").find((x) => x.id === "ct-ecs-credentials-endpoint")!;
    const doc = splunkView.document(ecs.event) as Record<string, string[]>;
    expect(doc["requestParameters.containerDefinitions{}.command{}"]).toHaveLength(5);
  });
});

describe("Elastic view of Okta LogEvents", () => {
  it("routes to okta.system, renames into okta.* and keeps no raw name", () => {
    const events = of("okta");
    expect(events.length).toBeGreaterThanOrEqual(60);
    for (const f of events) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["okta.system"]);
      expect(one(doc, "okta.event_type"), f.id).toBe(e.eventType);
      expect(one(doc, "event.action"), f.id).toBe(e.eventType);
      // "" is dropped by the first script.
      expect(one(doc, "okta.display_message"), f.id).toBe(
        e.displayMessage === "" ? undefined : e.displayMessage,
      );
      // legacyEventType and severity are not moved: they go with `json`.
      expect(valuesAt(doc, "legacyEventType"), f.id).toEqual([]);
      expect(valuesAt(doc, "okta.severity"), f.id).toEqual([]);
      const proxy = (e.securityContext as Raw).isProxy;
      expect(valuesAt(doc, "okta.security_context.is_proxy"), f.id).toEqual(
        typeof proxy === "boolean" ? [proxy] : [],
      );
      const targets = e.target as Raw[];
      expect(valuesAt(doc, "okta.target.display_name"), f.id).toEqual(
        targets.map((t) => t.displayName).filter((v) => v !== null && v !== ""),
      );
      expect(valuesAt(doc, "okta.target.displayName"), f.id).toEqual([]);
    }
  });
});

describe("Splunk view of Okta LogEvents", () => {
  it("gives sourcetype OktaIM2:log and target{} names", () => {
    for (const f of of("okta")) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["OktaIM2:log"]);
      const names = (e.target as Raw[]).map((t) => String(t.displayName));
      expect(doc["target{}.displayName"] ?? [], f.id).toEqual(names);
    }
  });
});

describe("views of GCP audit entries", () => {
  it("Elastic: gcp.audit with methodName in event.action and serviceName in service.name", () => {
    const entries = of("gcp");
    expect(entries.length).toBeGreaterThanOrEqual(60);
    for (const f of entries) {
      const e = raw(f);
      const p = e.protoPayload as Raw;
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["gcp.audit"]);
      expect(valuesAt(doc, "event.action"), f.id).toEqual(
        p.methodName === undefined ? [] : [p.methodName],
      );
      expect(one(doc, "service.name"), f.id).toBe(p.serviceName);
      expect(one(doc, "log.logger"), f.id).toBe(e.logName);
      expect(one(doc, "event.provider"), f.id).toBe(String(e.logName).split("%2F")[1]);
      // No processor writes gcp.audit.method_name.
      expect(valuesAt(doc, "gcp.audit.method_name"), f.id).toEqual([]);
    }
  });

  it("Splunk: the Pub/Sub message with the entry under data", () => {
    for (const f of of("gcp")) {
      const p = raw(f).protoPayload as Raw;
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["google:gcp:pubsub:message"]);
      expect(doc["data.protoPayload.methodName"] ?? [], f.id).toEqual(
        p.methodName === undefined ? [] : [p.methodName],
      );
      expect(doc["protoPayload.methodName"], f.id).toBeUndefined();
    }
  });
});

describe("views of Azure diagnostic records", () => {
  it("Elastic: activity records in azure.activitylogs, risk detections in azure.identity_protection", () => {
    const records = of("az");
    expect(records.length).toBeGreaterThanOrEqual(60);
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      if (e.category === "UserRiskEvents") {
        expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["azure.identity_protection"]);
        expect(one(doc, "azure.identityprotection.properties.risk_event_type"), f.id).toBe(
          (e.properties as Raw).riskEventType,
        );
        expect(valuesAt(doc, "azure.identityprotection.properties.riskEventType"), f.id).toEqual(
          [],
        );
      } else {
        expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["azure.activitylogs"]);
        expect(one(doc, "azure.activitylogs.operation_name"), f.id).toBe(e.operationName);
        expect(one(doc, "event.action"), f.id).toBe(e.operationName);
        expect(one(doc, "azure.resource_id"), f.id).toBe(e.resourceId);
        expect(one(doc, "azure.activitylogs.category"), f.id).toBe(e.category);
      }
    }
  });

  it("Splunk: the Event Hub event with the record under body", () => {
    for (const f of of("az")) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["mscs:azure:eventhub"]);
      expect(doc["body.operationName"], f.id).toEqual([e.operationName]);
      expect(doc.operationName, f.id).toBeUndefined();
    }
  });
});

describe("views of Entra ID sign-in and audit records", () => {
  const snake = (k: string): string => k.replace(/([a-z])([A-Z]+)/g, "$1_$2").toLowerCase();

  it("Elastic: sign-ins in azure.signinlogs with snake-case keys, audits in azure.auditlogs", () => {
    const records = of("entra");
    expect(records.length).toBeGreaterThanOrEqual(60);
    for (const f of records) {
      const e = raw(f);
      const p = e.properties as Raw;
      const doc = elasticView.document(f.event);
      if (String(e.category).endsWith("SignInLogs")) {
        expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["azure.signinlogs"]);
        expect(one(doc, "azure.signinlogs.result_type"), f.id).toBe(e.resultType);
        expect(one(doc, "geo.country_iso_code"), f.id).toBe(e.location);
        expect(one(doc, "azure.signinlogs.properties.authentication_requirement"), f.id).toBe(
          p.authenticationRequirement,
        );
        // The pipeline's integration test: properties.status.failureReason becomes the message.
        const status = p.status as Raw;
        expect(one(doc, "message"), f.id).toBe(status.failureReason);
        expect(valuesAt(doc, "azure.signinlogs.resultType"), f.id).toEqual([]);
        const device = p.deviceDetail as Raw;
        for (const [k, v] of Object.entries(device))
          if (v !== "")
            expect(one(doc, `azure.signinlogs.properties.device_detail.${snake(k)}`), k).toBe(v);
        if (p.userAgent !== "") expect(one(doc, "user_agent.original"), f.id).toBe(p.userAgent);
        // properties.ipAddress wins over callerIpAddress.
        expect(one(doc, "source.ip"), f.id).toBe(p.ipAddress);
      } else if (e.category === "AuditLogs") {
        expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["azure.auditlogs"]);
        expect(one(doc, "azure.auditlogs.operation_name"), f.id).toBe(e.operationName);
        expect(one(doc, "event.action"), f.id).toBe(e.operationName);
        expect(one(doc, "azure.auditlogs.properties.logged_by_service"), f.id).toBe(
          p.loggedByService,
        );
        const result = String(p.result);
        const moved = ["success", "failure"].includes(result.toLowerCase());
        expect(one(doc, moved ? "event.outcome" : "azure.auditlogs.properties.result"), f.id).toBe(
          result,
        );
        const targets = p.targetResources as Raw[];
        targets.forEach((t, i) =>
          expect(one(doc, `azure.auditlogs.properties.target_resources.${i}.type`), f.id).toBe(
            t.type,
          ),
        );
      }
    }
  });

  it("Splunk: the Event Hub event with the record under body", () => {
    for (const f of of("entra")) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["mscs:azure:eventhub"]);
      expect(doc["body.category"], f.id).toEqual([e.category]);
    }
  });
});

describe("views of OpenCanary and Bitbucket audit events", () => {
  it("Elastic: opencanary.events names the logtype in log.logger and keeps no number", () => {
    const records = of("canary");
    expect(records.length).toBeGreaterThanOrEqual(30);
    // The integration's table (its pipeline test expects LOG_PORT_SYN for 5001, LOG_SSH_NEW_CONNECTION
    // for 4000): a few codes as opencanary/logger.py names them.
    const names: Record<number, string> = {
      4000: "LOG_SSH_NEW_CONNECTION",
      4002: "LOG_SSH_LOGIN_ATTEMPT",
      5001: "LOG_PORT_SYN",
      5005: "LOG_PORT_NMAPFIN",
      17001: "LOG_REDIS_COMMAND",
    };
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["opencanary.events"]);
      expect(valuesAt(doc, "opencanary.logtype"), f.id).toEqual([]);
      const code = e.logtype as number;
      if (names[code] !== undefined) expect(one(doc, "log.logger"), f.id).toBe(names[code]);
      // 99000 is LOG_USER_0 upstream but not in this model's table: the number stays.
      expect(one(doc, "opencanary.node.id"), f.id).toBe(e.node_id);
      const splunk = splunkView.document(f.event) as Record<string, string[]>;
      expect(splunk.sourcetype, f.id).toEqual(["opencanary"]);
      expect(splunk.logtype, f.id).toEqual([String(code)]);
    }
  });

  it("Elastic: atlassian_bitbucket.audit keeps auditType's keys under bitbucket.audit.type", () => {
    const records = of("bb");
    expect(records.length).toBeGreaterThanOrEqual(30);
    for (const f of records) {
      const t = raw(f).auditType as Raw;
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["atlassian_bitbucket.audit"]);
      expect(one(doc, "bitbucket.audit.type.category"), f.id).toBe(t.category);
      expect(one(doc, "bitbucket.audit.type.action"), f.id).toBe(t.action);
      expect(one(doc, "event.action"), f.id).toBe(t.actionI18nKey);
      const splunk = splunkView.document(f.event) as Record<string, string[]>;
      expect(splunk.sourcetype, f.id).toEqual(["bitbucket:audit"]);
      expect(splunk["auditType.action"], f.id).toEqual([t.action]);
    }
  });
});

describe("views of Office 365 Management Activity records", () => {
  it("Elastic: o365.audit with Workload in event.provider and Operation in event.action", () => {
    const records = of("m365");
    expect(records.length).toBeGreaterThanOrEqual(20);
    // The integration's own rewrites of Azure AD user operations.
    const rewritten: Record<string, string> = { "Add user.": "added-user-account" };
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["o365.audit"]);
      expect(one(doc, "event.provider"), f.id).toBe(e.Workload);
      const op = String(e.Operation);
      expect(one(doc, "event.action"), f.id).toBe(
        e.Workload === "AzureActiveDirectory" && e.RecordType === 8 ? (rewritten[op] ?? op) : op,
      );
      expect(valuesAt(doc, "o365.audit.Operation"), f.id).toEqual([]);
      if (typeof e.Directionality === "string")
        expect(one(doc, "o365.audit.Directionality"), f.id).toBe(e.Directionality);
      const splunk = splunkView.document(f.event) as Record<string, string[]>;
      expect(splunk.sourcetype, f.id).toEqual(["o365:management:activity"]);
      expect(splunk.Operation, f.id).toEqual([op]);
    }
  });
});

describe("views of Zeek dns.log records", () => {
  it("Elastic: zeek.dns keeps query, answers and qtype_name; ECS takes the connection", () => {
    const records = of("dns");
    expect(records.length).toBeGreaterThanOrEqual(30);
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["zeek.dns"]);
      expect(one(doc, "zeek.dns.query"), f.id).toBe(e.query);
      expect(one(doc, "zeek.dns.qtype_name"), f.id).toBe(e.qtype_name);
      expect(one(doc, "dns.question.type"), f.id).toBe(e.qtype_name);
      expect(valuesAt(doc, "zeek.dns.answers"), f.id).toEqual(e.answers ?? []);
      expect(one(doc, "source.address"), f.id).toBe(e["id.orig_h"]);
      expect(one(doc, "zeek.session_id"), f.id).toBe(e.uid);
      expect(one(doc, "zeek.dns.trans_id"), f.id).toBe(String(e.trans_id));
      expect(valuesAt(doc, "zeek.dns.ts"), f.id).toEqual([]);
      const splunk = splunkView.document(f.event) as Record<string, string[]>;
      expect(splunk.sourcetype, f.id).toEqual(["bro:dns:json"]);
      expect(splunk["answers{}"] ?? [], f.id).toEqual((e.answers as string[] | undefined) ?? []);
    }
  });
});

describe("views of GitHub audit events", () => {
  it("Elastic: github.audit with action in event.action; Splunk: github:cloud:audit", () => {
    for (const f of of("gh")) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["github.audit"]);
      expect(one(doc, "event.action"), f.id).toBe(e.action);
      expect(one(doc, "user.name"), f.id).toBe(e.actor);
      expect(one(doc, "github.category"), f.id).toBe(/^([a-z_]+)\./.exec(String(e.action))?.[1]);
      const s = splunkView.document(f.event) as Record<string, string[]>;
      expect(s.sourcetype, f.id).toEqual(["github:cloud:audit"]);
      expect(s.action, f.id).toEqual([e.action]);
    }
  });
});

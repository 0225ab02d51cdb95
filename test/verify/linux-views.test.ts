import { describe, expect, it } from "vitest";
import { inLogsource } from "../../src/sigma/logsource-membership.js";
import { loadFixtures, type Fixture } from "../../src/verify/fixtures.js";
import { valuesAt } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { splunkView } from "../../src/verify/views/splunk.js";

/**
 * Structural facts of the views' documents for the Linux fixtures, each reasoned from the
 * vendor's transformation (the sysmon_linux and auditd ingest pipelines, Splunk's extraction),
 * computed per fixture from the raw record, and the Linux logsource membership.
 */

type Raw = Record<string, unknown>;
const { fixtures } = loadFixtures(["test/fixtures/linux"]);
const raw = (f: Fixture): Raw => f.event as Raw;
const sysmon = (id: number): Fixture[] =>
  fixtures.filter((f) => raw(f).Channel === "Linux-Sysmon/Operational" && raw(f).EventID === id);
const audits = (type: string): Fixture[] => fixtures.filter((f) => raw(f).type === type);
const one = (doc: unknown, path: string): unknown => valuesAt(doc, path)[0];

describe("Elastic view of Sysmon for Linux records (sysmon_linux integration)", () => {
  it("routes them to sysmon_linux.log with the EventID as event.code", () => {
    const all = fixtures.filter((f) => raw(f).Channel === "Linux-Sysmon/Operational");
    expect(all.length).toBeGreaterThan(50);
    for (const f of all) {
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["sysmon_linux.log"]);
      expect(one(doc, "event.code"), f.id).toBe(String(raw(f).EventID));
    }
  });

  it("moves process keys into process.*, drops '-' values and keeps no Linux user", () => {
    for (const f of sysmon(1)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "process.executable"), f.id).toBe(e.Image);
      expect(one(doc, "process.command_line"), f.id).toBe(e.CommandLine);
      expect(one(doc, "process.parent.executable"), f.id).toBe(e.ParentImage);
      expect(one(doc, "process.pid"), f.id).toBe(e.ProcessId);
      expect(one(doc, "process.working_directory"), f.id).toBe(e.CurrentDirectory);
      // The syslog program name, not the process's (no backslash in a Linux path).
      expect(one(doc, "process.name"), f.id).toBe("sysmon");
      // "-" values are dropped first: no OriginalFileName, no hashes.
      expect(valuesAt(doc, "process.pe.original_file_name"), f.id).toEqual([]);
      expect(valuesAt(doc, "winlog.event_data.Hashes"), f.id).toEqual([]);
      // A user name without a backslash is split into one part: kept nowhere.
      expect(valuesAt(doc, "user.name"), f.id).toEqual([]);
      expect(valuesAt(doc, "winlog.event_data.User"), f.id).toEqual([]);
      expect(one(doc, "winlog.event_data.LogonId"), f.id).toBe(String(e.LogonId));
    }
  });

  it("puts TargetFilename in file.path and the destination in destination.*", () => {
    for (const f of sysmon(11))
      expect(one(elasticView.document(f.event), "file.path"), f.id).toBe(raw(f).TargetFilename);
    for (const f of sysmon(3)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "destination.ip"), f.id).toBe(e.DestinationIp);
      expect(one(doc, "destination.port"), f.id).toBe(e.DestinationPort);
      expect(one(doc, "network.direction"), f.id).toBe("egress");
      expect(valuesAt(doc, "winlog.event_data.Initiated"), f.id).toEqual([]);
      const host = e.DestinationHostname === "-" ? [] : [e.DestinationHostname];
      expect(valuesAt(doc, "destination.domain"), f.id).toEqual(host);
    }
  });
});

describe("Elastic view of audit records (auditd integration)", () => {
  it("writes an EXECVE record's arguments as process.args in order, a0 also as the executable", () => {
    const execve = audits("EXECVE");
    expect(execve.length).toBeGreaterThan(10);
    for (const f of execve) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      const args = Object.keys(e)
        .filter((k) => /^a\d+$/.test(k))
        .map((k) => String(e[k]));
      expect(valuesAt(doc, "process.args"), f.id).toEqual(args);
      expect(one(doc, "process.executable"), f.id).toBe(args[0]);
      expect(one(doc, "process.args_count"), f.id).toBe(e.argc);
      expect(valuesAt(doc, "auditd.log.a0"), f.id).toEqual([]);
      // EXECVE is not in the integration's event table: its type, lower-cased, is the action.
      expect(valuesAt(doc, "event.action"), f.id).toEqual(["execve"]);
    }
  });

  it("moves SYSCALL identity and process keys into user.* and process.*", () => {
    for (const f of audits("SYSCALL")) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["auditd.log"]);
      expect(valuesAt(doc, "event.action"), f.id).toEqual(["syscall"]);
      expect(one(doc, "process.executable"), f.id).toBe(e.exe);
      expect(one(doc, "process.name"), f.id).toBe(e.comm);
      expect(one(doc, "process.pid"), f.id).toBe(e.pid);
      expect(one(doc, "user.effective.id"), f.id).toBe(String(e.euid));
      // The enriched name keeps its upper-case key; "(null)" keys are dropped.
      expect(one(doc, "auditd.log.SYSCALL"), f.id).toBe(e.SYSCALL);
      expect(valuesAt(doc, "auditd.log.key"), f.id).toEqual(e.key === "(null)" ? [] : [e.key]);
      expect(one(doc, "auditd.log.success"), f.id).toBe(true);
      expect(one(doc, "host.architecture"), f.id).toBe("x86_64");
    }
  });

  it("names a record type of the integration's event table by its action", () => {
    const doc = elasticView.document({
      type: "SERVICE_STOP",
      msg: "audit(1723044684.257:15795)",
      pid: 1,
      uid: 0,
      unit: "firewalld",
      res: "success",
    });
    expect(valuesAt(doc, "event.action")).toEqual(["stopped-service"]);
    expect(valuesAt(doc, "auditd.log.record_type")).toEqual(["SERVICE_STOP"]);
    expect(valuesAt(doc, "auditd.log.unit")).toEqual(["firewalld"]);
  });

  it("decodes a hex value of a name key only when it holds a space, quote or control character", () => {
    const doc = (name: string): unknown =>
      elasticView.document({ type: "PATH", msg: "audit(1.000:1)", item: 0, name });
    // "/tmp/a b" in hex: a space, so decoded.
    expect(valuesAt(doc("2F746D702F612062"), "auditd.log.name")).toEqual(["/tmp/a b"]);
    // "/tmp/ab" in hex: nothing to encode, so kept as written.
    expect(valuesAt(doc("2F746D702F6162"), "auditd.log.name")).toEqual(["2F746D702F6162"]);
  });
});

describe("Splunk view of Linux records", () => {
  it("reads Sysmon for Linux as sysmon:linux with the Sysmon names and EventCode", () => {
    for (const f of sysmon(1)) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["sysmon:linux"]);
      expect(doc.source, f.id).toEqual(["Syslog:Linux-Sysmon/Operational"]);
      expect(doc.EventCode, f.id).toEqual(["1"]);
      expect(doc.User, f.id).toEqual([e.User]);
      expect(doc.Hashes, f.id).toEqual(["-"]);
      const cmd = String(e.CommandLine);
      const escaped = cmd.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
      expect(doc.CommandLine, f.id).toEqual([escaped]);
    }
  });

  it("reads audit records as linux:audit key=value fields, keys cleaned", () => {
    for (const f of [...audits("EXECVE"), ...audits("SYSCALL"), ...audits("PATH")]) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.sourcetype, f.id).toEqual(["linux:audit"]);
      expect(doc.type, f.id).toEqual([e.type]);
      for (const [k, v] of Object.entries(e))
        if (k !== "msg" && k !== "type")
          expect(doc[k.replace(/[^A-Za-z0-9_]/g, "_")], `${f.id} ${k}`).toEqual([String(v)]);
    }
  });
});

describe("Linux logsource membership", () => {
  const byId = (id: string): Raw => raw(fixtures.find((f) => f.id === id)!);
  const pc = { product: "linux", category: "process_creation" };
  const fe = { product: "linux", category: "file_event" };
  const nc = { product: "linux", category: "network_connection" };
  const ad = { product: "linux", service: "auditd" };

  it("holds each category to its Sysmon for Linux EventID and auditd to audit records", () => {
    const proc = byId("lx-curl-api");
    const file = byId("lx-file-by-curl");
    const net = byId("lx-net-ngrok");
    const rec = byId("lx-audit-curl-execve");
    expect([pc, fe, nc, ad].map((l) => inLogsource(l, proc))).toEqual([true, false, false, false]);
    expect([pc, fe, nc, ad].map((l) => inLogsource(l, file))).toEqual([false, true, false, false]);
    expect([pc, fe, nc, ad].map((l) => inLogsource(l, net))).toEqual([false, false, true, false]);
    expect([pc, fe, nc, ad].map((l) => inLogsource(l, rec))).toEqual([false, false, false, true]);
    // A Windows Sysmon 1 record is no Linux process creation, and the reverse.
    const win = { ...proc, Channel: "Microsoft-Windows-Sysmon/Operational" };
    expect(inLogsource(pc, win)).toBe(false);
    expect(inLogsource({ product: "windows", category: "process_creation" }, proc)).toBe(false);
  });
});

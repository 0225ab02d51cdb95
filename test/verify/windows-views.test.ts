import { describe, expect, it } from "vitest";
import { loadFixtures, type Fixture } from "../../src/verify/fixtures.js";
import { valuesAt } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { jsView } from "../../src/verify/views/js.js";
import { splunkView } from "../../src/verify/views/splunk.js";

/**
 * Structural facts of the views' documents for the Windows fixtures, each reasoned from the
 * vendor's transformation (the pipelines and add-ons named in the views), not from the views'
 * own output: for every fixture the fact is computed from the raw record.
 */

type Raw = Record<string, unknown>;
const { fixtures } = loadFixtures(["test/fixtures/windows"]);
const SYSMON = "Microsoft-Windows-Sysmon/Operational";
const raw = (f: Fixture): Raw => f.event as Raw;
const byId = (id: string): Fixture => {
  const f = fixtures.find((x) => x.id === id);
  if (!f) throw new Error(`no fixture ${id}`);
  return f;
};
const sysmonWith = (eventId: number): Fixture[] =>
  fixtures.filter((f) => raw(f).Channel === SYSMON && raw(f).EventID === eventId);
const one = (doc: unknown, path: string): unknown => valuesAt(doc, path)[0];
const text = (v: unknown): string => (typeof v === "number" ? String(v) : String(v));
const basename = (p: string): string => p.slice(p.lastIndexOf("\\") + 1);

describe("Elastic view of the Windows fixtures", () => {
  it("routes Sysmon records to windows.sysmon_operational with event.code and winlog.channel", () => {
    const sysmon = fixtures.filter((f) => raw(f).Channel === SYSMON);
    expect(sysmon.length).toBeGreaterThan(100);
    for (const f of sysmon) {
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["windows.sysmon_operational"]);
      expect(one(doc, "event.code"), f.id).toBe(String(raw(f).EventID));
      expect(one(doc, "winlog.channel"), f.id).toBe(SYSMON);
    }
  });

  it("drops '-', empty and all-zero-GUID values before mapping (Sysmon pipeline's first script)", () => {
    const dropped = new Set(["-", "", "{00000000-0000-0000-0000-000000000000}"]);
    let withDash = 0;
    for (const f of fixtures.filter((x) => raw(x).Channel === SYSMON)) {
      const doc = elasticView.document(f.event);
      const ed = valuesAt(doc, "winlog.event_data");
      for (const obj of ed)
        for (const v of Object.values(obj as Raw)) expect(dropped.has(String(v)), f.id).toBe(false);
      if (raw(f).ParentImage === "-") {
        withDash++;
        expect(valuesAt(doc, "process.parent.executable"), f.id).toEqual([]);
        expect(valuesAt(doc, "process.parent.entity_id"), f.id).toEqual([]);
      }
    }
    // The regression's bitsadmin records ran with an exited parent: ParentImage "-", GUID all zero.
    expect(withDash).toBeGreaterThan(0);
  });

  it("splits User at the backslash into user.domain and user.name and removes it", () => {
    let checked = 0;
    for (const f of fixtures.filter((x) => raw(x).Channel === SYSMON)) {
      const user = raw(f).User;
      if (typeof user !== "string") continue;
      const [domain, name] = user.split("\\");
      const doc = elasticView.document(f.event);
      expect(one(doc, "user.domain"), f.id).toBe(domain);
      expect(one(doc, "user.name"), f.id).toBe(name);
      expect(valuesAt(doc, "winlog.event_data.User"), f.id).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    const system = elasticView.document(byId("reg-task-index-deleted").event);
    expect(one(system, "user.domain")).toBe("NT AUTHORITY");
    expect(one(system, "user.name")).toBe("SYSTEM");
  });

  it("moves Sysmon 1 process fields into process.* and keeps IntegrityLevel and LogonId", () => {
    for (const f of sysmonWith(1)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "process.executable"), f.id).toBe(e.Image);
      expect(one(doc, "process.name"), f.id).toBe(basename(String(e.Image)));
      expect(one(doc, "process.command_line"), f.id).toBe(e.CommandLine);
      expect(one(doc, "process.pid"), f.id).toBe(e.ProcessId);
      if (e.OriginalFileName !== "-")
        expect(one(doc, "process.pe.original_file_name"), f.id).toBe(e.OriginalFileName);
      expect(one(doc, "winlog.event_data.IntegrityLevel"), f.id).toBe(e.IntegrityLevel);
      expect(one(doc, "winlog.event_data.LogonId"), f.id).toBe(e.LogonId);
      for (const moved of ["Image", "CommandLine", "OriginalFileName", "Hashes", "ProcessId"])
        expect(valuesAt(doc, `winlog.event_data.${moved}`), `${f.id} ${moved}`).toEqual([]);
    }
  });

  it("puts Sysmon 1 hashes in process.hash.* lower-cased, IMPHASH in process.pe.imphash", () => {
    for (const f of sysmonWith(1)) {
      const doc = elasticView.document(f.event);
      for (const pair of String(raw(f).Hashes).split(",")) {
        const [alg, value] = pair.split("=") as [string, string];
        const field =
          alg === "IMPHASH" ? "process.pe.imphash" : `process.hash.${alg.toLowerCase()}`;
        expect(one(doc, field), `${f.id} ${alg}`).toBe(value.toLowerCase());
      }
    }
  });

  it("reads Security 4688 with the System integration: NewProcessName and the creating account", () => {
    const records = fixtures.filter((f) => raw(f).EventID === 4688);
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const f of records) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["system.security"]);
      expect(one(doc, "process.executable"), f.id).toBe(e.NewProcessName);
      expect(one(doc, "process.parent.executable"), f.id).toBe(e.ParentProcessName);
      expect(one(doc, "process.command_line"), f.id).toBe(e.CommandLine);
      // CommandLine is copied, NewProcessName moved.
      expect(one(doc, "winlog.event_data.CommandLine"), f.id).toBe(e.CommandLine);
      expect(valuesAt(doc, "winlog.event_data.NewProcessName"), f.id).toEqual([]);
      expect(one(doc, "process.pid"), f.id).toBe(parseInt(String(e.NewProcessId), 16));
      expect(one(doc, "user.name"), f.id).toBe(e.SubjectUserName);
      expect(one(doc, "user.domain"), f.id).toBe(e.SubjectDomainName);
      // TargetUserName "-": no effective user.
      expect(valuesAt(doc, "user.effective.name"), f.id).toEqual([]);
      // The Security pipeline keeps "-" values.
      expect(one(doc, "winlog.event_data.TargetUserName"), f.id).toBe("-");
    }
  });

  it("turns registry TargetObject into registry.path and DWORD details into their number", () => {
    for (const f of [...sysmonWith(12), ...sysmonWith(13)]) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "registry.path"), f.id).toBe(e.TargetObject);
      expect(valuesAt(doc, "winlog.event_data.TargetObject"), f.id).toEqual([]);
      const dword = /^DWORD \((0x[0-9a-fA-F]{8})\)$/.exec(String(e.Details ?? ""));
      if (dword) {
        expect(valuesAt(doc, "registry.data.strings"), f.id).toEqual([
          String(parseInt(dword[1]!, 16)),
        ]);
        expect(one(doc, "registry.data.type"), f.id).toBe("SZ_DWORD");
        expect(one(doc, "winlog.event_data.Details"), f.id).toBe(e.Details);
      }
    }
  });

  it("reads Initiated as network.direction, ports as numbers, QueryName and QueryStatus", () => {
    for (const f of sysmonWith(3)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "network.direction"), f.id).toBe(
        e.Initiated === "true" ? "egress" : "ingress",
      );
      expect(one(doc, "destination.port"), f.id).toBe(e.DestinationPort);
      expect(valuesAt(doc, "winlog.event_data.Initiated"), f.id).toEqual([]);
    }
    for (const f of sysmonWith(22)) {
      const doc = elasticView.document(f.event);
      expect(one(doc, "dns.question.name"), f.id).toBe(raw(f).QueryName);
      expect(one(doc, "sysmon.dns.status"), f.id).toBe("SUCCESS");
    }
  });

  it("describes the loaded image of Sysmon 7 under file.* and dll.*, the loader under process.*", () => {
    for (const f of sysmonWith(7)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      expect(one(doc, "file.path"), f.id).toBe(e.ImageLoaded);
      expect(one(doc, "dll.path"), f.id).toBe(e.ImageLoaded);
      expect(one(doc, "process.executable"), f.id).toBe(e.Image);
      if (e.OriginalFileName !== "-") {
        expect(one(doc, "file.pe.original_file_name"), f.id).toBe(e.OriginalFileName);
        expect(valuesAt(doc, "process.pe.original_file_name"), f.id).toEqual([]);
      }
    }
  });

  it("reads PowerShell script blocks trimmed, and PowerShell 7's channel is not collected", () => {
    for (const f of fixtures.filter((x) => raw(x).EventID === 4104)) {
      const e = raw(f);
      const doc = elasticView.document(f.event);
      if (e.Channel === "PowerShellCore/Operational") {
        expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual(["winlog.winlog"]);
        continue;
      }
      expect(valuesAt(doc, "data_stream.dataset"), f.id).toEqual([
        "windows.powershell_operational",
      ]);
      const block = String(e.ScriptBlockText).replaceAll("\r\n", "\n").trim();
      expect(one(doc, "powershell.file.script_block_text"), f.id).toBe(block);
      expect(valuesAt(doc, "winlog.event_data.ScriptBlockText"), f.id).toEqual([]);
      expect(valuesAt(doc, "file.path"), f.id).toEqual(e.Path === "" ? [] : [e.Path]);
    }
    const trimmed = elasticView.document(byId("ps-enable-psremoting-trailing-space-line").event);
    expect(String(one(trimmed, "powershell.file.script_block_text")).endsWith(" ")).toBe(false);
  });

  it("parses the classic engine-start Data into event_data and process.command_line", () => {
    for (const f of fixtures.filter((x) => raw(x).Channel === "Windows PowerShell")) {
      const third = String((raw(f).Data as string[])[2]);
      const host = /\tHostApplication=([^\r\n]*)/.exec(third)![1]!;
      const engine = /\tEngineVersion=([^\r\n]*)/.exec(third)![1]!;
      const doc = elasticView.document(f.event);
      expect(one(doc, "process.command_line"), f.id).toBe(host);
      expect(one(doc, "powershell.engine.version"), f.id).toBe(engine);
      expect(valuesAt(doc, "winlog.event_data.param3"), f.id).toEqual([]);
    }
  });
});

describe("Splunk view of the Windows fixtures", () => {
  it("names source XmlWinEventLog:<Channel>, sourcetype XmlWinEventLog and EventCode", () => {
    for (const f of fixtures) {
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      expect(doc.source, f.id).toEqual([`XmlWinEventLog:${String(raw(f).Channel)}`]);
      expect(doc.sourcetype, f.id).toEqual(["XmlWinEventLog"]);
      expect(doc.EventCode, f.id).toEqual([String(raw(f).EventID)]);
    }
  });

  it("keeps '-', leaves out empty values and keeps the XML escapes of &, < and >", () => {
    for (const f of fixtures) {
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      for (const [k, v] of Object.entries(raw(f))) {
        if (k === "Data" || typeof v === "object") continue;
        const want =
          v === ""
            ? undefined
            : [text(v).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")];
        if (["EventID", "Channel", "Computer"].includes(k) || k.includes("_")) continue;
        if (["Version", "Level", "Task", "Opcode", "Keywords", "EventRecordID"].includes(k))
          continue;
        expect(doc[k], `${f.id} ${k}`).toEqual(want);
      }
    }
    const uac = splunkView.document(byId("reg-uac-environment-windir").event) as Record<
      string,
      string[]
    >;
    expect(uac.Details).toEqual(["cmd /c start powershell&amp;REM"]);
    const bits = splunkView.document(byId("pc-bitsadmin-transfer").event) as Record<
      string,
      string[]
    >;
    expect(bits.ParentImage).toEqual(["-"]);
  });

  it("splits Sysmon hashes and fills CIM Endpoint.Processes for process creation", () => {
    for (const f of sysmonWith(1)) {
      const e = raw(f);
      const doc = splunkView.document(f.event) as Record<string, string[]>;
      for (const pair of String(e.Hashes).split(",")) {
        const [alg, value] = pair.split("=") as [string, string];
        expect(doc[alg], `${f.id} ${alg}`).toEqual([value]);
      }
      expect(doc.process_name, f.id).toEqual([basename(String(e.Image))]);
      expect(doc.process_path, f.id).toEqual([e.Image]);
      expect(doc.tag, f.id).toEqual(["process", "report"]);
    }
    for (const f of sysmonWith(11))
      expect((splunkView.document(f.event) as Record<string, string[]>).tag, f.id).toBeUndefined();
  });
});

describe("JS view", () => {
  it("is the raw record itself", () => {
    for (const f of fixtures) expect(jsView.document(f.event)).toBe(f.event);
  });
});

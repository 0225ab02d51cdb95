import type { Json } from "./ingest.js";

/**
 * Tables of the Windows integration's sysmon_operational ingest pipeline
 * (elastic/integrations packages/windows/data_stream/sysmon_operational/elasticsearch/
 * ingest_pipeline/default.yml @ 029004a3, summarized in shared/reference/windows/
 * elastic-integrations/sysmon-to-ecs.md §3), with EventID 7 as the current package writes it
 * (the 8.17 pipeline test test-image-loaded-failed-signature.json-expected.json).
 */

export interface Categorization {
  readonly category?: readonly string[];
  readonly type: readonly string[];
  readonly action: Json;
  readonly outcome?: string;
}

const c = (category: string[] | undefined, type: string[], action: Json): Categorization => ({
  ...(category ? { category } : {}),
  type,
  action,
});

export const CATEGORIZATION: Readonly<Record<string, Categorization>> = {
  "1": c(["process"], ["start"], "Process creation"),
  "2": c(["file"], ["change"], "A process changed a file creation time"),
  "3": c(["network"], ["start", "connection", "protocol"], "Network connection"),
  "4": c(["process"], ["change"], "Sysmon service state changed"),
  "5": c(["process"], ["end"], "Process terminated"),
  "6": c(["driver"], ["start"], "Driver loaded"),
  "7": c(["process", "library"], ["change", "start"], ["Image loaded", "load"]),
  "8": c(["process"], ["change"], "CreateRemoteThread"),
  "9": c(["process"], ["access"], "RawAccessRead"),
  "10": c(["process"], ["access"], "ProcessAccess"),
  "11": c(["file"], ["creation"], "FileCreate"),
  "12": c(["configuration", "registry"], ["change"], "RegistryEvent (Object create and delete)"),
  "13": c(["configuration", "registry"], ["change"], "RegistryEvent (Value Set)"),
  "14": c(["configuration", "registry"], ["change"], "RegistryEvent (Key and Value Rename)"),
  "15": c(["file"], ["access"], "FileCreateStreamHash"),
  "16": c(["configuration"], ["change"], "ServiceConfigurationChange"),
  "17": c(["file"], ["creation"], "PipeEvent (Pipe Created)"),
  "18": c(["file"], ["access"], "PipeEvent (Pipe Connected)"),
  "19": c(["process"], ["info"], "WmiEvent (WmiEventFilter activity detected)"),
  "20": c(["process"], ["change"], "WmiEvent (WmiEventConsumer activity detected)"),
  "21": c(["process"], ["access"], "WmiEvent (WmiEventConsumerToFilter activity detected)"),
  "22": c(["network"], ["connection", "protocol", "info"], "DNSEvent (DNS query)"),
  "23": c(["file"], ["deletion"], "FileDelete (File Delete archived)"),
  "24": c(undefined, ["change"], "ClipboardChange (New content in the clipboard)"),
  "25": c(["process"], ["change"], "ProcessTampering (Process image change)"),
  "26": c(["file"], ["deletion"], "FileDeleteDetected (File Delete logged)"),
  "27": { ...c(["file"], ["creation"], "FileBlockExecutable"), outcome: "failure" },
  "28": c(["file"], ["deletion"], "FileBlockShredding"),
  "29": c(["file"], ["creation"], "FileExecutableDetected"),
  "255": { category: ["process"], type: [], action: "Error", outcome: "failure" },
};

/**
 * QueryStatus translations (the pipeline's "Translate DNS Query status" script). Modelled: the
 * Win32 and DNS rcode statuses a query commonly ends with; any other code keeps its number here,
 * where the pipeline's full table would name it.
 */
export const DNS_STATUS: Readonly<Record<string, string>> = {
  "0": "SUCCESS",
  "5": "ERROR_ACCESS_DENIED",
  "8": "ERROR_NOT_ENOUGH_MEMORY",
  "13": "ERROR_INVALID_DATA",
  "14": "ERROR_OUTOFMEMORY",
  "123": "ERROR_INVALID_NAME",
  "1214": "ERROR_INVALID_NETNAME",
  "1223": "ERROR_CANCELLED",
  "1460": "ERROR_TIMEOUT",
  "4312": "ERROR_OBJECT_NOT_FOUND",
  "9001": "DNS_ERROR_RCODE_FORMAT_ERROR",
  "9002": "DNS_ERROR_RCODE_SERVER_FAILURE",
  "9003": "DNS_ERROR_RCODE_NAME_ERROR",
  "9004": "DNS_ERROR_RCODE_NOT_IMPLEMENTED",
  "9005": "DNS_ERROR_RCODE_REFUSED",
  "9501": "DNS_INFO_NO_RECORDS",
  "9502": "DNS_ERROR_BAD_PACKET",
  "9503": "DNS_ERROR_NO_PACKET",
  "9504": "DNS_ERROR_RCODE",
  "9505": "DNS_ERROR_UNSECURE_PACKET",
  "9506": "DNS_REQUEST_PENDING",
  "9560": "DNS_ERROR_INVALID_NAME_CHAR",
  "9561": "DNS_ERROR_NUMERIC_NAME",
  "9701": "DNS_ERROR_RECORD_DOES_NOT_EXIST",
  "9851": "DNS_ERROR_NO_TCPIP",
  "9852": "DNS_ERROR_NO_DNS_SERVERS",
  "10054": "WSAECONNRESET",
  "10055": "WSAENOBUFS",
  "10060": "WSAETIMEDOUT",
};

/** DNS record types the QueryResults script names ("type:  5 host" → CNAME): its whole table. */
export const DNS_TYPES: Readonly<Record<string, string>> = {
  "1": "A",
  "2": "NS",
  "3": "MD",
  "4": "MF",
  "5": "CNAME",
  "6": "SOA",
  "7": "MB",
  "8": "MG",
  "9": "MR",
  "10": "NULL",
  "11": "WKS",
  "12": "PTR",
  "13": "HINFO",
  "14": "MINFO",
  "15": "MX",
  "16": "TXT",
  "17": "RP",
  "18": "AFSDB",
  "19": "X25",
  "20": "ISDN",
  "21": "RT",
  "22": "NSAP",
  "23": "NSAPPTR",
  "24": "SIG",
  "25": "KEY",
  "26": "PX",
  "27": "GPOS",
  "28": "AAAA",
  "29": "LOC",
  "30": "NXT",
  "31": "EID",
  "32": "NIMLOC",
  "33": "SRV",
  "34": "ATMA",
  "35": "NAPTR",
  "36": "KX",
  "37": "CERT",
  "38": "A6",
  "39": "DNAME",
  "40": "SINK",
  "41": "OPT",
  "43": "DS",
  "46": "RRSIG",
  "47": "NSEC",
  "48": "DNSKEY",
  "49": "DHCID",
  "100": "UINFO",
  "101": "UID",
  "102": "GID",
  "103": "UNSPEC",
  "248": "ADDRS",
  "249": "TKEY",
  "250": "TSIG",
  "251": "IXFR",
  "252": "AXFR",
  "253": "MAILB",
  "254": "MAILA",
  "255": "ANY",
  "65281": "WINS",
  "65282": "WINSR",
};

/** Registry hive abbreviations of the registry script. */
export const HIVES: Readonly<Record<string, string>> = {
  HKEY_CLASSES_ROOT: "HKCR",
  HKCR: "HKCR",
  HKEY_CURRENT_CONFIG: "HKCC",
  HKCC: "HKCC",
  HKEY_CURRENT_USER: "HKCU",
  HKCU: "HKCU",
  HKEY_DYN_DATA: "HKDD",
  HKDD: "HKDD",
  HKEY_LOCAL_MACHINE: "HKLM",
  HKLM: "HKLM",
  HKEY_PERFORMANCE_DATA: "HKPD",
  HKPD: "HKPD",
  HKEY_USERS: "HKU",
  HKU: "HKU",
};

/** The values the pipeline's first script drops from winlog.event_data. */
export const DROPPED_VALUES: readonly string[] = [
  "",
  "-",
  "{00000000-0000-0000-0000-000000000000}",
];

/** event_data keys the cleanup step removes (moved elsewhere, or dropped). */
export const CLEANUP: readonly string[] = [
  "ProcessId",
  "ParentProcessId",
  "SourceProcessId",
  "SourceThreadId",
  "SourceIp",
  "SourcePort",
  "SourcePortName",
  "DestinationIp",
  "DestinationPort",
  "DestinationPortName",
  "RuleName",
  "User",
  "Initiated",
  "SourceIsIpv6",
  "DestinationIsIpv6",
  "QueryStatus",
  "Archived",
  "IsExecutable",
  "QueryResults",
  "UtcTime",
  "Hash",
  "Hashes",
  "TargetObject",
];

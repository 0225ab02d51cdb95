/**
 * A raw Windows event-log record in the fixtures' flat form (test/fixtures/README.md, "Windows
 * events"): the System element's values under their Sigma names (EventID, Channel, Computer,
 * Provider_Name, Security_UserID…) and every EventData `<Data Name='X'>` value under X. Each view
 * starts from what Windows renders for the record, as its collector reads it: the XML rendering
 * (EvtRender), in which every value is text.
 */

/** System element values; every other key of the flat record is EventData. */
export const SYSTEM_KEYS: ReadonlySet<string> = new Set([
  "EventID",
  "Version",
  "Level",
  "Task",
  "Opcode",
  "Keywords",
  "TimeCreated_SystemTime",
  "EventRecordID",
  "Correlation_ActivityID",
  "Correlation_RelatedActivityID",
  "Execution_ProcessID",
  "Execution_ThreadID",
  "Channel",
  "Computer",
  "Security_UserID",
  "Provider_Name",
  "Provider_Guid",
  "Provider_EventSourceName",
]);

/** The key unnamed `<Data>` elements are listed under (classic providers such as Windows PowerShell). */
export const UNNAMED_DATA = "Data";

export interface WindowsRecord {
  readonly channel: string;
  readonly eventId: number;
  /** System values by flat name. */
  readonly system: Readonly<Record<string, unknown>>;
  /** EventData in record order: [name, value]; unnamed Data elements have name "". */
  readonly data: readonly (readonly [string, unknown])[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A Windows record names its Channel and an integral EventID; anything else is not one. */
export function windowsRecord(raw: unknown): WindowsRecord | undefined {
  if (!isRecord(raw) || typeof raw.Channel !== "string") return undefined;
  if (raw.Channel === "Linux-Sysmon/Operational") return undefined;
  const id = raw.EventID;
  const eventId =
    typeof id === "number" && Number.isInteger(id)
      ? id
      : typeof id === "string" && /^\d+$/.test(id)
        ? Number(id)
        : undefined;
  if (eventId === undefined) return undefined;
  const system: Record<string, unknown> = {};
  const data: (readonly [string, unknown])[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (SYSTEM_KEYS.has(k)) system[k] = v;
    else if (k === UNNAMED_DATA && Array.isArray(v)) for (const item of v) data.push(["", item]);
    else data.push([k, v]);
  }
  return { channel: raw.Channel, eventId, system, data };
}

/**
 * The text Windows renders for a value: strings as they are, numbers in decimal, booleans as
 * "true"/"false" (win:Boolean). Anything else (null, objects) renders nothing.
 */
export function renderedText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

/** The System value at a flat name, as rendered text. */
export function systemText(rec: WindowsRecord, key: string): string | undefined {
  return renderedText(rec.system[key]);
}

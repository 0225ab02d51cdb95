import { SYSTEM_KEYS, UNNAMED_DATA, type WindowsRecord } from "./windows-record.js";

/**
 * The raw Linux records the views read, in the fixtures' flat forms (test/fixtures/README.md,
 * "Linux events"):
 * - a Sysmon for Linux record: the same flat form as a Windows event-log record (System values
 *   under their Sigma names, every EventData value under its Data Name), in the channel
 *   `Linux-Sysmon/Operational`. Sysmon for Linux writes the Windows event XML (to syslog), so the
 *   record has the Windows record's structure;
 * - an audit record of the Linux audit daemon: `type`, the `msg` header `audit(<epoch>:<serial>)`
 *   and every key=value pair of the record's line under its key, in line order, with the double
 *   quotes of a quoted value removed (auditd quotes a plain string and writes a string holding a
 *   space, a quote or a control character as unquoted hex).
 */

export const LINUX_SYSMON = "Linux-Sysmon/Operational";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A Sysmon for Linux record in the Windows record's shape (windows-record.ts), else undefined. */
export function linuxSysmonRecord(raw: unknown): WindowsRecord | undefined {
  if (!isRecord(raw) || raw.Channel !== LINUX_SYSMON) return undefined;
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
    else if (k !== UNNAMED_DATA) data.push([k, v]);
  }
  return { channel: LINUX_SYSMON, eventId, system, data };
}

export interface AuditRecord {
  readonly type: string;
  /** The header's epoch seconds ("1723044684.257") and serial number. */
  readonly epoch: string;
  readonly serial: string;
  /** The record's key=value pairs after the header, in line order, values as text. */
  readonly pairs: readonly (readonly [string, string])[];
}

const HEADER = /^audit\((\d+\.\d{3}):(\d+)\)/;

/** An audit record (a `type` and an `audit(…)` msg header), else undefined. */
export function auditRecord(raw: unknown): AuditRecord | undefined {
  if (!isRecord(raw) || typeof raw.type !== "string" || typeof raw.msg !== "string")
    return undefined;
  const m = HEADER.exec(raw.msg);
  if (m === null) return undefined;
  const pairs: (readonly [string, string])[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k === "type" || k === "msg") continue;
    if (typeof v === "string") pairs.push([k, v]);
    else if (typeof v === "number" && Number.isFinite(v)) pairs.push([k, String(v)]);
  }
  return { type: raw.type, epoch: m[1]!, serial: m[2]!, pairs };
}

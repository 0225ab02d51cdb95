import type { WindowsRecord } from "../windows-record.js";
import { isObject, set, type Json, type JsonObject } from "./ingest.js";
import { defenderPipeline } from "./defender.js";
import { powershellClassicPipeline, powershellOperationalPipeline } from "./powershell.js";
import { securityPipeline } from "./security.js";
import { sysmonPipeline } from "./sysmon.js";
import { winlogInput } from "./winlog-input.js";

/**
 * Which Elastic data stream a Windows record lands in, by its channel, and that stream's ingest
 * pipeline. The Windows integration collects Sysmon (sysmon_operational) and PowerShell
 * (powershell_operational, powershell); the System integration collects Security, System and
 * Application (their system and application pipelines change no field: default.yml of
 * packages/system/data_stream/system), and Defender (windows_defender, defender.ts). Any other
 * channel is read with the Custom Windows event log integration (winlog.winlog): the winlog
 * input's document as is.
 */

interface Stream {
  readonly dataset: string;
  readonly pipeline?: (doc: JsonObject) => void;
}

const STREAMS: Readonly<Record<string, Stream>> = {
  "Microsoft-Windows-Sysmon/Operational": {
    dataset: "windows.sysmon_operational",
    pipeline: sysmonPipeline,
  },
  "Microsoft-Windows-PowerShell/Operational": {
    dataset: "windows.powershell_operational",
    pipeline: powershellOperationalPipeline,
  },
  "Windows PowerShell": { dataset: "windows.powershell", pipeline: powershellClassicPipeline },
  "Microsoft-Windows-Windows Defender/Operational": {
    dataset: "windows.windows_defender",
    pipeline: defenderPipeline,
  },
  Security: { dataset: "system.security", pipeline: securityPipeline },
  System: { dataset: "system.system" },
  Application: { dataset: "system.application" },
};

const CUSTOM: Stream = { dataset: "winlog.winlog" };

function isEmpty(v: Json): boolean {
  return (
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

/** Elasticsearch stores no field for null, [] or {}: leave them out of the document. */
function pruned(v: Json): Json {
  if (Array.isArray(v)) return v.map(pruned).filter((x) => !isEmpty(x));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = pruned(x);
      if (!isEmpty(y)) out[k] = y;
    }
    return out;
  }
  return v;
}

export function streamOf(rec: WindowsRecord): string {
  return (STREAMS[rec.channel] ?? CUSTOM).dataset;
}

/** The document Elastic indexes for one Windows record. */
export function elasticWindowsDocument(rec: WindowsRecord): JsonObject {
  const stream = STREAMS[rec.channel] ?? CUSTOM;
  const doc = winlogInput(rec);
  stream.pipeline?.(doc);
  set(doc, "data_stream", { type: "logs", dataset: stream.dataset, namespace: "default" });
  set(doc, "event.dataset", stream.dataset);
  const out = pruned(doc);
  return isObject(out) ? out : {};
}

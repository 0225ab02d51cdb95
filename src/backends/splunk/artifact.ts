import { DiagnosticError } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";
import { ALERT_SEVERITY } from "./dialect.js";

/**
 * savedsearches.conf: one stanza per rule, a scheduled alert that triggers on any result.
 * .conf syntax: `key = value` lines; a value spans lines by ending every line but the last with a
 * backslash. A line that itself ends in a backslash cannot be written (it would read as a
 * continuation), nor can a stanza name span lines, so both are refused.
 */

function refuse(ctx: BackendContext | string, message: string): never {
  throw new DiagnosticError({
    severity: "error",
    code: "ARTIFACT_VALUE",
    message,
    file: typeof ctx === "string" ? ctx : ctx.rule.source.path,
    target: "splunk",
  });
}

/**
 * `key = value`, multi-line values continued with a trailing backslash. `ctx` is the rule's
 * context, or the path of the file a refusal is about.
 */
export function confLine(key: string, value: string, ctx: BackendContext | string): string {
  const lines = value.split(/\r?\n/);
  for (const l of lines.slice(0, -1)) {
    if (l.endsWith("\\"))
      refuse(ctx, `${key}: a line ending in a backslash cannot be continued in a .conf value`);
  }
  if (lines.length > 1 && lines[lines.length - 1]!.endsWith("\\"))
    refuse(ctx, `${key}: a value ending in a backslash cannot be written in a .conf file`);
  return `${key} = ${lines.join("\\\n")}`;
}

function setting(ctx: BackendContext, key: string): string {
  const v = ctx.options.targetOptions?.[key] ?? ctx.config.settings[key];
  if (typeof v === "string" && v !== "") return v;
  return refuse(ctx, `target setting '${key}' is missing in targets/splunk.yml`);
}

export function savedSearchStanza(query: string, ctx: BackendContext): string {
  const rule = ctx.rule;
  if (/[\r\n]/.test(rule.title) || rule.title.trim() === "")
    refuse(ctx, "the rule title cannot be a stanza name (empty or multi-line)");
  if (query.endsWith("\\"))
    refuse(ctx, "the query ends in a backslash, which .conf would read as a continuation");
  const level = rule.level ?? "medium";
  const description = (rule.description ?? rule.title).trimEnd();
  const lines = [
    `[${rule.title}]`,
    confLine("search", query, ctx),
    confLine("description", description, ctx),
    "disabled = 0",
    "enableSched = 1",
    confLine("cron_schedule", setting(ctx, "cron_schedule"), ctx),
    confLine("dispatch.earliest_time", setting(ctx, "dispatch.earliest_time"), ctx),
    confLine("dispatch.latest_time", setting(ctx, "dispatch.latest_time"), ctx),
    `alert.severity = ${ALERT_SEVERITY[level]}`,
    "alert.track = 1",
    "alert.digest_mode = 0",
    "alert_type = number of events",
    "counttype = number of events",
    "relation = greater than",
    "quantity = 0",
  ];
  return lines.join("\n") + "\n";
}

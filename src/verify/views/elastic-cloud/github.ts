import { get, remove, rename, set, type JsonObject } from "../elastic-windows/ingest.js";
import { isIpText } from "./common.js";

/**
 * Elastic's GitHub integration, audit data stream: the ingest pipeline (elastic/integrations
 * packages/github/data_stream/audit/elasticsearch/ingest_pipeline/default.yml) on an audit-log
 * event the JSON processor has read into `json`: _document_id → event.id, action → event.action
 * (its prefix before the first dot → github.category), actor → user.name, org → github.org, user →
 * user.target.name, repo → github.repo, actor_ip → github.actor_ip when it is an address; the rest
 * of the event is removed and the last script drops null, "", {} and []. Not modelled: the
 * timestamps, team and permission fields, the user agent's parts, event.category/type.
 */

const RENAMES: readonly [string, string][] = [
  ["json._document_id", "event.id"],
  ["json.action", "event.action"],
  ["json.actor", "user.name"],
  ["json.org", "github.org"],
  ["json.user", "user.target.name"],
  ["json.repo", "github.repo"],
  ["json.team", "github.team"],
  ["json.permission", "github.permission"],
  ["json.actor_location.country_code", "client.geo.country_iso_code"],
  ["json.hashed_token", "github.hashed_token"],
  ["json.programmatic_access_type", "github.programmatic_access_type"],
  ["json.user_agent", "github.user_agent"],
];

export function githubAuditPipeline(doc: JsonObject): void {
  set(doc, "event.kind", "event");
  for (const [from, to] of RENAMES) rename(doc, from, to);
  const ip = get(doc, "json.actor_ip");
  if (typeof ip === "string" && isIpText(ip)) set(doc, "github.actor_ip", ip);
  const action = get(doc, "event.action");
  const category = typeof action === "string" ? /^([a-z_]+)\./.exec(action)?.[1] : undefined;
  if (category !== undefined) set(doc, "github.category", category);
  remove(doc, "json");
}

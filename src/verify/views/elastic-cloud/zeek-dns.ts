import { get, remove, rename, set, type JsonObject } from "../elastic-windows/ingest.js";

/**
 * Elastic's Zeek integration, dns data stream (elastic/integrations packages/zeek/data_stream/dns/
 * elasticsearch/ingest_pipeline/default.yml): the record is read into zeek.dns (dropped without
 * ts); id.orig_h/id.orig_p/id.resp_h/id.resp_p → source.address/port, destination.address/port
 * (source.ip/destination.ip copied from them); uid → zeek.session_id (and event.id); proto →
 * network.transport; trans_id → text (and dns.id); qtype_name → dns.question.type too; rcode_name
 * → dns.response_code; ts → @timestamp and removed; Z, auth, addl removed. query, answers,
 * qtype_name, rcode_name, TTLs and the flags stay under zeek.dns. Not modelled: geoip,
 * registered_domain, community_id, dns.answers.
 */
export function zeekDnsPipeline(doc: JsonObject): void {
  const b = "zeek.dns";
  set(doc, "zeek", { dns: get(doc, "json") ?? {} });
  remove(doc, "json");
  // The record's dotted keys (id.orig_h …) are expanded by dot_expander, then renamed.
  for (const [from, to] of [
    ["id.orig_h", "source.address"],
    ["id.orig_p", "source.port"],
    ["id.resp_h", "destination.address"],
    ["id.resp_p", "destination.port"],
  ] as const) {
    const dns = get(doc, b);
    if (dns !== null && typeof dns === "object" && !Array.isArray(dns) && from in dns) {
      const v = dns[from];
      delete dns[from];
      if (v !== undefined) set(doc, to, v);
    }
  }
  rename(doc, `${b}.uid`, "zeek.session_id");
  rename(doc, `${b}.proto`, "network.transport");
  const session = get(doc, "zeek.session_id");
  if (session !== undefined && session !== "") set(doc, "event.id", session);
  const src = get(doc, "source.address");
  if (src !== undefined && src !== "") set(doc, "source.ip", src);
  const dst = get(doc, "destination.address");
  if (dst !== undefined && dst !== "") set(doc, "destination.ip", dst);
  const trans = get(doc, `${b}.trans_id`);
  if (trans !== undefined && trans !== null) {
    set(doc, `${b}.trans_id`, String(trans));
    set(doc, "dns.id", String(trans));
  }
  const qtype = get(doc, `${b}.qtype_name`);
  if (qtype !== undefined && qtype !== "") set(doc, "dns.question.type", qtype);
  const rcode = get(doc, `${b}.rcode_name`);
  if (rcode !== undefined && rcode !== "") set(doc, "dns.response_code", rcode);
  remove(doc, `${b}.ts`);
  for (const k of ["Z", "auth", "addl", "id"]) remove(doc, `${b}.${k}`);
  set(doc, "event.kind", "event");
  set(doc, "network.protocol", "dns");
}

import { isLiteral, literalText, type Expr, type MatchExpr } from "../../ir.js";
import type { BackendContext } from "../types.js";
import { report, withTest, type Sink } from "./sink.js";
import type { FalcoFieldType } from "./source-fields.js";

/**
 * Predicates on Falco fields that are not strings (libsinsp field types): numbers (PORT, UINT64,
 * INT64…: `=`, `<`, `>`… compare numbers; `fd.sport = 443`), addresses (IPADDR: `=` compares the
 * parsed address) and the rest (BOOL, RELTIME…). glob/contains/regex do not exist on them: a
 * Sigma test that needs one is refused with UNSUPPORTED_FIELD_TYPE. The seen event holds such a
 * field as its number or its canonical address text, where these tests are exact.
 *
 * A `cidr` test on an address field is written on the field's network twin (a pipeline setting
 * `networkFields: {DestinationIp: fd.snet}`): `fd.snet in ("10.0.0.0/8", "fc00::/7")` is
 * libsinsp's own network match, IPv4 and IPv6 alike.
 */

/** Sigma fields every event of the pipeline's scope holds with one value (`constantFields`). */
export function constantFields(ctx: BackendContext): Readonly<Record<string, string>> {
  const raw = ctx.mapping?.settings.constantFields;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>))
    if (typeof v === "string") out[k] = v;
  return out;
}

/** The network field of an address field (`networkFields`), if the pipeline gives one. */
export function networkField(ctx: BackendContext, sigmaField: string): string | undefined {
  const raw = ctx.mapping?.settings.networkFields;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const v = (raw as Record<string, unknown>)[sigmaField];
  return typeof v === "string" ? v : undefined;
}

/**
 * fd.sip.name and its siblings hold no text: Falco resolves the domain names on the right-hand side
 * when it loads the rules and compares the event's address with their A records
 * (shared/reference/linux/falco/docs/…fd-sip-name.md). Only `=`, `!=` and `in` on whole names work,
 * and DNS names compare case-insensitively.
 */
export function isHostnameField(f: string): boolean {
  return /^fd\.[sclr]ip\.name$/.test(f);
}

/** A case-insensitive whole domain name on a hostname field, as the lower-case literal Falco resolves. */
export function lowerHostname(sink: Sink, m: MatchExpr, f: string): Expr {
  const t = m.test;
  if (t.kind === "exists" || t.kind === "null") return m;
  if (
    t.kind === "pattern" &&
    isLiteral(t.pattern) &&
    /^[A-Za-z0-9.-]+$/.test(literalText(t.pattern))
  )
    return withTest(m, {
      kind: "pattern",
      pattern: [{ kind: "text", text: literalText(t.pattern).toLowerCase() }],
      cased: true,
    });
  report(
    sink,
    m,
    "error",
    "UNSUPPORTED_FIELD_TYPE",
    `${f} matches only whole domain names (=, in): Falco resolves them when it loads the rules, so no wildcard, substring, regex or non-ASCII name can be written`,
  );
  return m;
}

const CANONICAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;
const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

export function lowerTyped(sink: Sink, m: MatchExpr, f: string, type: FalcoFieldType): Expr {
  const t = m.test;
  const refuse = (what: string): Expr => {
    report(sink, m, "error", "UNSUPPORTED_FIELD_TYPE", `${f} is a ${type} field in Falco: ${what}`);
    return m;
  };
  if (t.kind === "exists" || t.kind === "null") return m;
  switch (type) {
    case "number":
      if (t.kind === "number") {
        if (!Number.isSafeInteger(t.value) || t.value < 0)
          return refuse(`${String(t.value)} is not a whole number from 0 up`);
        return m;
      }
      if (
        t.kind === "pattern" &&
        isLiteral(t.pattern) &&
        CANONICAL_INTEGER.test(literalText(t.pattern))
      )
        return withTest(m, { kind: "number", op: "eq", value: Number(literalText(t.pattern)) });
      return refuse("only whole numbers compare there (=, <, >), no text, wildcards or regex");
    case "ipaddr":
      if (t.kind === "pattern" && isLiteral(t.pattern) && IPV4.test(literalText(t.pattern)))
        return m;
      if (t.kind === "cidr") {
        if (m.field === null || networkField(sink.ctx, m.field) === undefined)
          return refuse("a network match needs the pipeline's networkFields entry for it");
        return m;
      }
      return refuse(
        "only an exact IPv4 address in dotted-quad form or a CIDR network compares there",
      );
    default:
      return refuse("no Sigma test is written on it");
  }
}

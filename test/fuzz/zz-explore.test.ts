import fc from "fast-check";
import { it } from "vitest";
import { TARGET_NAMES } from "../../src/targets/types.js";
import { typedEvent as event, expr } from "./arbitraries.js";
import { checkCase, describeFinding, type Finding } from "./differential.js";
import type { Expr } from "../../src/ir.js";

function typeConfused(e: unknown): boolean {
  const ev = e as Record<string, any>;
  const scalars = [
    ev.verb,
    ev.requestURI,
    ev.objectRef?.resource,
    ev.user?.username,
    ev.responseStatus?.code,
  ];
  const lists = [ev.sourceIPs, ev.user?.groups];
  return (
    scalars.some((v) => Array.isArray(v)) ||
    lists.some((v) => v !== undefined && v !== null && !Array.isArray(v))
  );
}
type Known = (f: Finding, ir: Expr) => boolean;
const isArr = (e: unknown, k: string) => Array.isArray((e as Record<string, unknown>)[k]);
const KNOWN: Known[] = [
  // splunk: a scalar-mapped field holding an array (verb: ["0"]) is stored as verb{}
  (f) =>
    f.kind !== "parse" && (f.target === "splunk" || f.target === "falco") && typeConfused(f.event),
  // splunk: an empty array gives no field; Sigma says present. (null/exists undeclared)
  (f) =>
    f.kind === "fidelity" &&
    (f.target === "splunk" || f.target === "falco") &&
    /\[(null,?)*\]/.test(JSON.stringify(f.event)),
  // falco: null renders as "null", value patterns that match the text null are undeclared
  (f) => f.kind === "fidelity" && f.target === "falco" && JSON.stringify(f.event).includes(":null"),
  // elastic: non-numeric code in an integer field
  (f) =>
    f.kind !== "parse" &&
    f.target === "elastic" &&
    JSON.stringify((f.event as any).responseStatus?.code ?? 0).match(/^[^0-9-]/) !== null,
  // elastic: fractional code in an integer field
  (f) =>
    f.kind !== "parse" && f.target === "elastic" && /"code":-?\d+\./.test(JSON.stringify(f.event)),
  // elastic: sourceIPs dropped when any element is not an IP
  (f) =>
    f.kind === "fidelity" && f.target === "elastic" && Array.isArray((f.event as any).sourceIPs),
  // splunk: (?i) regex vs toLowerCase length change (İ)
  (f) =>
    f.kind === "translation" && f.target === "splunk" && /İ|\u0130/.test(JSON.stringify(f.event)),
  // splunk: booleans become text, regex matches "false"
  (f) =>
    f.kind === "fidelity" &&
    f.target === "splunk" &&
    /:(true|false)[,}]/.test(JSON.stringify(f.event)),
];
const skip = process.env.SKIP === "all" ? KNOWN.map((_, i) => i) : (process.env.SKIP ?? "").split(",").filter(Boolean).map(Number);

it("explore", async () => {
  const seed = Number(process.env.FUZZ_SEED ?? 1);
  await fc.assert(
    fc.asyncProperty(expr, fc.array(event, { minLength: 6, maxLength: 6 }), async (ir, events) => {
      const r = await checkCase(ir, events, TARGET_NAMES);
      const fs = r.findings.filter((f) => !KNOWN.some((k, i) => !skip.includes(i) && k(f, ir)));
      if (fs.length)
        throw new Error(
          `IR: ${JSON.stringify(ir, (k, v) => (k === "origin" ? undefined : v))}\n` +
            fs.slice(0, 2).map(describeFinding).join("\n"),
        );
    }),
    { seed, numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
  );
}, 600000);

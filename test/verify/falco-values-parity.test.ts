import { expectedOf } from "../helpers/seen.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { falcoBackend } from "../../src/backends/falco/index.js";
import { hasErrors } from "../../src/diagnostics.js";
import { and, not, or, type Expr, type Test } from "../../src/ir.js";
import { parseCidr } from "../../src/sigma/cidr.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { falcoView } from "../../src/verify/views/falco.js";
import { context } from "../backends/falco-helpers.js";

/**
 * Exactness of the numeric, CIDR and element-wise encodings: interpreting the emitted text (query
 * and rules file) on Falco's document equals the reference evaluator on the effective IR and the
 * event Falco sees, for events with many source IPs, IPv6 and odd numeric text. And fidelity:
 * on plain events (integer codes, at most K canonical dotted quads, no colons) the effective IR
 * on the seen event says what the rule says on the raw event, so the declared deviations are the
 * only ones.
 */
const origin = { offset: 0, length: 1, line: 1, col: 1 };

const octet = fc.integer({ min: 0, max: 255 });
const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
/** Addresses near the networks below, so that matches are frequent. */
const nearQuad = fc
  .tuple(
    fc.constantFrom("10", "172", "192", "127"),
    fc.constantFrom(0, 15, 16, 20, 31, 32, 168),
    octet,
    octet,
  )
  .map((o) => o.join("."));
const oddIp = fc.constantFrom(
  "::ffff:10.1.2.3",
  "::FFFF:172.16.0.1",
  "0:0:0:0:0:ffff:a00:1",
  "fd00::1",
  "::1",
  "010.1.2.3",
  "10.1.2",
  "10.1.2.3.4",
  "10.256.0.1",
  "10.1.2.3 ",
  "",
  "10..1.2",
  "1e1.0.0.1",
);
const element = fc.oneof(
  { weight: 4, arbitrary: nearQuad },
  { weight: 2, arbitrary: quad },
  { weight: 2, arbitrary: oddIp },
  { weight: 1, arbitrary: fc.constantFrom(null, 10, true, ["10.0.0.1"], { ip: "10.0.0.1" }) },
);
const sourceIPs = fc.oneof(
  { weight: 6, arbitrary: fc.array(element, { maxLength: 7 }) },
  { weight: 4, arbitrary: fc.array(nearQuad, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, "10.0.0.1", {}, { "0": "10.0.0.1" }) },
);
const code = fc.oneof(
  fc.integer({ min: -1100, max: 1100 }),
  fc.constantFrom(200, 399, 400, 401, 403, 404, 500, 0, -1, 400.5, 1e21),
  fc.constantFrom("400", "0400", "400.0", "4e2", "4E2", "-0", "00", "399", "x", "", "-12", null),
);

const event = fc
  .record(
    {
      auditID: fc.constantFrom("id-1", undefined),
      sourceIPs,
      responseStatus: fc.record({ code }, { requiredKeys: [] }),
      userAgent: fc.oneof({ weight: 3, arbitrary: nearQuad }, { weight: 1, arbitrary: oddIp }),
    },
    { requiredKeys: ["auditID"] },
  )
  .map((e) => ({
    kind: "Event",
    stageTimestamp: "2024-05-06T07:08:09Z",
    ...(JSON.parse(JSON.stringify(e)) as object),
  }));

const network = fc
  .tuple(
    fc.constantFrom("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "10.20.0.0/16"),
    fc.constant(""),
  )
  .map(([t]) => t);
const anyNetwork = fc.oneof(
  network,
  fc.tuple(quad, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
);
const cidrTest: fc.Arbitrary<Test> = anyNetwork.map((text) => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(text);
  return { kind: "cidr", ...r.value };
});
const numberTest: fc.Arbitrary<Test> = fc.record({
  kind: fc.constant("number" as const),
  op: fc.constantFrom("lt" as const, "lte" as const, "gt" as const, "gte" as const),
  value: fc.oneof(fc.integer({ min: -1100, max: 1100 }), fc.constantFrom(399.5, -0.5, 400, 0)),
});
const test: fc.Arbitrary<Test> = fc.oneof(
  { weight: 4, arbitrary: cidrTest },
  { weight: 3, arbitrary: numberTest },
  { weight: 1, arbitrary: fc.constantFrom<Test>({ kind: "exists" }, { kind: "null" }) },
  {
    weight: 1,
    arbitrary: nearQuad.map((text): Test => ({
      kind: "pattern",
      pattern: [{ kind: "text", text }],
      cased: false,
    })),
  },
);
const match: fc.Arbitrary<Expr> = fc
  .record({ field: fc.constantFrom("sourceIPs", "responseStatus.code", "userAgent"), test })
  .map(({ field, test }) => ({ kind: "match" as const, field, test, origin }));
const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    match,
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map(and),
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map(or),
    tie("expr").map(not),
  ),
}));

const CANONICAL_QUAD = /^(?:(?:0|[1-9][0-9]{0,2})\.){3}(?:0|[1-9][0-9]{0,2})$/;

/** An event on which no declared deviation can apply (for K elements). */
function plain(e: Record<string, unknown>, k: number): boolean {
  // Without auditID no ka.* field exists (the view's own, separately declared deviation).
  if (e.auditID === undefined) return false;
  const ips = e.sourceIPs;
  if (ips !== undefined) {
    if (!Array.isArray(ips) || ips.length > k) return false;
    if (!ips.every((x) => typeof x === "string" && CANONICAL_QUAD.test(x))) return false;
    if (ips.some((x) => (x as string).split(".").some((o) => Number(o) > 255))) return false;
  }
  if (typeof e.userAgent === "string" && e.userAgent.includes(":")) return false;
  const c = (e.responseStatus as { code?: unknown } | undefined)?.code;
  return c === undefined || (typeof c === "number" && Number.isSafeInteger(c));
}

describe("Falco numeric, CIDR and element encodings (property)", () => {
  it("are exact, and deviate only where declared", () => {
    let plainChecked = 0;
    let fired = 0;
    fc.assert(
      fc.property(
        expr,
        fc.integer({ min: 1, max: 6 }),
        fc.array(event, { minLength: 1, maxLength: 6 }),
        (ir, k, events) => {
          const ctx = context({ targetOptions: { "array-elements": String(k) } });
          const lowered = falcoBackend.lower(ir, ctx);
          if (hasErrors(lowered.diagnostics)) {
            for (const d of lowered.diagnostics.filter((x) => x.severity === "error"))
              expect(["UNSUPPORTED_CIDR_IPV6"]).toContain(d.code);
            return;
          }
          const query = falcoBackend.query(lowered.effective, ctx);
          const rules = falcoBackend.artifact("rules", query, lowered.effective, ctx);
          const viaQuery = falcoInterpreter.compile(query);
          const viaRules = falcoInterpreter.compile(rules);
          for (const e of events) {
            const expected = expectedOf("falco", ir, lowered, ctx)(e);
            const doc = falcoView.document(e);
            expect(viaQuery(doc), `${query}\n${JSON.stringify(e)}`).toBe(expected);
            expect(viaRules(doc), JSON.stringify(e)).toBe(expected);
            if (expected) fired++;
            if (plain(e, k)) {
              plainChecked++;
              expect(expected, `fidelity ${JSON.stringify(e)}`).toBe(evaluate(ir, e));
            }
          }
        },
      ),
      { numRuns: 400, seed: 424242 },
    );
    // The inputs reach both branches often enough for the property to mean something.
    expect(plainChecked).toBeGreaterThan(100);
    expect(fired).toBeGreaterThan(100);
  });

  it("a source IP past the K-th element is the declared deviation", () => {
    const ctx = context({ targetOptions: { "array-elements": "2" } });
    const r = parseCidr("10.0.0.0/8");
    if (!r.ok) throw new Error("network");
    const ir: Expr = {
      kind: "match",
      field: "sourceIPs",
      test: { kind: "cidr", ...r.value },
      origin,
    };
    const lowered = falcoBackend.lower(ir, ctx);
    const run = falcoInterpreter.compile(falcoBackend.query(lowered.effective, ctx));
    const at = (ips: unknown[]): unknown => ({
      kind: "Event",
      auditID: "1",
      stageTimestamp: "2024-05-06T07:08:09Z",
      sourceIPs: ips,
    });
    expect(run(falcoView.document(at(["1.1.1.1", "10.9.8.7"])))).toBe(true);
    const far = at(["1.1.1.1", "2.2.2.2", "10.9.8.7"]);
    expect(run(falcoView.document(far))).toBe(false);
    expect(evaluate(ir, far)).toBe(true);
    expect(lowered.diagnostics.map((d) => d.code)).toContain("FIDELITY_ELEMENTS_BOUNDED");
    // The json plugin needs no auditID: the element is read without it.
    const { auditID: _drop, ...noId } = far as Record<string, unknown>;
    expect(falcoBackend.seen(ctx)({ ...noId, sourceIPs: ["10.0.0.1"] })).toMatchObject({
      "sourceIPs.0": "10.0.0.1",
    });
  });
});

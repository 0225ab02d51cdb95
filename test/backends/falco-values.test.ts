import { describe, expect, it } from "vitest";
import { IPV4_TEXT, ipv4PrefixGlobs, octetRange } from "../../src/backends/falco/cidr-glob.js";
import { falcoBackend } from "../../src/backends/falco/index.js";
import type { BackendContext } from "../../src/backends/types.js";
import { or, type Expr, type Test } from "../../src/ir.js";
import { parseIPv4 } from "../../src/sigma/cidr.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { compileFnmatch } from "../../src/verify/falco/fnmatch.js";
import { context, m } from "./falco-helpers.js";

/** Numeric comparisons, IPv4 networks and element-wise source IPs (lower-values.ts, elements.ts). */
const query = (ir: Expr, ctx: BackendContext = context()): string => {
  const lowered = falcoBackend.lower(ir, ctx);
  return falcoBackend.query(lowered.effective, ctx);
};
/** Codes other than the per-field data-shape note (test/backends/falco.test.ts, "shape notes"). */
const codes = (ir: Expr, ctx: BackendContext = context()): string[] =>
  falcoBackend
    .lower(ir, ctx)
    .diagnostics.filter((d) => d.code !== "FIDELITY_JSON_TEXT")
    .map((d) => `${d.severity}:${d.code}`);
const num = (op: "lt" | "lte" | "gt" | "gte", value: number): Test => ({
  kind: "number",
  op,
  value,
});
const cidr = (network: string, prefix: number): Test => ({
  kind: "cidr",
  network,
  prefix,
  version: 4,
});

const CODE = "ka.response.code";
const GUARD =
  `not (${CODE} contains "." or ${CODE} contains "e" or ${CODE} contains "E"` +
  ` or ${CODE} startswith "0" and not ${CODE} = "0" or ${CODE} startswith "-0")`;

describe("numeric comparisons on text", () => {
  it("writes >= 400 as globs over canonical integer text, with the guard", () => {
    expect(query(m("responseStatus.code", num("gte", 400)))).toBe(
      `${CODE} glob "[1-9]*" and not ${CODE} glob "*[!0-9]*" and (${CODE} glob "????*"` +
        ` or ${CODE} glob "[5-9]??" or ${CODE} glob "4[1-9]?" or ${CODE} glob "40[1-9]"` +
        ` or ${CODE} glob "400") and ${GUARD}`,
    );
    expect(codes(m("responseStatus.code", num("gte", 400)))).toEqual([
      "warning:FIDELITY_NUMBER_TEXT",
    ]);
  });

  it("writes < 0 with negative text only, and > -1.5 as >= -1", () => {
    expect(query(m("responseStatus.code", num("lt", 0)))).toBe(
      `${CODE} glob "-[1-9]*" and not ${CODE} glob "-*[!0-9]*" and (${CODE} glob "-??*"` +
        ` or ${CODE} glob "-[2-9]" or ${CODE} glob "-1") and ${GUARD}`,
    );
    expect(query(m("responseStatus.code", num("gt", -1.5)))).toBe(
      `(${CODE} = "0" or ${CODE} glob "[1-9]*" and not ${CODE} glob "*[!0-9]*"` +
        ` or ${CODE} glob "-[1-9]*" and not ${CODE} glob "-*[!0-9]*" and ${CODE} glob "-1")` +
        ` and ${GUARD}`,
    );
  });

  it("agrees with the integer meaning on every text from -1100 to 1100 and on odd texts", () => {
    const texts: string[] = [];
    for (let i = -1100; i <= 1100; i++) texts.push(String(i));
    texts.push("", "-", "-0", "00", "0400", "400.0", "4e2", "4E2", "+400", " 400", "400 ", "x");
    texts.push("4000000000000000000000", "-99999999999999999999", "1-1", "40a", "٤٠٠");
    const canonical = /^(?:0|-?[1-9][0-9]*)$/;
    for (const op of ["lt", "lte", "gt", "gte"] as const)
      for (const n of [-1001, -100, -10, -1, -0.5, 0, 0.5, 1, 9, 10, 99, 100, 399, 400, 1000]) {
        const run = falcoInterpreter.compile(query(m("responseStatus.code", num(op, n))));
        for (const t of texts) {
          const v = Number(t);
          const holds = op === "lt" ? v < n : op === "lte" ? v <= n : op === "gt" ? v > n : v >= n;
          expect(run({ [CODE]: t }), `${t} ${op} ${n}`).toBe(canonical.test(t) && holds);
        }
      }
  });
});

describe("IPv4 networks on text", () => {
  it("writes a network as the dotted-quad check plus its leading octets", () => {
    const q = query(m("userAgent", cidr("172.16.0.0", 12)));
    expect(q).toContain(
      `(ka.useragent glob "172.1[6-9].*" or ka.useragent glob "172.2[0-9].*" or ka.useragent glob "172.3[0-1].*")`,
    );
    expect(q.startsWith(`ka.useragent glob "*.*.*.*" and not (ka.useragent glob "*.*.*.*.*"`)).toBe(
      true,
    );
    expect(q.endsWith(` and not ka.useragent contains ":"`)).toBe(true);
    expect(codes(m("userAgent", cidr("172.16.0.0", 12)))).toEqual([
      "warning:FIDELITY_CIDR_DOTTED_QUAD",
    ]);
  });

  it("writes several networks on one field with one dotted-quad check", () => {
    const q = query(
      or([m("userAgent", cidr("10.0.0.0", 8)), m("userAgent", cidr("192.168.0.0", 16))]),
    );
    expect(q.split(`glob "*.*.*.*"`).length).toBe(2);
    expect(q).toContain(`(ka.useragent glob "10.*" or ka.useragent glob "192.168.*")`);
  });

  it("gives the exact octet globs of a range", () => {
    expect(octetRange(16, 31)).toEqual(["1[6-9]", "2[0-9]", "3[0-1]"]);
    expect(octetRange(0, 127)).toEqual(["[0-9]", "[1-9][0-9]", "1[0-1][0-9]", "12[0-7]"]);
    expect(octetRange(128, 255)).toEqual(["12[8-9]", "1[3-9][0-9]", "2[0-4][0-9]", "25[0-5]"]);
    expect(ipv4PrefixGlobs("10.1.2.3", 32)).toEqual(["10.1.2.3"]);
    expect(ipv4PrefixGlobs("10.1.2.16", 30)).toEqual(["10.1.2.1[6-9]"]);
    expect(ipv4PrefixGlobs("0.0.0.0", 0)).toEqual(["*"]);
  });

  it("octet globs cover exactly their range, for every range", () => {
    for (let lo = 0; lo <= 255; lo += 3)
      for (let hi = lo; hi <= 255; hi += lo % 32 === 0 ? 1 : 41) {
        const globs = octetRange(lo, hi).map((g) => compileFnmatch(g, false));
        for (let v = 0; v <= 255; v++)
          expect(
            globs.some((g) => g(String(v))),
            `${v} in ${lo}-${hi}`,
          ).toBe(v >= lo && v <= hi);
        expect(globs.some((g) => g("0" + String(lo)))).toBe(false);
      }
  });

  it("every prefix length matches exactly the evaluator's network", () => {
    // The IR carries canonical networks (host bits cleared): each address masked to the prefix.
    const masked = (ip: string, prefix: number): string => {
      const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
      const keep = prefix === 0 ? 0 : n - (n % 2 ** (32 - prefix));
      return [24, 16, 8, 0].map((s) => Math.floor(keep / 2 ** s) % 256).join(".");
    };
    const ips = ["0.0.0.0", "127.255.255.255", "128.0.0.0", "10.1.2.3", "10.255.0.1", "11.0.0.0"];
    ips.push("172.31.255.255", "172.32.0.0", "192.168.1.1", "255.255.255.255", "1.2.3.");
    for (let prefix = 0; prefix <= 32; prefix++)
      for (const address of ["128.0.0.0", "10.1.2.3", "172.16.0.0", "192.168.1.1"]) {
        const ir = m("userAgent", cidr(masked(address, prefix), prefix));
        const run = falcoInterpreter.compile(query(ir));
        for (const ip of ips)
          expect(run({ "ka.useragent": ip }), `${ip} in ${masked(address, prefix)}/${prefix}`).toBe(
            evaluate(ir, { userAgent: ip }),
          );
      }
  });

  it("the dotted-quad check accepts exactly what the evaluator parses as IPv4", () => {
    const run = falcoInterpreter.compile(query(m("userAgent", cidr("0.0.0.0", 0))));
    const alphabet = ["0", "1", "2", "5", "6", "9", ".", ".", ".", "a", ":", "-", " "];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    // Each rule of the check on its own: an empty first or last octet, a leading zero, a 4th dot.
    const samples = ["1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1..2.3"];
    samples.push("1.2.3.", ".1.2.3", "1.2.03.4", "1.2.3.4.", "1.2.3.04", "1.2.3.256");
    for (let i = 0; i < 20000; i++) {
      let s = "";
      const len = next() % 16;
      for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
      samples.push(s);
    }
    for (let i = 0; i < 3000; i++)
      samples.push([0, 1, 2, 3].map(() => String(next() % 300)).join("."));
    for (const s of samples)
      expect(run({ "ka.useragent": s }), JSON.stringify(s)).toBe(parseIPv4(s) !== undefined);
    expect(IPV4_TEXT.kind).toBe("all");
  });
});

describe("source IPs element by element", () => {
  it("reads the first K elements through json.value, with one declared bound", () => {
    const ctx = context({ targetOptions: { "array-elements": "2" } });
    const ir = m("sourceIPs", {
      kind: "pattern",
      pattern: [{ kind: "text", text: "10.0.0.1" }],
      cased: false,
    });
    expect(query(ir, ctx)).toBe(
      `json.value[/sourceIPs/0] = "10.0.0.1" or json.value[/sourceIPs/1] = "10.0.0.1"`,
    );
    expect(codes(ir, ctx)).toEqual(["warning:FIDELITY_ELEMENTS_BOUNDED"]);
  });

  it("writes a CIDR filter per element, and exists on the whole array", () => {
    const ctx = context({ targetOptions: { "array-elements": "2" } });
    const q = query(m("sourceIPs", cidr("10.20.0.0", 16)), ctx);
    const el = (i: number): string => `json.value[/sourceIPs/${i}]`;
    expect(q.startsWith(`not ${el(0)} contains ":" and ${el(0)} glob "*.*.*.*" and not (`)).toBe(
      true,
    );
    expect(q).toContain(`) and ${el(0)} glob "10.20.*" or not ${el(1)} contains ":" and `);
    expect(q.endsWith(`) and ${el(1)} glob "10.20.*"`)).toBe(true);
    expect(codes(m("sourceIPs", cidr("10.20.0.0", 16)), ctx)).toEqual([
      "warning:FIDELITY_ELEMENTS_BOUNDED",
      "warning:FIDELITY_CIDR_DOTTED_QUAD",
    ]);
    expect(query(m("sourceIPs", { kind: "exists" }), ctx)).toBe(
      `json.value[/sourceIPs] exists and not json.value[/sourceIPs] = "null"`,
    );
  });

  it("checks the array-elements option", () => {
    for (const bad of ["0", "65", "x", "2.5"])
      expect(
        codes(m("verb", { kind: "exists" }), context({ targetOptions: { "array-elements": bad } })),
      ).toContain("error:INVALID_TARGET_OPTION");
  });
});

import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import type { Expr, Part, Test } from "../../src/ir.js";
import { parseCidr } from "../../src/sigma/cidr.js";
import { MODIFIERS, MODIFIER_LIST, base64Offsets } from "../../src/sigma/modifiers.js";
import { compileDetection } from "../../src/sigma/normalize.js";
import { mapGet, parseYaml, type YMap, type YScalar } from "../../src/sigma/yaml-tree.js";

function compile(
  item: string,
  placeholders?: Record<string, string[]>,
): { ir: Expr; diagnostics: Diagnostic[] } {
  const yaml = `detection:\n  selection:\n    ${item.replace(/\n/g, "\n    ")}\n  condition: selection\n`;
  const source = { path: "rule.yml", text: yaml };
  const root = parseYaml(source).documents[0] as YMap;
  const detection = mapGet(root, "detection")!.value as YMap;
  const cond = mapGet(detection, "condition")!.value as YScalar;
  return compileDetection({
    source,
    detection,
    conditions: [cond],
    ...(placeholders ? { placeholders } : {}),
  });
}

type Plain = { and: Plain[] } | { or: Plain[] } | { not: Plain } | boolean | Test;
/** The IR without fields and origins (every item below has the field `f`). */
function plain(e: Expr): Plain {
  switch (e.kind) {
    case "and":
      return { and: e.items.map(plain) };
    case "or":
      return { or: e.items.map(plain) };
    case "not":
      return { not: plain(e.item) };
    case "const":
      return e.value;
    case "match":
      return e.test;
  }
}

function ir(item: string, placeholders?: Record<string, string[]>): Plain {
  const r = compile(item, placeholders);
  expect(r.diagnostics).toEqual([]);
  return plain(r.ir);
}

function errorOf(item: string): [string, number | undefined, number | undefined] {
  const r = compile(item);
  const e = r.diagnostics.find((d) => d.severity === "error");
  return [e?.code ?? "none", e?.loc?.line, e?.loc?.col];
}

const text = (t: string): Part => ({ kind: "text", text: t });
const ANY: Part = { kind: "any" };
const pat = (...pattern: Part[]): Test => ({ kind: "pattern", pattern, cased: false });

describe("the modifier registry", () => {
  it("covers every modifier of Sigma 2.1", () => {
    const spec = [
      "contains",
      "startswith",
      "endswith",
      "all",
      "windash",
      "base64",
      "base64offset",
      "utf16le",
      "utf16be",
      "utf16",
      "wide",
      "re",
      "i",
      "m",
      "s",
      "cidr",
      "exists",
      "cased",
      "fieldref",
      "gt",
      "gte",
      "lt",
      "lte",
      "neq",
      "expand",
      "minute",
      "hour",
      "day",
      "week",
      "month",
      "year",
    ];
    for (const name of spec) expect(MODIFIER_LIST).toContain(name);
    expect(Object.keys(MODIFIERS).sort()).toEqual([...MODIFIER_LIST].sort());
  });
});

describe("string modifiers", () => {
  it("contains, startswith, endswith", () => {
    expect(ir("f|contains: x")).toEqual(pat(ANY, text("x"), ANY));
    expect(ir("f|startswith: x")).toEqual(pat(text("x"), ANY));
    expect(ir("f|endswith: x")).toEqual(pat(ANY, text("x")));
  });

  it("contains|all ANDs the values; all|contains is the same", () => {
    const expected = { and: [pat(ANY, text("a"), ANY), pat(ANY, text("b"), ANY)] };
    expect(ir("f|contains|all: [a, b]")).toEqual(expected);
    expect(ir("f|all|contains: [a, b]")).toEqual(expected);
  });

  it("cased makes the pattern case-sensitive, in any position", () => {
    expect(ir("f|cased: X")).toEqual({ kind: "pattern", pattern: [text("X")], cased: true });
    expect(ir("f|contains|cased: X")).toEqual({
      kind: "pattern",
      pattern: [ANY, text("X"), ANY],
      cased: true,
    });
    expect(ir("f|cased|endswith: X")).toEqual({
      kind: "pattern",
      pattern: [ANY, text("X")],
      cased: true,
    });
  });

  it("windash expands a leading - or / into five dashes", () => {
    const dashes = ["-", "/", "\u2013", "\u2014", "\u2015"];
    expect(ir("f|windash|contains: ' -exec'")).toEqual({
      or: dashes.map((d) => pat(ANY, text(` ${d}exec`), ANY)),
    });
    // Only a dash not preceded by a word character and followed by one: `-param-name` expands once.
    expect(ir("f|windash: '-param-name'")).toEqual({
      or: dashes.map((d) => pat(text(`${d}param-name`))),
    });
    expect(ir("f|windash: 'a-b'")).toEqual(pat(text("a-b")));
  });

  it("base64 encodes the UTF-8 bytes", () => {
    expect(ir("f|base64: cmd")).toEqual(pat(text("Y21k")));
    expect(ir("f|base64|contains: cmd")).toEqual(pat(ANY, text("Y21k"), ANY));
  });

  it("base64offset gives pySigma's three slices", () => {
    expect(base64Offsets(new TextEncoder().encode("cmd"))).toEqual(["Y21k", "NtZ", "jbW"]);
    expect(base64Offsets(new TextEncoder().encode("ab"))).toEqual(["YW", "Fi", "hY"]);
    expect(base64Offsets(new TextEncoder().encode("abcd"))).toEqual(["YWJjZ", "FiY2", "hYmNk"]);
    expect(ir("f|base64offset|contains: cmd")).toEqual({
      or: [pat(ANY, text("Y21k"), ANY), pat(ANY, text("NtZ"), ANY), pat(ANY, text("jbW"), ANY)],
    });
  });

  it("utf16le / wide / utf16be / utf16 encode the code units", () => {
    expect(ir("f|utf16le: ab")).toEqual(pat(text("a\0b\0")));
    expect(ir("f|wide: ab")).toEqual(pat(text("a\0b\0")));
    expect(ir("f|utf16be: ab")).toEqual(pat(text("\0a\0b")));
    expect(ir("f|utf16: ab")).toEqual(pat(text("\xff\xfea\0b\0")));
  });

  it("utf16 then base64 encodes the UTF-16 bytes, byte order mark FF FE included", () => {
    expect(ir("f|utf16le|base64: ab")).toEqual(pat(text("YQBiAA==")));
    expect(ir("f|utf16|base64: a")).toEqual(pat(text("//5hAA==")));
  });

  it("expand replaces placeholders by each value (ORed); values are Sigma strings", () => {
    expect(ir("f|expand: 'x%admins%'", { admins: ["root", "adm*"] })).toEqual({
      or: [pat(text("xroot")), pat(text("xadm"), ANY)],
    });
    expect(ir("f|expand|contains: '%a%-%b%'", { a: ["1", "2"], b: ["3"] })).toEqual({
      or: [pat(ANY, text("1-3"), ANY), pat(ANY, text("2-3"), ANY)],
    });
  });
});

describe("expansion limits", () => {
  it("refuses a windash value with too many dashes, at the value", () => {
    expect(errorOf("f|windash: ' -a -b -c -d -e -f'")).toEqual([
      "DETECTION_EXPANSION_TOO_LARGE",
      3,
      17,
    ]);
  });
});

describe("regular expressions", () => {
  it("re keeps the text as written, with flags from i, m, s", () => {
    expect(ir("f|re: 'a\\d+\\*'")).toEqual({
      kind: "regex",
      source: "a\\d+\\*",
      flags: { i: false, m: false, s: false },
    });
    expect(ir("f|re|i|s: 'a.b'")).toEqual({
      kind: "regex",
      source: "a.b",
      flags: { i: true, m: false, s: true },
    });
    expect(ir("f|re|m: '^a$'")).toEqual({
      kind: "regex",
      source: "^a$",
      flags: { i: false, m: true, s: false },
    });
  });

  it("lifts PCRE's leading (?i) into the flags", () => {
    expect(ir("f|re: '(?i)ab'")).toEqual({
      kind: "regex",
      source: "ab",
      flags: { i: true, m: false, s: false },
    });
  });

  it("rejects what JavaScript cannot compile, at the value", () => {
    expect(errorOf("f|re: 'a(b'")).toEqual(["DETECTION_INVALID_REGEX", 3, 12]);
  });
});

describe("cidr", () => {
  it("normalizes IPv4 and IPv6 networks", () => {
    expect(ir("f|cidr: 10.1.2.3/8")).toEqual({
      kind: "cidr",
      network: "10.0.0.0",
      prefix: 8,
      version: 4,
    });
    expect(ir("f|cidr: '2001:DB8:0:0::1/32'")).toEqual({
      kind: "cidr",
      network: "2001:db8::",
      prefix: 32,
      version: 6,
    });
    expect(ir("f|cidr: 192.168.1.1")).toEqual({
      kind: "cidr",
      network: "192.168.1.1",
      prefix: 32,
      version: 4,
    });
  });

  it("parses the IPv6 forms", () => {
    expect(parseCidr("::ffff:10.0.0.1/128")).toEqual({
      ok: true,
      value: { version: 6, network: "::ffff:a00:1", prefix: 128 },
    });
    expect(parseCidr("fe80::/10")).toEqual({
      ok: true,
      value: { version: 6, network: "fe80::", prefix: 10 },
    });
    expect(parseCidr("1:0:0:1:0:0:0:1/128")).toEqual({
      ok: true,
      value: { version: 6, network: "1:0:0:1::1", prefix: 128 },
    });
    expect(parseCidr("::/0")).toEqual({
      ok: true,
      value: { version: 6, network: "::", prefix: 0 },
    });
  });

  it("refuses malformed networks", () => {
    for (const bad of [
      "10.0.0.256/8",
      "10.0.0/8",
      "10.0.0.0/33",
      "1::2::3/64",
      "::/129",
      "010.0.0.0/8",
      "10.0.0.0/x",
      "gggg::/16",
    ]) {
      expect(parseCidr(bad).ok).toBe(false);
    }
  });
});

describe("generic and numeric modifiers", () => {
  it("exists true / false", () => {
    expect(ir("f|exists: true")).toEqual({ kind: "exists" });
    expect(ir("f|exists: false")).toEqual({ not: { kind: "exists" } });
  });

  it("fieldref, alone and with a position and cased", () => {
    expect(ir("f|fieldref: g")).toEqual({
      kind: "fieldref",
      other: "g",
      position: "equal",
      cased: false,
    });
    expect(ir("f|fieldref|startswith: g")).toEqual({
      kind: "fieldref",
      other: "g",
      position: "startswith",
      cased: false,
    });
    expect(ir("f|fieldref|contains|cased: g.h")).toEqual({
      kind: "fieldref",
      other: "g.h",
      position: "contains",
      cased: true,
    });
  });

  it("fieldref combines with neq", () => {
    expect(ir("f|fieldref|neq: g")).toEqual({
      and: [
        { kind: "exists" },
        { not: { kind: "fieldref", other: "g", position: "equal", cased: false } },
      ],
    });
  });

  it("gt gte lt lte take numbers and numeric strings", () => {
    expect(ir("f|gt: 5")).toEqual({ kind: "number", op: "gt", value: 5 });
    expect(ir("f|gte: '400'")).toEqual({ kind: "number", op: "gte", value: 400 });
    expect(ir("f|lt: 1.5")).toEqual({ kind: "number", op: "lt", value: 1.5 });
    expect(ir("f|lte: -2")).toEqual({ kind: "number", op: "lte", value: -2 });
  });

  it("neq is present and not equal, for numbers and strings", () => {
    expect(ir("f|neq: 5")).toEqual({
      and: [{ kind: "exists" }, { not: { kind: "number", op: "eq", value: 5 } }],
    });
    expect(ir("f|neq|contains: x")).toEqual({
      and: [{ kind: "exists" }, { not: pat(ANY, text("x"), ANY) }],
    });
  });

  it("time parts take integers", () => {
    for (const part of ["minute", "hour", "day", "week", "month", "year"] as const) {
      expect(ir(`f|${part}: 3`)).toEqual({ kind: "timepart", part, value: 3 });
    }
    expect(ir("f|year: '2024'")).toEqual({ kind: "timepart", part: "year", value: 2024 });
  });
});

describe("invalid modifiers and combinations (code, line, col)", () => {
  // The item is on line 3 and starts at column 5, so `f|` puts the first modifier at column 7.
  it.each([
    ["f|contians: x", "DETECTION_UNKNOWN_MODIFIER", 7],
    ["f|contains|: x", "DETECTION_UNKNOWN_MODIFIER", 16],
    ["f|cidr|contains: 10.0.0.0/8", "DETECTION_INVALID_MODIFIER_COMBINATION", 12],
    ["f|contains|cidr: 10.0.0.0/8", "DETECTION_INVALID_MODIFIER_COMBINATION", 16],
    ["f|re|base64: x", "DETECTION_INVALID_MODIFIER_COMBINATION", 10],
    ["f|exists|contains: true", "DETECTION_INVALID_MODIFIER_COMBINATION", 7],
    ["f|startswith|endswith: x", "DETECTION_CONFLICTING_MODIFIERS", 18],
    ["f|contains|contains: x", "DETECTION_DUPLICATE_MODIFIER", 16],
    ["f|all: x", "DETECTION_ALL_SINGLE_VALUE", 7],
    ["f|contains|all: [x]", "DETECTION_ALL_SINGLE_VALUE", 16],
    ["f|gt: abc", "DETECTION_NOT_A_NUMBER", 11],
    ["f|gt: true", "DETECTION_NOT_A_NUMBER", 11],
    ["f|contains|gt: 5", "DETECTION_INVALID_MODIFIER_COMBINATION", 16],
    ["f|hour: 1.5", "DETECTION_NOT_AN_INTEGER", 13],
    ["f|exists: 'yes'", "DETECTION_EXISTS_NOT_BOOLEAN", 16],
    ["f|i: x", "DETECTION_INVALID_MODIFIER_COMBINATION", 7],
    ["f|contains: true", "DETECTION_MODIFIER_VALUE_TYPE", 7],
    ["f|re|cased: x", "DETECTION_INVALID_MODIFIER_COMBINATION", 10],
    ["f|base64: 'a*'", "DETECTION_BASE64_WILDCARD", 16],
    ["f|fieldref: 'g*'", "DETECTION_FIELDREF_WILDCARD", 18],
    ["f|contains|fieldref: g", "DETECTION_INVALID_MODIFIER_COMBINATION", 16],
    ["f|wide|utf16be: x", "DETECTION_INVALID_MODIFIER_COMBINATION", 12],
    ["f|neq|exists: true", "DETECTION_INVALID_MODIFIER_COMBINATION", 7],
    ["'|exists': true", "DETECTION_EXISTS_WITHOUT_FIELD", 7],
    ["f|cidr: 10.0.0.0/33", "DETECTION_INVALID_CIDR", 13],
    ["f|expand: '%nope%'", "DETECTION_UNRESOLVED_PLACEHOLDER", 16],
  ])("%s → %s", (item, code, col) => {
    expect(errorOf(item)).toEqual([code, 3, col]);
  });
});

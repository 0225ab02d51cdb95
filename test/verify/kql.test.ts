import { describe, expect, it } from "vitest";
import { kqlInterpreter } from "../../src/verify/kql/interpret.js";
import { parseKql } from "../../src/verify/kql/parse.js";
import { ParseError } from "../../src/verify/types.js";

function value(q: string) {
  const n = parseKql(q);
  if (n.kind !== "is") throw new Error(`not an is: ${JSON.stringify(n)}`);
  return n.value;
}

function parseError(q: string): ParseError {
  try {
    kqlInterpreter.compile(q);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`no ParseError for ${q}`);
}

describe("KQL grammar: structure", () => {
  it("or < and < not, as Kibana's grammar layers them", () => {
    expect(parseKql("a:1 or b:2 and not c:3")).toMatchObject({
      kind: "or",
      items: [
        { kind: "is" },
        { kind: "and", items: [{ kind: "is" }, { kind: "not", item: { kind: "is" } }] },
      ],
    });
  });

  it("keywords are case-insensitive and need whitespace", () => {
    expect(parseKql("a:1 OR b:2")).toMatchObject({ kind: "or" });
    expect(value("a:1or b")).toMatchObject({ kind: "string", text: "1or b" });
  });

  it("a value list distributes its field", () => {
    expect(parseKql("f:(a or not b)")).toMatchObject({
      kind: "or",
      items: [
        { kind: "is", field: { text: "f" }, value: { text: "a" } },
        { kind: "not", item: { kind: "is", field: { text: "f" }, value: { text: "b" } } },
      ],
    });
  });

  it("ranges", () => {
    expect(parseKql("code >= 400")).toMatchObject({
      kind: "range",
      op: "gte",
      field: { text: "code" },
      value: { text: "400" },
    });
  });

  it("the empty query matches everything", () => {
    expect(parseKql("  ")).toEqual({ kind: "all" });
  });
});

describe("KQL grammar: values", () => {
  it("unquoted escapes for every special character", () => {
    expect(value('f:a\\:b\\*c\\\\d\\(\\)\\<\\>\\"\\{\\}')).toMatchObject({
      kind: "string",
      text: 'a:b*c\\d()<>"{}',
    });
  });

  it("whitespace and unicode escapes; \\or and \\AND are keywords, \\not is a newline", () => {
    expect(value("f:a\\tb\\rc\\nd\\u0041")).toMatchObject({ text: "a\tb\rc\nd" + "A" });
    expect(value("f:\\or")).toMatchObject({ text: "or" });
    expect(value("f:x\\AND")).toMatchObject({ text: "xAND" });
    expect(value("f:x\\not")).toMatchObject({ text: "x\not" });
    // Alone it is trimmed away like any edge whitespace.
    expect(value("f:\\not")).toMatchObject({ text: "ot" });
    expect(value("f:\\NOT")).toMatchObject({ text: "NOT" });
  });

  it("unquoted values are trimmed; bare null/true/false are JSON values", () => {
    expect(value("f:  a b  ")).toMatchObject({ kind: "string", text: "a b" });
    expect(value("f:*a ")).toEqual({
      kind: "wildcard",
      parts: [{ kind: "any" }, { kind: "text", text: "a" }],
      span: expect.anything(),
    });
    expect(value("f:true")).toMatchObject({ kind: "json", value: true });
    expect(value("f:null")).toMatchObject({ kind: "json", value: null });
    expect(value('f:"null"')).toMatchObject({ kind: "string", text: "null" });
  });

  it("quoted values keep unknown backslashes and have no wildcards", () => {
    expect(value('f:"a\\b"')).toMatchObject({ text: "a\\b", quoted: true });
    expect(value('f:"a\\\\b\\"c*"')).toMatchObject({ text: 'a\\b"c*' });
    expect(value('f:"\\u0041\\n"')).toMatchObject({ text: "A\n" });
  });
});

describe("KQL grammar: errors carry positions", () => {
  it("`not` followed by a space ends a value, even inside a word", () => {
    const e = parseError("f:cannot be");
    expect([e.line, e.col]).toEqual([1, 6]);
  });

  it("an unknown escape is an error at the backslash", () => {
    const e = parseError("f:a\\-b");
    expect([e.line, e.col]).toEqual([1, 4]);
  });

  it("positions count lines", () => {
    const e = parseError('f:a and\n  g:"x');
    expect([e.line, e.col]).toEqual([2, 5]);
  });

  it("outside the modelled subset: free text, nested, wildcard on numbers, dates", () => {
    expect(parseError("evil").col).toBe(1);
    expect(parseError("f:{ a:b }").col).toBe(3);
    expect(parseError("kubernetes.audit.responseStatus.code:4*").col).toBe(38);
    expect(parseError("kubernetes.audit.stageTimestamp:x").col).toBe(33);
    expect(parseError("source.ip:abc").col).toBe(11);
    expect(parseError("user.name >= 4").col).toBe(14);
  });
});

describe("KQL interpreter: Elastic semantics", () => {
  const run = (q: string, doc: unknown) => kqlInterpreter.compile(q)(doc);
  const user = (name: unknown) => ({ user: { name } });

  it("keyword: exact and case-sensitive, any element of an array", () => {
    expect(run('user.name:"Bob"', user("Bob"))).toBe(true);
    expect(run('user.name:"Bob"', user("bob"))).toBe(false);
    expect(run("user.name:bob", user(["x", "bob"]))).toBe(true);
  });

  it("wildcards are whole-value globs with * only", () => {
    expect(run("user.name:b*b", user("bob"))).toBe(true);
    expect(run("user.name:b*", user("abob"))).toBe(false);
    expect(run('user.name:"b*"', user("bob"))).toBe(false);
    expect(run('user.name:"b*"', user("b*"))).toBe(true);
    expect(run("user.name:b?b", user("bob"))).toBe(false);
  });

  it("f:* is exists; values over ignore_above are not indexed", () => {
    expect(run("user.name:*", user("a"))).toBe(true);
    expect(run("user.name:*", {})).toBe(false);
    expect(run("not user.name:*", { user: { name: null } })).toBe(true);
    expect(run("user.name:*", user("x".repeat(1025)))).toBe(false);
    expect(run("user.name:*", user("x".repeat(1024)))).toBe(true);
  });

  it("ip fields take addresses and CIDR ranges", () => {
    const doc = { source: { ip: ["192.168.1.5", "2001:db8::1"] } };
    expect(run('source.ip:"192.168.0.0/16"', doc)).toBe(true);
    expect(run('source.ip:"10.0.0.0/8"', doc)).toBe(false);
    expect(run('source.ip:"2001:db8::/32"', doc)).toBe(true);
    expect(run("source.ip:192.168.1.5", doc)).toBe(true);
  });

  it("numeric fields compare numbers", () => {
    const doc = { kubernetes: { audit: { responseStatus: { code: 403 } } } };
    expect(run("kubernetes.audit.responseStatus.code >= 400", doc)).toBe(true);
    expect(run("kubernetes.audit.responseStatus.code < 400", doc)).toBe(false);
    expect(run("kubernetes.audit.responseStatus.code:403", doc)).toBe(true);
    expect(run('kubernetes.audit.responseStatus.code:"403"', doc)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/verify/types.js";
import { createEqlInterpreter, eqlInterpreter, parseEql } from "../../src/verify/eql/index.js";
import { indexFieldType, type EsField } from "../../src/verify/kql/mapping.js";
import { elasticDocument } from "../../src/verify/views/elastic.js";

/**
 * The EQL reading, checked against Elastic's EQL reference (syntax, operators, limitations) and
 * its planner: one fact per test, on documents as Elastic's Kubernetes pipeline indexes them.
 */

const doc = (raw: unknown): unknown => elasticDocument(raw);
const run = (query: string, raw: unknown): boolean => eqlInterpreter.compile(query)(doc(raw));

function parseErrorAt(query: string): { line: number; col: number; message: string } {
  try {
    eqlInterpreter.compile(query);
  } catch (e) {
    if (e instanceof ParseError) return { line: e.line, col: e.col, message: e.message };
    throw e;
  }
  throw new Error(`no ParseError for ${query}`);
}

describe("EQL grammar: what is outside the modelled subset is a ParseError at its position", () => {
  it("pipes, sequences, arithmetic", () => {
    expect(parseErrorAt('any where user.name : "a" | head 5')).toMatchObject({ col: 27 });
    expect(parseErrorAt('any where user.name : "a" | head 5').message).toMatch(/pipes/);
    expect(parseErrorAt("sequence [any where true] [any where true]").message).toMatch(/sequences/);
    expect(parseErrorAt("any where kubernetes.audit.responseStatus.code + 1 > 2").message).toMatch(
      /arithmetic/,
    );
  });

  it('strings: single quotes and ?"…" are refused; only the listed escapes exist', () => {
    expect(parseErrorAt("any where user.name == 'x'").message).toMatch(/single-quoted/);
    expect(parseErrorAt('any where user.name == "C:\\Windows"')).toMatchObject({ col: 24 });
    expect(parseErrorAt('any where user.name == "\\u{1}"').message).toMatch(/Unicode escape/);
    expect(parseEql('any where user.name == "a\\u{41}\\t\\"b"').where).toMatchObject({
      right: { kind: "string", value: 'aA\t"b' },
    });
    expect(parseEql('any where user.name regex """a\\.b"""').where).toMatchObject({
      values: [{ value: "a\\.b" }],
    });
  });

  it("`=` is not an equality; keywords are lower-case", () => {
    expect(() => eqlInterpreter.compile('any where user.name = "x"')).toThrow(ParseError);
    expect(() => eqlInterpreter.compile('any WHERE user.name == "x"')).toThrow(ParseError);
  });

  it("an unknown field fails the query unless written ?optional; text fields are refused", () => {
    expect(parseErrorAt('any where no.such.field == "x"').message).toMatch(/unknown field/);
    expect(() => eqlInterpreter.compile('any where ?no.such.field == "x"')).not.toThrow();
    expect(parseErrorAt('any where kubernetes.audit.user.groups : "x"').message).toMatch(
      /text field/,
    );
  });

  it("backquoted names may hold any character, a backquote doubled", () => {
    expect(parseEql("any where `a.b`.`c``d` == null").where).toMatchObject({
      left: { kind: "field", name: "a.b.c`d" },
    });
  });
});

describe("EQL semantics on Elastic's documents", () => {
  const alice = { user: { username: "Alice" }, verb: "get" };

  it("`:` is case-insensitive for ASCII letters only (Elasticsearch folds code points ≤ U+0080)", () => {
    expect(run('any where user.name : "ALICE"', alice)).toBe(true);
    expect(run('any where user.name : "é"', { user: { username: "É" } })).toBe(false);
    expect(run('any where user.name : "k"', { user: { username: "\u212a" } })).toBe(false);
  });

  it("== and like compare case-sensitively; like~ does not", () => {
    expect(run('any where user.name == "alice"', alice)).toBe(false);
    expect(run('any where user.name like "A*e"', alice)).toBe(true);
    expect(run('any where user.name like "a*e"', alice)).toBe(false);
    expect(run('any where user.name like~ "a?ICE"', alice)).toBe(true);
  });

  it("`:` and like read * and ? as wildcards, which cannot be escaped; in~ has no wildcards", () => {
    const star = { user: { username: "a*b" } };
    expect(run('any where user.name : "a*"', { user: { username: "axyz" } })).toBe(true);
    expect(run('any where user.name in~ ("A*B")', star)).toBe(true);
    expect(run('any where user.name in~ ("A*")', { user: { username: "axyz" } })).toBe(false);
    // A backslash is an ordinary character in a like pattern.
    expect(run('any where user.name like "a\\\\*"', { user: { username: "a\\xy" } })).toBe(true);
  });

  it("regex is Lucene syntax over the whole value: ^ is a literal, @ is an operator", () => {
    expect(run('any where user.name regex "A.*"', alice)).toBe(true);
    expect(run('any where user.name regex "lic"', alice)).toBe(false);
    expect(run('any where user.name regex """\\^A.*"""', { user: { username: "^Alice" } })).toBe(
      true,
    );
    expect(() => eqlInterpreter.compile('any where user.name regex "a@"')).toThrow(ParseError);
  });

  it("not, != and not in are a must_not: they match a document without the field", () => {
    expect(run('any where not user.name : "bob"', { verb: "get" })).toBe(true);
    expect(run('any where user.name != "bob"', { verb: "get" })).toBe(true);
    expect(run('any where user.name not in ("bob")', { verb: "get" })).toBe(true);
  });

  it("a multi-valued field matches when any value does, and != only when none does", () => {
    const two = { objectRef: { resource: ["pods", "secrets"] } };
    expect(run('any where kubernetes.audit.objectRef.resource : "secrets"', two)).toBe(true);
    expect(run('any where kubernetes.audit.objectRef.resource != "secrets"', two)).toBe(false);
  });

  it("?field of a field the index does not map is null: == null holds, not of it is still null", () => {
    expect(run("any where ?no.such.field == null", alice)).toBe(true);
    expect(run('any where ?no.such.field : "x"', alice)).toBe(false);
    expect(run('any where not ?no.such.field : "x"', alice)).toBe(false);
    expect(run('any where ?no.such.field : "x" or user.name : "alice"', alice)).toBe(true);
  });

  it("== null is no indexed value (empty strings are dropped; long keyword values not indexed)", () => {
    expect(run("any where user.name == null", { user: { username: "" } })).toBe(true);
    const long = "x".repeat(1025);
    expect(run('any where user.name like "*"', { user: { username: long } })).toBe(false);
    expect(run("any where user.name != null", { user: { username: long } })).toBe(false);
  });

  it("cidrMatch is an ip terms query (IPv4-mapped IPv6 addresses are IPv4)", () => {
    const ev = { sourceIPs: ["::ffff:10.1.2.3"] };
    expect(run('any where cidrMatch(source.ip, "10.0.0.0/8")', ev)).toBe(true);
    expect(run('any where cidrMatch(source.ip, "192.168.0.0/16", "10.1.2.3/32")', ev)).toBe(true);
    expect(() => eqlInterpreter.compile('any where cidrMatch(user.name, "10.0.0.0/8")')).toThrow(
      ParseError,
    );
  });

  it("numbers compare the indexed integer; a fraction never equals an integer field", () => {
    const ev = { responseStatus: { code: "403" } };
    expect(run("any where kubernetes.audit.responseStatus.code >= 400", ev)).toBe(true);
    expect(run("any where kubernetes.audit.responseStatus.code == 403.5", ev)).toBe(false);
  });

  it("an event category is a term on event.category", () => {
    const kubernetes = (f: string): EsField | undefined => {
      const type = indexFieldType(f);
      return type === undefined ? undefined : { type };
    };
    const typeOf = (f: string) =>
      f === "event.category" ? { type: "keyword" as const } : kubernetes(f);
    const eql = createEqlInterpreter(typeOf).compile("process where true");
    expect(eql({ event: { category: ["network", "process"] } })).toBe(true);
    expect(eql({ event: { category: "Process" } })).toBe(false);
    // The Kubernetes audit mapping has no event.category: EQL refuses a category there.
    expect(() => createEqlInterpreter(kubernetes).compile("process where true")).toThrow(
      ParseError,
    );
  });
});

import { describe, expect, it } from "vitest";
import { esqlInterpreter, parseEsql } from "../../src/verify/esql/index.js";
import { ParseError } from "../../src/verify/types.js";
import { elasticDocument } from "../../src/verify/views/elastic.js";

/**
 * The ES|QL reading, checked against Elastic's ES|QL reference (multivalued fields, LIKE, RLIKE,
 * TO_LOWER, MV_CONTAINS, CIDR_MATCH, COALESCE, three-valued logic): one fact per test.
 */

const FROM = "FROM logs-kubernetes.audit_logs-* METADATA _id, _index, _version";
const run = (where: string, raw: unknown, from = FROM): boolean =>
  esqlInterpreter.compile(`${from} | WHERE ${where}`)(elasticDocument(raw));

function parseError(query: string): ParseError {
  try {
    esqlInterpreter.compile(query);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`no ParseError for ${query}`);
}

describe("ES|QL grammar: FROM, WHERE and LIMIT; the rest is a ParseError at its position", () => {
  it("reads sources, metadata and several WHERE commands; keywords in any case", () => {
    const q = parseEsql(
      'from logs-a-*, "odd|name" metadata _id, _index | where a == "x" | WHERE b IS NULL | limit 5',
    );
    expect(q.sources.map((s) => s.pattern)).toEqual(["logs-a-*", "odd|name"]);
    expect(q.metadata).toEqual(["_id", "_index"]);
    expect(q.where).toHaveLength(2);
    expect(q.limit).toBe(5);
  });

  it("other commands, =~, the match operator and casts are outside the subset", () => {
    expect(parseError(`${FROM} | EVAL x = 1`)).toMatchObject({ line: 1, col: FROM.length + 4 });
    expect(parseError(`${FROM} | WHERE user.name =~ "a"`).message).toMatch(/=~/);
    expect(parseError(`${FROM} | WHERE user.name : "a"`).message).toMatch(/match/);
    expect(parseError(`${FROM} | WHERE user.name::keyword == "a"`).message).toMatch(/casts/);
  });

  it('strings: only \\t \\n \\r \\" \\\\ are escapes; a LIKE backslash escapes only * ? \\', () => {
    expect(() => esqlInterpreter.compile(`${FROM} | WHERE user.name == "C:\\Windows"`)).toThrow(
      ParseError,
    );
    expect(parseError(`${FROM} | WHERE user.name LIKE """a\\b"""`).message).toMatch(/backslash/);
  });

  it("an unknown column fails the query", () => {
    expect(parseError(`${FROM} | WHERE no.such.field == "x"`).message).toMatch(/Unknown column/);
  });
});

describe("ES|QL semantics on Elastic's documents", () => {
  const alice = { user: { username: "Alice" }, verb: "get" };

  it("== compares exactly; TO_LOWER lower-cases as Java does (İ becomes i + U+0307)", () => {
    expect(run('user.name == "alice"', alice)).toBe(false);
    expect(run('TO_LOWER(user.name) == "alice"', alice)).toBe(true);
    expect(run('TO_LOWER(user.name) == "i\u0307x"', { user: { username: "İX" } })).toBe(true);
  });

  it("LIKE: * any run, ? one code point, \\* a literal star; RLIKE is Lucene over the whole value", () => {
    expect(run('user.name LIKE "A?ice"', alice)).toBe(true);
    expect(run('user.name LIKE """a\\*"""', { user: { username: "a*" } })).toBe(true);
    expect(run('user.name LIKE """a\\*"""', { user: { username: "ab" } })).toBe(false);
    expect(run('user.name RLIKE "lic"', alice)).toBe(false);
    expect(run('user.name RLIKE ".*lic.*"', alice)).toBe(true);
  });

  it("a multi-valued field is null to ==, LIKE, IN; NOT null is null; COALESCE turns it false", () => {
    const two = { verb: ["get", "list"] };
    expect(run('kubernetes.audit.verb == "get"', two)).toBe(false);
    expect(run('NOT kubernetes.audit.verb == "get"', two)).toBe(false);
    expect(run('kubernetes.audit.verb IN ("get", "x")', two)).toBe(false);
    expect(run('NOT COALESCE(kubernetes.audit.verb == "get", FALSE)', two)).toBe(true);
    expect(run("kubernetes.audit.verb IS NULL", two)).toBe(false);
  });

  it("keyword values are a set: a repeated value is one value", () => {
    expect(run('kubernetes.audit.verb == "get"', { verb: ["get", "get"] })).toBe(true);
  });

  it("MV_CONTAINS sees every value; a missing field is an empty set", () => {
    const groups = { user: { groups: ["System:Masters", "x"] } };
    expect(
      run('MV_CONTAINS(TO_LOWER(kubernetes.audit.user.groups), "system:masters")', groups),
    ).toBe(true);
    expect(run('MV_CONTAINS(kubernetes.audit.user.groups, "y")', {})).toBe(false);
  });

  it("a missing field is null: comparisons drop the row, IS NULL holds", () => {
    expect(run('user.name != "bob"', { verb: "get" })).toBe(false);
    expect(run("user.name IS NULL", { verb: "get" })).toBe(true);
  });

  it("CIDR_MATCH reads an ip; TO_IP builds one", () => {
    const ev = { sourceIPs: ["10.1.2.3"] };
    expect(run('CIDR_MATCH(source.ip, "10.0.0.0/8")', ev)).toBe(true);
    expect(
      run('MV_CONTAINS(source.ip, TO_IP("10.1.2.3"))', { sourceIPs: ["::ffff:10.1.2.3"] }),
    ).toBe(true);
  });

  it("FROM must name the document's data stream", () => {
    expect(run("TRUE", alice, "FROM metrics-*")).toBe(false);
    expect(run("TRUE", alice, "FROM logs-kubernetes.audit_logs-default")).toBe(true);
  });
});

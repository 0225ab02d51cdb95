import { describe, expect, it } from "vitest";
import { seenOf } from "../helpers/seen.js";
import { testRule } from "../helpers/rule-context.js";

/**
 * What each SQL dialect's JSON scalar extraction gives for a field (the backend's seen claim).
 * Facts from the engines' docs: DuckDB's and Spark's json_extract_string / get_json_object give an
 * object or array as its JSON text; Trino's json_extract_scalar gives NULL unless the value is a
 * scalar (boolean, number or string).
 */
describe("SQL seen event: a JSON object where a scalar is read", () => {
  const raw = { kind: "Event", verb: "get", requestObject: { spec: { a: { b: 1 }, n: 2 } } };
  const seen = (dialect: string) =>
    seenOf("sql", testRule(), { options: { targetOptions: { dialect } } })(raw) as Record<
      string,
      unknown
    >;

  it("trino reads nothing, duckdb and spark read its JSON text; scalars read alike", () => {
    expect(seen("trino")["requestObject.spec.a"]).toBeUndefined();
    expect(seen("duckdb")["requestObject.spec.a"]).toBe('{"b":1}');
    expect(seen("spark")["requestObject.spec.a"]).toBe('{"b":1}');
    for (const d of ["trino", "duckdb", "spark"]) {
      expect(seen(d)["requestObject.spec.n"]).toBe("2");
      expect(seen(d)["verb"]).toBe("get");
    }
  });
});

import { valuesAt } from "../kql/interpret.js";
import { ParseError } from "../types.js";
import { compileEqlSequence } from "./eql-sequence.js";
import { compileEsqlStats } from "./esql-stats.js";

/**
 * An Elastic correlation as Kibana imports it: one detection rule (a line of a rules import
 * NDJSON file). Kibana's rule schema (rule_schemas.schema.yaml) requires rule_id, name,
 * description, risk_score, severity, type, query and language; an eql rule also reads `index`
 * and, for its sequences' times, `timestamp_field` (default `@timestamp`); an esql rule names its
 * indices in FROM. The query is then run by the EQL sequence or ES|QL STATS interpreter.
 */

export interface ElasticCorrelationMatch {
  /** Group-by values in the query's order (the sequence's join keys, the non-bucket BY columns). */
  readonly keys: readonly (string | null)[];
  readonly timeUs: number;
}

export type ElasticCorrelationProgram = (
  documents: readonly unknown[],
) => ElasticCorrelationMatch[];

const REQUIRED = [
  "rule_id",
  "name",
  "description",
  "risk_score",
  "severity",
  "type",
  "query",
  "language",
];

function fail(message: string): never {
  throw new ParseError(message, 0, 1, 1);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function compileElasticCorrelation(ndjson: string): ElasticCorrelationProgram {
  const lines = ndjson.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== 1) return fail(`expected one rule per correlation, got ${lines.length}`);
  let rule: unknown;
  try {
    rule = JSON.parse(lines[0]!);
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(rule)) return fail("a rule must be a JSON object");
  for (const k of REQUIRED) if (!(k in rule)) fail(`Kibana's rule schema requires '${k}'`);
  const { type, language, query } = rule;
  if (typeof query !== "string") return fail("'query' must be a string");
  if (type === "eql") {
    if (language !== "eql") return fail("an eql rule has language 'eql'");
    const index = rule.index;
    if (!Array.isArray(index) || index.length === 0 || !index.every((i) => typeof i === "string"))
      return fail("an eql rule reads the indices of 'index'");
    const ts = rule.timestamp_field ?? "@timestamp";
    if (typeof ts !== "string") return fail("'timestamp_field' must be a string");
    const run = compileEqlSequence(query, ts);
    const patterns = (index as string[]).map(
      (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`),
    );
    // A document outside every index of the rule is not searched (a data stream's backing name).
    const searched = (doc: unknown): boolean => {
      const part = (k: string): unknown => valuesAt(doc, `data_stream.${k}`)[0];
      const name = ["type", "dataset", "namespace"].map(part);
      return (
        name.every((x) => typeof x === "string") && patterns.some((r) => r.test(name.join("-")))
      );
    };
    return (docs) => run(docs.map((d) => (searched(d) ? d : {})));
  }
  if (type === "esql") {
    if (language !== "esql") return fail("an esql rule has language 'esql'");
    if ("index" in rule) return fail("an esql rule names its indices in FROM, not in 'index'");
    return compileEsqlStats(query);
  }
  return fail(`rule type ${JSON.stringify(type)} is not a correlation rule type here`);
}

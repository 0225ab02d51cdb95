/**
 * Elastic Security runs three query languages over the same ECS documents. The language is part
 * of the output format (`--format`), because a sigma-cli user picks the language and the artifact
 * in one choice (pySigma names them `lucene`, `eql`, `esql` backends, each with its own formats):
 *
 *   query / kibana-ndjson / toml                    KQL (kuery), the default
 *   eql   / kibana-ndjson-eql / toml-eql            EQL, rule type `eql`
 *   esql  / kibana-ndjson-esql / toml-esql          ES|QL, rule type `esql`
 */

export type ElasticLanguage = "kql" | "eql" | "esql";

export type ElasticArtifact = "query" | "kibana-ndjson" | "toml";

export interface ElasticFormat {
  readonly language: ElasticLanguage;
  readonly artifact: ElasticArtifact;
}

/** Every Elastic format, with the language and artifact it stands for (a total table). */
export const ELASTIC_FORMATS: Readonly<Record<string, ElasticFormat>> = {
  query: { language: "kql", artifact: "query" },
  "kibana-ndjson": { language: "kql", artifact: "kibana-ndjson" },
  toml: { language: "kql", artifact: "toml" },
  eql: { language: "eql", artifact: "query" },
  "kibana-ndjson-eql": { language: "eql", artifact: "kibana-ndjson" },
  "toml-eql": { language: "eql", artifact: "toml" },
  esql: { language: "esql", artifact: "query" },
  "kibana-ndjson-esql": { language: "esql", artifact: "kibana-ndjson" },
  "toml-esql": { language: "esql", artifact: "toml" },
};

/** The format's language and artifact; an unknown or absent format is KQL's (the default). */
export function elasticFormat(format: string | undefined): ElasticFormat {
  return (format !== undefined ? ELASTIC_FORMATS[format] : undefined) ?? ELASTIC_FORMATS.query!;
}

/** Kibana's `language` and detection-rule `type` for each language. */
export const RULE_KIND: Readonly<
  Record<ElasticLanguage, { readonly language: string; readonly type: string }>
> = {
  kql: { language: "kuery", type: "query" },
  eql: { language: "eql", type: "eql" },
  esql: { language: "esql", type: "esql" },
};

import { DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import type { Expr } from "../../ir.js";
import type { Backend, BackendContext, Lowered, SeenEvent, TargetLanguage } from "../types.js";
import { ELASTIC_CAPABILITIES } from "./capabilities.js";
import { eqlLanguage } from "./eql/index.js";
import { esqlLanguage } from "./esql/index.js";
import { kqlLanguage } from "./kql.js";
import { ELASTIC_FORMATS, elasticFormat, type ElasticLanguage } from "./language.js";
import type { LanguageBackend } from "./language-backend.js";
import { kibanaNdjson } from "./ndjson.js";
import { ruleMeta } from "./rule-meta.js";
import { ELASTIC_DATA_NOTES, uncollectedNote } from "./data-notes.js";
import { detectionRuleToml } from "./toml.js";

/**
 * Elastic Security over ECS documents, in three languages chosen by the format: KQL (default),
 * EQL and ES|QL (language.ts). Each language has its own lowering and printing; artifacts share
 * the rule metadata.
 */

export const ELASTIC_LANGUAGES: Readonly<Record<ElasticLanguage, LanguageBackend>> = {
  kql: kqlLanguage,
  eql: eqlLanguage,
  esql: esqlLanguage,
};

/** Which language to choose, as `sigprism targets -t elastic` and the README explain it. */
const LANGUAGE_GUIDE: readonly TargetLanguage[] = [
  {
    name: "KQL",
    formats: ["query", "kibana-ndjson", "toml"],
    capabilities: kqlLanguage.capabilities,
    when: "the default: the language of Kibana's search bar and of most custom rules, easy to read and edit. Keyword fields compare case-sensitively, so a Sigma value with letters is matched with its exact case (FIDELITY_CASE_SENSITIVE); no regular expressions, no single-character wildcard.",
  },
  {
    name: "EQL",
    formats: ["eql", "kibana-ndjson-eql", "toml-eql"],
    capabilities: eqlLanguage.capabilities,
    when: "exact for Sigma's case-insensitive values (`:` folds ASCII case; other letters become a regex of character classes), `?` wildcards and most |re; the language of Elastic's prebuilt endpoint rules. It cannot search text fields (refused with UNSUPPORTED_TEXT_FIELD).",
  },
  {
    name: "ES|QL",
    formats: ["esql", "kibana-ndjson-esql", "toml-esql"],
    capabilities: esqlLanguage.capabilities,
    when: "exact for case-insensitive values through TO_LOWER, reads text fields as whole values; the newest rule type (8.14+). A field holding several values compares as null: list fields need --option elastic-version=9.2 (MV_CONTAINS), and TO_LOWER is evaluated per row rather than by the index. A query naming a field no index maps fails (EQL says ?f there): a field whose type no pipeline declares is warned about (UNDECLARED_FIELD).",
  },
];

const languageOf = (ctx: BackendContext): LanguageBackend =>
  ELASTIC_LANGUAGES[elasticFormat(ctx.format).language];

export const elasticBackend: Backend = {
  name: "elastic",
  capabilities: ELASTIC_CAPABILITIES,
  languages: LANGUAGE_GUIDE,

  lower(ir: Expr, ctx: BackendContext): Lowered {
    const lowered = languageOf(ctx).lower(ir, ctx);
    const note = uncollectedNote(ctx);
    return note === undefined
      ? lowered
      : { ...lowered, diagnostics: [...lowered.diagnostics, note] };
  },

  dataNotes: ELASTIC_DATA_NOTES,

  seen(ctx: BackendContext): SeenEvent {
    return languageOf(ctx).seen(ctx);
  },

  query(effective: Expr, ctx: BackendContext): string {
    return languageOf(ctx).query(effective, ctx);
  },

  artifactDiagnostics(format: string, ctx: BackendContext): readonly Diagnostic[] {
    if (format !== "kibana-ndjson" && format !== "toml") return [];
    try {
      return ruleMeta(ctx).diagnostics;
    } catch (e) {
      if (e instanceof DiagnosticError) return [e.diagnostic];
      throw e;
    }
  },

  artifact(format: string, text: string, _effective: Expr, ctx: BackendContext): string {
    const f = ELASTIC_FORMATS[format];
    if (f === undefined)
      throw new DiagnosticError({
        severity: "error",
        code: "UNKNOWN_FORMAT",
        message: `target elastic has no format '${format}' (formats: ${Object.keys(ELASTIC_FORMATS).join(", ")})`,
        file: ctx.rule.source.path,
        target: "elastic",
      });
    switch (f.artifact) {
      case "query":
        return text;
      case "kibana-ndjson":
        return kibanaNdjson(ruleMeta(ctx).meta, text, f.language);
      case "toml":
        return detectionRuleToml(ruleMeta(ctx).meta, text, f.language);
    }
  },
};

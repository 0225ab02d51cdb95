import { isLiteral, literalText, type Pattern, type Test } from "../../ir.js";
import { analyze } from "../../sigma/standard-analyzer.js";

/**
 * A value on an Elasticsearch `text` field. Kibana builds KQL without field types in detection
 * rules, and with them in Discover; either way a non-keyword field gets (kbn-es-query,
 * kuery/functions/is.ts): a quoted value → match_phrase, an unquoted one → match (any token),
 * a wildcard value → query_string, whose wildcard terms match single analysed tokens and are not
 * analysed themselves. The printer quotes every literal, so a literal is a match_phrase: the
 * standard analyzer's lower-cased tokens of the value must appear in a row in the field's.
 * That is modelled exactly (the `phrase` test); wildcards on analysed tokens are refused.
 */
export type TextFieldLowering =
  | { readonly ok: true; readonly test: Test; readonly message: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

export function textFieldTest(pattern: Pattern, cased: boolean, target: string): TextFieldLowering {
  if (!isLiteral(pattern))
    return {
      ok: false,
      code: "UNSUPPORTED_TEXT_FIELD_WILDCARD",
      message: `${target} is a text field: KQL sends a wildcard value as a query_string whose wildcards match single analysed tokens, not the value; contains, startswith, endswith and wildcards are not supported on it`,
    };
  const text = literalText(pattern);
  const tokens = analyze(text);
  if (tokens === undefined)
    return {
      ok: false,
      code: "UNSUPPORTED_TEXT_FIELD_VALUE",
      message: `${target} is a text field and ${JSON.stringify(text)} holds a character outside the modelled standard analyzer (ASCII, Latin, Greek, Cyrillic letters and common punctuation)`,
    };
  if (tokens.length === 0)
    return {
      ok: false,
      code: "UNSUPPORTED_TEXT_FIELD_VALUE",
      message: `${target} is a text field and ${JSON.stringify(text)} has no word the standard analyzer indexes: match_phrase would match nothing`,
    };
  const phrase = tokens.map((t) => JSON.stringify(t)).join(" ");
  return {
    ok: true,
    test: { kind: "phrase", tokens },
    message: `${target} is a text field: KQL runs match_phrase on its analysed words, so ${JSON.stringify(text)} holds for any value whose lower-cased words include ${phrase} in a row: ${cased ? "in any case (not |cased), " : "case-insensitive as in Sigma, but "}also where the value merely contains the phrase or differs only in the punctuation between its words`,
  };
}

import type { TargetName } from "../target-names.js";
import {
  CaseNotCheckedError,
  type BatchInterpreter,
  type Interpreter,
  type TargetView,
} from "./types.js";
import { elasticView } from "./views/elastic.js";
import { falcoView } from "./views/falco.js";
import { jsView } from "./views/js.js";
import { splunkView } from "./views/splunk.js";
import { sqlView } from "./views/sql.js";
import { eqlInterpreter } from "./eql/index.js";
import { esqlInterpreter } from "./esql/index.js";
import { kqlInterpreter } from "./kql/index.js";
import { splInterpreter } from "./spl/index.js";
import { falcoInterpreter } from "./falco/index.js";
import { jsInterpreter } from "./js/index.js";
import { sqlInterpreter } from "./sql/index.js";

const INTERPRETERS: Readonly<Record<TargetName, Interpreter | BatchInterpreter>> = {
  elastic: kqlInterpreter,
  splunk: splInterpreter,
  falco: falcoInterpreter,
  js: jsInterpreter,
  sql: sqlInterpreter,
};

const VIEWS: Readonly<Record<TargetName, TargetView>> = {
  elastic: elasticView,
  splunk: splunkView,
  falco: falcoView,
  js: jsView,
  sql: sqlView,
};

/** The artifact the parity check reads: the query for the SIEMs, the whole file for Falco and JS. */
const PARITY_FORMATS: Readonly<Record<TargetName, string>> = {
  elastic: "query",
  splunk: "query",
  falco: "rules",
  js: "module",
  sql: "query",
};

export const interpreterFor = (t: TargetName): Interpreter | BatchInterpreter => INTERPRETERS[t];
export const viewFor = (t: TargetName): TargetView => VIEWS[t];

/** The per-document interpreter of a target (every one but the SQL engine, which runs batches). */
export function documentInterpreter(t: TargetName): Interpreter {
  const i = INTERPRETERS[t];
  if ("run" in i) throw new Error(`target ${t} is interpreted by its engine, in batches`);
  return i;
}
export const parityFormat = (t: TargetName): string => PARITY_FORMATS[t];

/** One answer of an interpreter: true/false, or a case it could not decide within its budget. */
export type Answer = boolean | CaseNotCheckedError;

/**
 * The interpreter's answers for the emitted text on each view document: an engine runs once over
 * the whole batch, the others parse once and evaluate per document. Throws ParseError when the
 * text is outside the interpreter's language.
 */
export async function interpretAll(
  interpreter: Interpreter | BatchInterpreter,
  documents: readonly unknown[],
  text: string,
): Promise<readonly Answer[]> {
  if ("run" in interpreter) return interpreter.run(text, documents);
  const predicate = interpreter.compile(text);
  return documents.map((d) => {
    try {
      return predicate(d);
    } catch (e) {
      if (e instanceof CaseNotCheckedError) return e;
      throw e;
    }
  });
}

/** How reports name a checked language: the target for its default language, else `target/format`. */
export type ParityLabel = TargetName | "elastic/eql" | "elastic/esql";

/**
 * Every language a target is checked in: the format whose artifact is read, its interpreter and
 * the view whose document it reads. Elastic is checked in KQL, EQL and ES|QL, all three over the
 * same ECS document (each interpreter reads it with its language's semantics).
 */
export interface ParityLanguage {
  readonly target: TargetName;
  readonly label: ParityLabel;
  readonly format: string;
  readonly interpreter: Interpreter | BatchInterpreter;
  readonly view: TargetView;
}

const defaultLanguage = (t: TargetName): ParityLanguage => ({
  target: t,
  label: t,
  format: PARITY_FORMATS[t],
  interpreter: INTERPRETERS[t],
  view: VIEWS[t],
});

const LANGUAGES: Readonly<Record<TargetName, readonly ParityLanguage[]>> = {
  elastic: [
    defaultLanguage("elastic"),
    {
      target: "elastic",
      label: "elastic/eql",
      format: "eql",
      interpreter: eqlInterpreter,
      view: elasticView,
    },
    {
      target: "elastic",
      label: "elastic/esql",
      format: "esql",
      interpreter: esqlInterpreter,
      view: elasticView,
    },
  ],
  splunk: [defaultLanguage("splunk")],
  falco: [defaultLanguage("falco")],
  js: [defaultLanguage("js")],
  sql: [defaultLanguage("sql")],
};

export const parityLanguages = (t: TargetName): readonly ParityLanguage[] => LANGUAGES[t];

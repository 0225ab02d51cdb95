import type { Diagnostic } from "../../diagnostics.js";
import type { BackendContext, DataNote } from "../types.js";
import { DEFAULT_IGNORE_ABOVE } from "./indexed.js";

/** What Elasticsearch does not index, for every rule (seen.ts and indexed.ts state it exactly). */
export const ELASTIC_DATA_NOTES: readonly DataNote[] = [
  {
    code: "FIDELITY_IGNORE_ABOVE",
    message: `a keyword value longer than ignore_above (${DEFAULT_IGNORE_ABOVE} in Fleet's data streams) is kept in _source but not indexed: no query sees it, exists included`,
  },
];

/**
 * What part of the rule's logsource the pipelines say Elastic does not collect (the setting
 * `uncollected`): a data note, as the seen event (seen.ts) is null outside `scope.events`.
 */
export function uncollectedNote(ctx: BackendContext): Diagnostic | undefined {
  const text = ctx.mapping?.settings.uncollected;
  if (typeof text !== "string" || text.trim() === "") return undefined;
  return {
    severity: "info",
    code: "FIDELITY_NOT_COLLECTED",
    message: `${text.trim()}: the rule cannot match those events on Elastic`,
    file: ctx.rule.source.path,
    target: "elastic",
    fidelity: true,
  };
}

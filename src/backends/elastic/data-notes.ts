import type { DataNote } from "../types.js";
import { DEFAULT_IGNORE_ABOVE } from "./indexed.js";

/** What Elasticsearch does not index, for every rule (seen.ts and indexed.ts state it exactly). */
export const ELASTIC_DATA_NOTES: readonly DataNote[] = [
  {
    code: "FIDELITY_IGNORE_ABOVE",
    message: `a keyword value longer than ignore_above (${DEFAULT_IGNORE_ABOVE} in Fleet's data streams) is kept in _source but not indexed: no query sees it, exists included`,
  },
];

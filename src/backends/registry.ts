import type { TargetName } from "../targets/types.js";
import type { Backend } from "./types.js";
import { elasticBackend } from "./elastic/index.js";
import { falcoBackend } from "./falco/index.js";
import { jsBackend } from "./js/index.js";
import { splunkBackend } from "./splunk/index.js";
import { sqlBackend } from "./sql/index.js";

/** A total record: adding a target name fails to compile until its backend is registered. */
const BACKENDS: Readonly<Record<TargetName, Backend>> = {
  elastic: elasticBackend,
  splunk: splunkBackend,
  falco: falcoBackend,
  js: jsBackend,
  sql: sqlBackend,
};

export function backendFor(target: TargetName): Backend {
  return BACKENDS[target];
}

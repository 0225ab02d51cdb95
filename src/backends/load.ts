import type { TargetName } from "../targets/types.js";
import type { Backend } from "./types.js";

/**
 * The backends, each imported when a compile first asks for it: converting for one target
 * does not load the other four (with their printers and prettier's doc printer), which is most
 * of a one-rule conversion's start-up. registry.ts is the eager, synchronous table for callers
 * that need every backend at once.
 */
const LOADERS: Readonly<Record<TargetName, () => Promise<Backend>>> = {
  elastic: async () => (await import("./elastic/index.js")).elasticBackend,
  splunk: async () => (await import("./splunk/index.js")).splunkBackend,
  falco: async () => (await import("./falco/index.js")).falcoBackend,
  js: async () => (await import("./js/index.js")).jsBackend,
  sql: async () => (await import("./sql/index.js")).sqlBackend,
};

const loaded = new Map<TargetName, Promise<Backend>>();

export function loadBackend(target: TargetName): Promise<Backend> {
  let backend = loaded.get(target);
  if (backend === undefined) {
    backend = LOADERS[target]();
    loaded.set(target, backend);
  }
  return backend;
}

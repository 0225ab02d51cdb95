import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";
import { TARGET_NAMES, type TargetConfig, type TargetName } from "./types.js";

/** targets/ at the package root, wherever the code runs from (src via vitest, dist when built). */
export function targetsDir(): string {
  let dir = new URL("../../", import.meta.url);
  if (fileURLToPath(dir).endsWith("/dist/")) dir = new URL("../", dir);
  return fileURLToPath(new URL("targets/", dir));
}

const cache = new Map<TargetName, TargetConfig>();

export function loadTarget(name: TargetName): TargetConfig {
  const hit = cache.get(name);
  if (hit) return hit;
  const path = `${targetsDir()}${name}.yml`;
  const config = parseTargetConfig(name, readFileSync(path, "utf8"), path);
  cache.set(name, config);
  return config;
}

function fail(path: string, message: string): never {
  throw new Error(`${path}: invalid target file: ${message}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Validate a target file; a broken one is a packaging bug, so it throws with the file name. */
export function parseTargetConfig(name: TargetName, text: string, path: string): TargetConfig {
  const raw = load(text);
  if (!isRecord(raw)) fail(path, "top level must be a mapping");
  if (raw.name !== name) fail(path, `name must be '${name}'`);
  if (!TARGET_NAMES.includes(name)) fail(path, `unknown target ${name}`);
  const formats = raw.formats;
  if (
    !Array.isArray(formats) ||
    formats.length === 0 ||
    !formats.every((f) => typeof f === "string")
  )
    fail(path, "formats must be a non-empty list of strings");
  if (typeof raw.defaultFormat !== "string" || !formats.includes(raw.defaultFormat))
    fail(path, "defaultFormat must be one of formats");
  if (raw.settings !== undefined && !isRecord(raw.settings))
    fail(path, "settings must be a mapping");
  if (raw.logsources !== undefined)
    fail(path, "logsources moved to processing pipelines (targets/pipelines/)");
  return {
    name,
    description: typeof raw.description === "string" ? raw.description : "",
    defaultFormat: raw.defaultFormat,
    formats: formats as string[],
    settings: (raw.settings as Record<string, unknown> | undefined) ?? {},
  };
}

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { load } from "js-yaml";
import type { SigmaRule } from "../sigma/rule.js";
import {
  TARGET_NAMES,
  type LogsourceMapping,
  type TargetConfig,
  type TargetName,
} from "./types.js";

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

function stringRecord(x: unknown, path: string, what: string): Record<string, string> {
  if (x === undefined) return {};
  if (!isRecord(x)) fail(path, `${what} must be a mapping`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(x)) {
    if (typeof v !== "string" || v === "") fail(path, `${what}.${k} must be a non-empty string`);
    out[k] = v;
  }
  return out;
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
  if (!Array.isArray(raw.logsources)) fail(path, "logsources must be a list");
  const logsources: LogsourceMapping[] = raw.logsources.map((ls: unknown, i: number) => {
    const where = `logsources[${i}]`;
    if (!isRecord(ls)) fail(path, `${where} must be a mapping`);
    const match = stringRecord(ls.match, path, `${where}.match`);
    if (Object.keys(match).length === 0)
      fail(path, `${where}.match must name a product, category or service`);
    for (const k of Object.keys(match))
      if (!["product", "category", "service"].includes(k))
        fail(path, `${where}.match.${k} is not a logsource key`);
    if (ls.scope !== undefined && typeof ls.scope !== "string")
      fail(path, `${where}.scope must be a string`);
    if (ls.settings !== undefined && !isRecord(ls.settings))
      fail(path, `${where}.settings must be a mapping`);
    return {
      match,
      ...(typeof ls.scope === "string" ? { scope: ls.scope } : {}),
      fields: stringRecord(ls.fields, path, `${where}.fields`),
      settings: (ls.settings as Record<string, unknown> | undefined) ?? {},
    };
  });
  return {
    name,
    description: typeof raw.description === "string" ? raw.description : "",
    defaultFormat: raw.defaultFormat,
    formats: formats as string[],
    logsources,
    settings: (raw.settings as Record<string, unknown> | undefined) ?? {},
  };
}

/** The logsource mapping whose every key equals the rule's (case-insensitive), or undefined. */
export function findLogsource(config: TargetConfig, rule: SigmaRule): LogsourceMapping | undefined {
  const ls = rule.logsource;
  return config.logsources.find((m) =>
    (["product", "category", "service"] as const).every(
      (k) => m.match[k] === undefined || m.match[k]?.toLowerCase() === ls[k]?.toLowerCase(),
    ),
  );
}

import { TARGET_NAMES, type TargetName } from "../targets/types.js";

/** `elastic`, `elastic,splunk` or `all` → target names; unknown names are a usage error. */
export function parseTargets(value: string): { targets: TargetName[]; error?: string } {
  if (value.trim() === "all") return { targets: [...TARGET_NAMES] };
  const targets: TargetName[] = [];
  for (const raw of value.split(",")) {
    const name = raw.trim();
    if (!(TARGET_NAMES as readonly string[]).includes(name)) {
      return {
        targets: [],
        error: `unknown target '${name}' (targets: ${TARGET_NAMES.join(", ")}, all)`,
      };
    }
    if (!targets.includes(name as TargetName)) targets.push(name as TargetName);
  }
  return { targets };
}

export function parseOptions(values: readonly string[] | undefined): {
  options: Record<string, string>;
  error?: string;
} {
  const options: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) return { options, error: `--option expects key=value, got '${v}'` };
    options[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return { options };
}

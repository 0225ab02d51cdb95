import { optionSpec, optionValueProblem, unknownOptionMessage } from "../backends/options.js";
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

/**
 * `--option` / `-O` values for the chosen targets: `key=value` applies to every chosen target that
 * declares the key, `target.key=value` to that target only. A key no chosen target declares, a
 * value of the wrong type, and a query-language value (a scope) given once for two languages are
 * usage errors, so that a typo never passes silently.
 */
export function parseTargetOptions(
  values: readonly string[] | undefined,
  targets: readonly TargetName[],
): { options: Record<TargetName, Record<string, string>>; error?: string } {
  const options = Object.fromEntries(TARGET_NAMES.map((t) => [t, {}])) as Record<
    TargetName,
    Record<string, string>
  >;
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) return { options, error: `--option expects key=value, got '${v}'` };
    const raw = v.slice(0, eq);
    const value = v.slice(eq + 1);
    const dot = raw.indexOf(".");
    const prefix = dot > 0 ? raw.slice(0, dot) : "";
    const named = (TARGET_NAMES as readonly string[]).includes(prefix);
    const key = named ? raw.slice(dot + 1) : raw;
    if (named && !targets.includes(prefix as TargetName))
      return {
        options,
        error: `--option ${raw}: ${prefix} is not among the targets (${targets.join(", ")})`,
      };
    const scope = named ? [prefix as TargetName] : targets;
    const takers = scope.filter((t) => optionSpec(t, key) !== undefined);
    if (takers.length === 0) {
      const elsewhere = TARGET_NAMES.filter((t) => !scope.includes(t) && optionSpec(t, key));
      const hint = elsewhere.length > 0 ? `; '${key}' is an option of ${elsewhere.join(", ")}` : "";
      return { options, error: `--option ${raw}: ${unknownOptionMessage(key, scope)}${hint}` };
    }
    if (!named && takers.length > 1 && takers.some((t) => optionSpec(t, key)?.language))
      return {
        options,
        error: `--option ${raw}: '${key}' is query text, and ${takers.join(" and ")} speak different languages; write ${takers.map((t) => `${t}.${key}=…`).join(" and ")}`,
      };
    for (const t of takers) {
      const problem = optionValueProblem(optionSpec(t, key)!, value);
      if (problem) return { options, error: `--option ${raw}=${value} (${t}): ${problem}` };
      options[t][key] = value;
    }
  }
  return { options };
}

/** `--placeholder NAME=V1,V2` (repeatable; values of a repeated name add up) → placeholder map. */
export function parsePlaceholders(values: readonly string[] | undefined): {
  placeholders: Record<string, string[]>;
  error?: string;
} {
  const placeholders: Record<string, string[]> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    const name = eq > 0 ? v.slice(0, eq).replace(/^%(.*)%$/, "$1") : "";
    const list = eq > 0 ? v.slice(eq + 1).split(",") : [];
    if (name === "" || name.includes("%") || list.some((x) => x === ""))
      return {
        placeholders,
        error: `--placeholder expects NAME=VALUE[,VALUE…] with non-empty values, got '${v}'`,
      };
    placeholders[name] = [...(placeholders[name] ?? []), ...list];
  }
  return { placeholders };
}

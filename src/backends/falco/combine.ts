import { load } from "js-yaml";
import { dumpYaml } from "./yaml.js";

/**
 * Several rules' falco.yaml snippets as one: the plugins of exactly the event sources the rules
 * use (each once, in first use order), `load_plugins` likewise, and every rules file. Each
 * snippet is configFile()'s own output, so its shape is known.
 */
interface Snippet {
  plugins?: { name: string }[];
  load_plugins?: string[];
  rules_files?: string[];
  rules_file?: string[];
}

export function combineConfigs(snippets: readonly string[]): string {
  const plugins = new Map<string, { name: string }>();
  const loads: string[] = [];
  const files: string[] = [];
  let key: "rules_files" | "rules_file" = "rules_files";
  for (const text of snippets) {
    const s = load(text) as Snippet;
    for (const p of s.plugins ?? []) if (!plugins.has(p.name)) plugins.set(p.name, p);
    for (const l of s.load_plugins ?? []) if (!loads.includes(l)) loads.push(l);
    if (s.rules_file !== undefined) key = "rules_file";
    for (const f of s.rules_files ?? s.rules_file ?? []) if (!files.includes(f)) files.push(f);
  }
  return dumpYaml({
    ...(plugins.size > 0 ? { plugins: [...plugins.values()], load_plugins: loads } : {}),
    [key]: files,
  });
}

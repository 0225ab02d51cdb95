import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { CORPUS, HAVE_CORPUS } from "./shared-data.js";

export interface CorpusRegex {
  /** The pattern as the front end keeps it: a leading PCRE flag group lifted into the flags. */
  readonly source: string;
  /** `|i`, or a lifted `(?i)`. */
  readonly ignoreCase: boolean;
}

/** Every `|re` value of the SigmaHQ corpus (empty when the corpus is absent). */
export function corpusRegexes(): CorpusRegex[] {
  const out: CorpusRegex[] = [];
  if (!HAVE_CORPUS) return out;
  const collect = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(collect);
    for (const [key, value] of Object.entries(node)) {
      const modifiers = key.split("|").slice(1);
      if (!modifiers.includes("re")) {
        collect(value);
        continue;
      }
      for (const v of [value].flat()) {
        if (typeof v !== "string") continue;
        const m = /^\(\?([ims]+)\)/.exec(v);
        out.push({
          source: m ? v.slice(m[0].length) : v,
          ignoreCase: modifiers.includes("i") || (m?.[1]?.includes("i") ?? false),
        });
      }
    }
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) {
        const text = readFileSync(path, "utf8");
        if (!text.includes("|re")) continue;
        for (const doc of text.split(/^---$/m)) {
          try {
            collect((load(doc) as { detection?: unknown } | null)?.detection);
          } catch {
            // A corpus file js-yaml cannot read holds no pattern we could test.
          }
        }
      }
    }
  };
  walk(CORPUS);
  return out;
}

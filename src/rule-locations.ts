import type { Loc } from "./source.js";
import { locate } from "./source.js";
import type { SigmaDocument } from "./sigma/rule.js";

/** Where a top-level key of a rule is (`logsource:`, `title:`), for diagnostics about it. */
export function locOfKey(rule: SigmaDocument, key: string): Loc | undefined {
  const entry = rule.node.entries.find((e) => e.key.text === key);
  return entry ? locate(rule.source, entry.key.start, key.length) : undefined;
}

/** Where one item of a top-level list is (`tags: [attack.t1059]`), else where the key is. */
export function locOfListItem(rule: SigmaDocument, key: string, item: string): Loc | undefined {
  const entry = rule.node.entries.find((e) => e.key.text === key);
  if (entry === undefined) return undefined;
  const value = entry.value;
  if (value.kind === "seq")
    for (const n of value.items)
      if (n.kind === "scalar" && n.text === item) return locate(rule.source, n.start, item.length);
  if (value.kind === "scalar" && value.text === item)
    return locate(rule.source, value.start, item.length);
  return locate(rule.source, entry.key.start, key.length);
}

import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Test files named by glob patterns (`**` any folders, `*` within a name), repository-relative. */

const SKIP = new Set(["node_modules", ".git", "dist", "out", ".cache"]);

function walk(root: string, dir: string, out: string[]): void {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) walk(root, rel, out);
    else out.push(rel);
  }
}

export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      re += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export function expandGlobs(root: string, patterns: readonly string[]): string[] {
  const all: string[] = [];
  walk(root, "", all);
  const res = patterns.map(globToRegExp);
  return all.filter((f) => res.some((re) => re.test(f))).sort();
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./cli/run-cli.js";

/** The boundaries that keep the proof honest (DESIGN.md), checked on the import statements. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(
      /(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);
}

function resolved(file: string, spec: string): string {
  return spec.startsWith(".") ? relative(ROOT, join(file, "..", spec)) : spec;
}

/** Every project file a source file reaches through relative imports (itself included). */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const file = stack.pop()!;
    const rel = relative(ROOT, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    for (const spec of imports(file)) {
      if (!spec.startsWith(".")) continue;
      stack.push(join(file, "..", spec.replace(/\.js$/, ".ts")));
    }
  }
  return seen;
}

describe("architecture", () => {
  it("grammar/ imports nothing from src/", () => {
    for (const f of files(join(ROOT, "grammar"))) {
      for (const spec of imports(f)) expect(resolved(f, spec), f).not.toMatch(/^src\//);
    }
  });

  it("nothing under src/verify reaches src/backends, src/targets, src/pipelines or targets/, even transitively; no emitter imports src/verify", () => {
    for (const f of files(join(ROOT, "src/verify"))) {
      const reached = closure(f);
      for (const r of reached) {
        expect(r, `${relative(ROOT, f)} reaches ${r}`).not.toMatch(
          /^src\/(backends|targets|pipelines|parity|compile)/,
        );
        // Reading target configuration at run time counts as importing it.
        expect(readFileSync(join(ROOT, r), "utf8"), r).not.toMatch(/targetsDir|["'`]targets\//);
      }
    }
    for (const f of files(join(ROOT, "src/backends"))) {
      for (const spec of imports(f)) expect(resolved(f, spec), f).not.toMatch(/^src\/verify\//);
    }
  });

  it("the front end (src/sigma) knows no target", () => {
    for (const f of files(join(ROOT, "src/sigma"))) {
      for (const spec of imports(f))
        expect(resolved(f, spec), f).not.toMatch(/^src\/(backends|targets|verify)\//);
    }
  });

  it("only the CLI writes to the terminal", () => {
    for (const f of files(join(ROOT, "src")).filter((p) => !p.includes("/src/cli/"))) {
      const text = readFileSync(f, "utf8");
      expect(text, relative(ROOT, f)).not.toMatch(
        /console\.(log|error|warn)|process\.(stdout|stderr)\.write/,
      );
    }
  });
});

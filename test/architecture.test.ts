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

describe("architecture", () => {
  it("grammar/ imports nothing from src/", () => {
    for (const f of files(join(ROOT, "grammar"))) {
      for (const spec of imports(f)) expect(resolved(f, spec), f).not.toMatch(/^src\//);
    }
  });

  it("no interpreter in src/verify imports an emitter from src/backends, and no emitter imports src/verify", () => {
    for (const f of files(join(ROOT, "src/verify"))) {
      for (const spec of imports(f)) expect(resolved(f, spec), f).not.toMatch(/^src\/backends\//);
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

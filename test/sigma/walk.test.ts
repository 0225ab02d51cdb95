import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walkRuleFiles } from "../../src/sigma/walk.js";

let root = "";
const p = (...parts: string[]): string => join(root, ...parts);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sigprism-walk-"));
  for (const d of ["rules/b_dir", "rules/a_dir/deep", "rules/.git", "other"])
    mkdirSync(p(d), { recursive: true });
  for (const f of [
    "rules/z.yml",
    "rules/a.YAML",
    "rules/notes.txt",
    "rules/b_dir/two.yaml",
    "rules/a_dir/deep/one.yml",
    "rules/.git/config.yml",
    "rules/.hidden.yml",
    "other/plain.txt",
    "other/x.yml",
  ]) {
    writeFileSync(p(f), "title: t\n");
  }
  // A link back to an ancestor, a link to itself, a dangling link and a link to a sibling tree.
  symlinkSync(p("rules"), p("rules/b_dir/back_to_rules"));
  symlinkSync(p("rules/self"), p("rules/self"));
  symlinkSync(p("rules/gone"), p("rules/dangling.yml"));
  symlinkSync(p("other"), p("rules/c_link"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("walkRuleFiles", () => {
  it("walks directories recursively in sorted order, skipping hidden entries and other extensions", () => {
    const r = walkRuleFiles([p("rules")]);
    expect(r.files).toEqual([
      p("rules/a.YAML"),
      p("rules/a_dir/deep/one.yml"),
      p("rules/b_dir/two.yaml"),
      p("rules/c_link/x.yml"),
      p("rules/z.yml"),
    ]);
  });

  it("reports a symlink loop and a dangling link, and terminates", () => {
    const r = walkRuleFiles([p("rules")]);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["WALK_SYMLINK_LOOP", p("rules/b_dir/back_to_rules")],
      ["WALK_NOT_FOUND", p("rules/dangling.yml")],
      ["WALK_SYMLINK_LOOP", p("rules/self")],
    ]);
  });

  it("takes a file named directly whatever its extension", () => {
    const r = walkRuleFiles([p("other/plain.txt")]);
    expect(r).toEqual({ files: [p("other/plain.txt")], diagnostics: [] });
  });

  it("reports a missing path with WALK_NOT_FOUND and goes on", () => {
    const r = walkRuleFiles([p("missing.yml"), p("other")]);
    expect(r.files).toEqual([p("other/x.yml")]);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.file])).toEqual([
      ["error", "WALK_NOT_FOUND", p("missing.yml")],
    ]);
  });

  it("lists a file reached twice only once", () => {
    const r = walkRuleFiles([p("other/x.yml"), p("other"), p("rules/c_link")]);
    expect(r.files).toEqual([p("other/x.yml")]);
  });

  it("reports a path that is itself a symlink loop", () => {
    const r = walkRuleFiles([p("rules/self")]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["WALK_SYMLINK_LOOP"]);
    expect(r.files).toEqual([]);
  });
});

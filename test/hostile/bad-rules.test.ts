import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../helpers/cli-in-process.js";
import { STACK_LINE, headlines, runCli } from "./cli-run.js";

/**
 * Hostile input through the CLI (issue 7): every bad rule file gives exit 1, nothing on stdout, no
 * stack trace, and a first error line `file:line:col: error CODE:` whose code and position were
 * reasoned by hand (test/hostile/expected.json).
 *
 * The bad files run through the CLI's main() in this process (one process, many cases). What is
 * about the process runs spawned: standard input, and the big and deeply nested inputs, whose
 * proof is the child's heap cap and the main thread's stack (a worker thread's differs). Nothing
 * is timed: a big input is big enough that a super-linear algorithm could not finish before the
 * hang guard kills it (each size below says why).
 */

interface Expectation {
  readonly file: string;
  readonly code: string;
  readonly line: number;
  readonly col: number;
  readonly severity: "error" | "warning";
  readonly why: string;
}

const MANIFEST = JSON.parse(readFileSync(new URL("./expected.json", import.meta.url), "utf8")) as {
  files: Expectation[];
};
const RULES = "test/hostile/rules";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when a spawned run was killed (heap cap, hang guard). */
  readonly signal?: NodeJS.Signals | null;
}

/** The common contract of a rejected input. */
function expectRejected(run: Run): void {
  expect(run.signal ?? null, run.stderr).toBeNull();
  expect(run.stderr).not.toMatch(STACK_LINE);
  expect(run.stderr).not.toContain("internal error");
  expect(run.stdout).toBe("");
  expect(run.status, run.stderr).toBe(1);
}

function firstError(run: Run): string {
  const first = headlines(run.stderr).find((h) => h.severity === "error");
  if (first === undefined) return `(no error line in: ${run.stderr.slice(0, 300)})`;
  const at = first.line === undefined ? "" : `:${first.line}:${first.col}`;
  return `${first.file}${at}: ${first.code}`;
}

describe("lint: the bad rule files", () => {
  it("has at least 60 bad files, each with a hand-reasoned code and position", () => {
    expect(MANIFEST.files.filter((e) => e.severity === "error").length).toBeGreaterThanOrEqual(60);
    for (const e of MANIFEST.files) expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  for (const e of MANIFEST.files) {
    it(`${e.file}: ${e.code} at ${e.line}:${e.col} (${e.why})`, async () => {
      const path = `${RULES}/${e.file}`;
      const run = await runInProcess(["lint", path]);
      const want = `${path}:${e.line}:${e.col}: ${e.code}`;
      if (e.severity === "error") {
        expectRejected(run);
        expect(firstError(run)).toBe(want);
      } else {
        // Declared warnings (an empty file, a value list with nothing in it): reported, not fatal.
        expect(run.stderr).not.toMatch(STACK_LINE);
        expect(run.stdout).toBe("");
        expect(run.status).toBe(0);
        const first = headlines(run.stderr)[0];
        expect(first && `${first.file}:${first.line}:${first.col}: ${first.code}`).toBe(want);
        expect(first?.severity).toBe("warning");
      }
    });
  }
});

describe("convert -t elastic refuses the same files the same way", () => {
  const sample = MANIFEST.files.filter((e, i) => e.severity === "error" && i % 6 === 0);
  for (const e of sample) {
    it(`${e.file}`, async () => {
      const path = `${RULES}/${e.file}`;
      const run = await runInProcess(["convert", "-t", "elastic", path]);
      expectRejected(run);
      expect(firstError(run)).toBe(`${path}:${e.line}:${e.col}: ${e.code}`);
    });
  }
});

describe("standard input", () => {
  it("reports binary garbage on stdin at <stdin>:1:1", async () => {
    const run = await runCli(["lint", "-"], { stdin: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    expectRejected(run);
    expect(firstError(run)).toBe("<stdin>:1:1: INPUT_INVALID_UTF8");
  });
});

// ---- big and structural inputs, generated (megabytes are not committed) ----

const HEAD = "title: Hostile rule\nlogsource:\n    product: kubernetes\n    service: audit\n";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sigprism-hostile-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("lint: big generated rules stay bounded", () => {
  // 85,000 values: a per-value rescan of the file (line:col by counting from the start, say)
  // would be 85,000 × 10 MB ≈ 10^12 character steps, hours; the linear loader reads it in a second.
  it.concurrent(
    "a 10 MB rule (85,000 long values): the bad identifier on its last line",
    async () => {
      const values = Array.from(
        { length: 85_000 },
        (_, i) => `            - '${"x".repeat(100)}${i}'\n`,
      );
      const path = write(
        "ten-mb.yml",
        HEAD +
          "detection:\n    selection:\n        verb:\n" +
          values.join("") +
          "    condition: selection and nope\n",
      );
      const run = await runCli(["lint", path], { heapMiB: 1024 });
      expectRejected(run);
      // Line 8 + 85,000 values: `    condition: selection and nope`, 'nope' at column 30.
      expect(firstError(run)).toBe(`${path}:85008:30: CONDITION_UNDEFINED_IDENTIFIER`);
    },
  );

  it("a 17 MB file is refused before it is parsed", async () => {
    const path = write("seventeen-mb.yml", HEAD + "#" + "x".repeat(17 * 1024 * 1024) + "\n");
    const run = await runInProcess(["lint", path]);
    expectRejected(run);
    expect(firstError(run)).toBe(`${path}: INPUT_TOO_LARGE`);
  });

  // 100,000 values: a quadratic pass over them is 10^10 steps, minutes; for 10,000 selections the
  // proof is the heap cap and the coded error at the right place, not the size.
  it.concurrent("a 100,000-value list", async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `            - v${i}\n`);
    const path = write(
      "list-100k.yml",
      HEAD +
        "detection:\n    selection:\n        verb:\n" +
        values.join("") +
        "    condition: selection and nope\n",
    );
    const run = await runCli(["lint", path], { heapMiB: 512 });
    expectRejected(run);
    expect(firstError(run)).toBe(`${path}:100008:30: CONDITION_UNDEFINED_IDENTIFIER`);
  });

  it.concurrent("10,000 selections", async () => {
    const selections = Array.from(
      { length: 10_000 },
      (_, i) => `    sel${i}:\n        verb: v${i}\n`,
    );
    const path = write(
      "selections-10k.yml",
      HEAD + "detection:\n" + selections.join("") + "    condition: 1 of sel* and nope\n",
    );
    const run = await runCli(["lint", path], { heapMiB: 512 });
    expectRejected(run);
    // Line 5 + 2 lines per selection, then the condition; 'nope' at column 30.
    expect(firstError(run)).toBe(`${path}:20006:30: CONDITION_UNDEFINED_IDENTIFIER`);
  });

  it.concurrent("YAML nested 5,000 deep stops at the parser's depth limit", async () => {
    const path = write(
      "yaml-deep.yml",
      HEAD +
        "detection:\n    selection: " +
        "[".repeat(5000) +
        "]".repeat(5000) +
        "\n    condition: selection\n",
    );
    const run = await runCli(["lint", path]);
    expectRejected(run);
    // Depth 1 is the root map, 2 the detection map, so the 999th '[' (column 15 + 999) is depth 1001.
    expect(firstError(run)).toBe(`${path}:6:1014: YAML_SYNTAX`);
  });

  // Expanded, l11 is 10^11 nodes: no heap of 128 MiB holds it, no loop walks it before the guard.
  it.concurrent("an alias bomb hidden in a detection is refused without expanding it", async () => {
    const levels = ["    l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 12; i++)
      levels.push(
        `    l${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const path = write(
      "bomb-12.yml",
      HEAD + "detection:\n" + levels.join("\n") + "\n    condition: l11\n",
    );
    const run = await runCli(["lint", path], { heapMiB: 128 });
    expectRejected(run);
    // l5 is the first node above 1,000,000 expanded nodes: 1 + 10 * (1 + 10 * ...) = 1,111,111
    // on line 6 + 5 = 11; its "[" is at column 13.
    expect(firstError(run)).toBe(`${path}:11:13: YAML_ALIAS_EXPANSION`);
  });

  for (const [name, condition] of [
    ["condition-parens-10k", "(".repeat(10_000) + "selection" + ")".repeat(10_000)],
    ["condition-not-10k", "not ".repeat(10_000) + "selection"],
  ] as const) {
    it.concurrent(
      `${name}: a condition nested 10,000 deep gets a coded diagnostic, not a stack overflow`,
      async () => {
        const path = write(
          `${name}.yml`,
          HEAD +
            "detection:\n    selection:\n        verb: create\n    condition: " +
            condition +
            "\n",
        );
        const run = await runCli(["lint", path]);
        expectRejected(run);
        const first = headlines(run.stderr).find((h) => h.severity === "error");
        expect(first?.code).toBe("CONDITION_TOO_DEEP");
        // Somewhere inside the condition on line 8 (the exact column depends on the depth limit).
        expect(first?.line).toBe(8);
        expect(first?.col).toBeGreaterThanOrEqual(16);
      },
    );
  }

  it.concurrent(
    "a condition 10,000 identifiers wide is fine (no recursion per operand)",
    async () => {
      const path = write(
        "condition-wide.yml",
        HEAD +
          "detection:\n    selection:\n        verb: create\n    condition: " +
          Array(10_000).fill("selection").join(" and ") +
          " and nope\n",
      );
      const run = await runCli(["lint", path]);
      expectRejected(run);
      expect(firstError(run)).toBe(`${path}:8:${16 + 10_000 * 14}: CONDITION_UNDEFINED_IDENTIFIER`);
    },
  );
});

describe("lint: rule folders with symbolic link loops", () => {
  it("skips the loops with a warning, still reports the bad rule, and ends", async () => {
    const root = join(dir, "loopy");
    mkdirSync(join(root, "sub"), { recursive: true });
    symlinkSync(".", join(root, "sub", "again"));
    symlinkSync("self.yml", join(root, "self.yml"));
    writeFileSync(
      join(root, "sub", "bad.yml"),
      HEAD + "detection:\n    selection:\n        verb|contians: x\n    condition: selection\n",
    );
    const run = await runInProcess(["lint", root]);
    expectRejected(run);
    const lines = headlines(run.stderr);
    expect(lines.filter((h) => h.code === "WALK_SYMLINK_LOOP").map((h) => h.severity)).toEqual([
      "warning",
      "warning",
    ]);
    expect(firstError(run)).toBe(
      `${join(root, "sub", "bad.yml")}:7:14: DETECTION_UNKNOWN_MODIFIER`,
    );
  });

  it("a loop named directly is an error", async () => {
    const path = join(dir, "loop-direct.yml");
    symlinkSync("loop-direct.yml", path);
    const run = await runInProcess(["lint", path]);
    expectRejected(run);
    expect(firstError(run)).toBe(`${path}: WALK_SYMLINK_LOOP`);
  });
});

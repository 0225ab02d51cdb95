import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runInProcess } from "./helpers/cli-in-process.js";
import { HANG_GUARD_MS } from "./helpers/hang-guard.js";

/**
 * Every `$ command` in a ```console block of the README is run as shown, and every line shown
 * under it must appear in what it printed. Abridged outputs show a subset of lines; nothing shown
 * may be invented. A plain `sigprism word…` command (no shell syntax) runs through the CLI's main()
 * in this process; anything else runs through bash, with `sigprism` being this checkout's CLI.
 */
interface Example {
  readonly command: string;
  readonly expected: readonly string[];
}

function examples(readme: string): Example[] {
  const out: Example[] = [];
  for (const block of readme.matchAll(/```console\n([\s\S]*?)```/g)) {
    let current: { command: string; expected: string[] } | undefined;
    for (const line of block[1]!.split("\n")) {
      if (line.startsWith("$ ")) {
        current = { command: line.slice(2), expected: [] };
        out.push(current);
      } else if (current && line.trim() !== "") current.expected.push(line.trim());
    }
  }
  return out;
}

describe("README examples", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const shim = mkdtempSync(join(tmpdir(), "sigprism-readme-"));
  writeFileSync(
    join(shim, "sigprism"),
    `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/sigprism.js" "$@"\n`,
  );
  chmodSync(join(shim, "sigprism"), 0o755);
  const list = examples(readme);

  it("has examples for every command", () => {
    for (const cmd of ["convert", "lint", "verify", "scan", "hunt", "targets"]) {
      expect(
        list.some((e) => e.command.startsWith(`sigprism ${cmd}`)),
        cmd,
      ).toBe(true);
    }
  });

  for (const example of list) {
    it(example.command, async () => {
      const plain = /^sigprism((?: [\w./,=-]+)+)$/.exec(example.command);
      const r = plain
        ? await runInProcess(plain[1]!.trim().split(" "))
        : spawnSync("bash", ["-c", example.command], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, NO_COLOR: "1", PATH: `${shim}:${process.env.PATH}` },
            timeout: HANG_GUARD_MS,
          });
      const printed = (r.stdout + "\n" + r.stderr).split("\n");
      const missing = example.expected.filter((line) => !printed.some((p) => p.includes(line)));
      expect(missing, r.stdout + r.stderr).toEqual([]);
    });
  }
});

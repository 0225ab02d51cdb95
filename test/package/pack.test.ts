import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, TOKEN_RULE } from "../cli/run-cli.js";

/**
 * What a user gets from the registry: `npm pack`, install the tarball into an empty folder, run
 * `npx sigprism` there and import the library API. Needs the npm registry for the dependencies
 * (as any install does); npm's cache usually answers. dist/ is built by `pretest`; packing here
 * skips `prepack` so that no test rebuilds dist/ while others run it.
 */
describe("the npm package", () => {
  it("installs from its tarball into an empty folder; npx sigprism and the library API work", () => {
    const work = mkdtempSync(join(tmpdir(), "sigprism-pack-"));
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain("bin/sigprism.js");
    expect(files).toContain("dist/src/api.js");
    expect(files).toContain("dist/src/api.d.ts");
    expect(files).toContain("targets/elastic.yml");
    // The built-in processing pipelines ship with the package (the K8s conversion below reads them).
    expect(files).toContain("targets/pipelines/kubernetes-ecs.yml");
    expect(files).toContain("targets/pipelines/windows-ecs.yml");
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("src/"))).toBe(false);

    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", version: "1.0.0", type: "module", private: true }),
    );
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, packed[0]!.filename)],
      { cwd: app, stdio: "ignore" },
    );
    writeFileSync(join(app, "rule.yml"), readFileSync(join(ROOT, TOKEN_RULE)));

    const npx = spawnSync(
      "npx",
      ["--no-install", "sigprism", "convert", "-t", "elastic", "rule.yml"],
      { cwd: app, encoding: "utf8" },
    );
    expect(npx.stderr).toBe("");
    expect(npx.status).toBe(0);
    expect(npx.stdout).toContain('data_stream.dataset:"kubernetes.audit_logs"');
    expect(npx.stdout).toContain("system\\:node\\:*");

    writeFileSync(
      join(app, "use.mjs"),
      `import { readFileSync } from "node:fs";
import { predicateFromYaml, loadRuleSet, compileRuleIR, compileForTarget } from "sigprism";
const match = predicateFromYaml(readFileSync("rule.yml", "utf8"));
const event = (username) => ({ verb: "create", objectRef: { resource: "serviceaccounts", subresource: "token" }, user: { username } });
const set = loadRuleSet(["rule.yml"]);
const out = await compileForTarget(compileRuleIR(set.rules[0]), "falco");
console.log(JSON.stringify({ alice: match(event("alice")), kubelet: match(event("system:node:n1")), falco: out.artifact.includes("source: k8s_audit") }));
`,
    );
    const lib = spawnSync(process.execPath, ["use.mjs"], { cwd: app, encoding: "utf8" });
    expect(lib.stderr).toBe("");
    expect(JSON.parse(lib.stdout)).toEqual({ alice: true, kubelet: false, falco: true });

    writeFileSync(
      join(app, "types.ts"),
      `import { compileForTarget, type TargetOutput, type Diagnostic } from "sigprism";\nexport type T = [TargetOutput, Diagnostic, typeof compileForTarget];\n`,
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules/typescript/bin/tsc"),
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--skipLibCheck",
        "types.ts",
      ],
      { cwd: app, encoding: "utf8" },
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
  });
});

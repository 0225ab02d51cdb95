import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HANG_GUARD_MS } from "../helpers/hang-guard.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TOKEN_RULE =
  "rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI as a user would: a separate process, its own stdout, stderr and exit code. */
export function runCli(
  args: readonly string[],
  options: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {},
): CliResult {
  const r = spawnSync(process.execPath, [`${ROOT}bin/sigprism.js`, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    timeout: HANG_GUARD_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

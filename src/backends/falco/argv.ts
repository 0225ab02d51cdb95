import type { Pattern } from "../../ir.js";
import type { BackendContext } from "../types.js";

/**
 * A Sigma command line (Sysmon for Linux: argv joined with single spaces, argv[0] as the caller
 * typed it) in Falco's syscall fields (shared/reference/linux/falco/process-file-network-semantics.md):
 * proc.exe is argv[0], proc.args the other arguments joined with single spaces, proc.exeline
 * `proc.exe + " " + proc.args`, so with no arguments it ends in a space. proc.cmdline starts with the
 * kernel's comm instead of argv[0] and is not used for CommandLine. A pipeline names the triple in
 * `settings.argvFields: {CommandLine: {exe: proc.exe, args: proc.args, line: proc.exeline}}`.
 */
export interface ArgvFields {
  readonly exe: string;
  readonly args: string;
  readonly line: string;
}

export function argvFields(ctx: BackendContext, sigmaField: string): ArgvFields | undefined {
  const raw = ctx.mapping?.settings.argvFields;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const v = (raw as Record<string, unknown>)[sigmaField];
  if (typeof v !== "object" || v === null) return undefined;
  const { exe, args, line } = v as Record<string, unknown>;
  if (typeof exe !== "string" || typeof args !== "string" || typeof line !== "string")
    throw new Error(`pipeline: argvFields.${sigmaField} needs exe, args and line`);
  return { exe, args, line };
}

/**
 * Whether the pattern gives the same answer on a text and on the text with a space appended: it
 * ends in `*`, and the text before that `*` does not end in a space.
 */
export function argvSafe(p: Pattern): boolean {
  const last = p[p.length - 1];
  if (last?.kind !== "any") return false;
  const before = p[p.length - 2];
  return before === undefined || before.kind !== "text" || !before.text.endsWith(" ");
}

import { readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";

/**
 * Expands command-line paths into rule files. A file named directly is taken whatever its
 * extension (the user asked for it); directories contribute their .yml/.yaml files, recursively,
 * in a stable order so that output and diagnostics do not depend on the file system.
 */

export interface WalkResult {
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

export const WALK_CODES = [
  "WALK_NOT_FOUND",
  "WALK_SYMLINK_LOOP",
  "WALK_UNREADABLE",
  "WALK_NOT_A_FILE",
] as const;
export type WalkCode = (typeof WALK_CODES)[number];

const RULE_EXTENSION = /\.ya?ml$/i;

export function walkRuleFiles(paths: readonly string[]): WalkResult {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  // The same file reached twice (named twice, or through a symlink) is compiled once.
  const seenFiles = new Set<string>();
  const report = (
    severity: Diagnostic["severity"],
    code: WalkCode,
    file: string,
    message: string,
  ): void => {
    diagnostics.push({ severity, code, message, file });
  };

  const addFile = (path: string): void => {
    const real = safeRealpath(path) ?? path;
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(path);
  };

  /** `ancestors` holds the real paths of the directories being walked, to recognise a loop. */
  const walkDirectory = (dir: string, ancestors: readonly string[]): void => {
    const real = safeRealpath(dir);
    if (real === undefined) {
      report("error", "WALK_UNREADABLE", dir, "cannot resolve this directory");
      return;
    }
    if (ancestors.includes(real)) {
      report(
        "warning",
        "WALK_SYMLINK_LOOP",
        dir,
        `symbolic link loop: this directory is ${real} again; not descending`,
      );
      return;
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      report("error", "WALK_UNREADABLE", dir, `cannot list the directory: ${errorText(e)}`);
      return;
    }
    const inner = [...ancestors, real];
    // Code-unit order, not locale order: the same on every machine.
    for (const name of names.sort(compareCodeUnits)) {
      // Hidden entries (.git, .github, editor state) are never rules.
      if (name.startsWith(".")) continue;
      const path = join(dir, name);
      const stat = statOrLoop(path);
      switch (stat.kind) {
        case "loop":
          report(
            "warning",
            "WALK_SYMLINK_LOOP",
            path,
            "symbolic link loop (the link resolves to itself); skipped",
          );
          break;
        case "missing":
          report("warning", "WALK_NOT_FOUND", path, "dangling symbolic link; skipped");
          break;
        case "error":
          report("error", "WALK_UNREADABLE", path, stat.message);
          break;
        case "ok":
          if (stat.stats.isDirectory()) walkDirectory(path, inner);
          else if (stat.stats.isFile() && RULE_EXTENSION.test(name)) addFile(path);
          break;
      }
    }
  };

  for (const path of paths) {
    const stat = statOrLoop(path);
    switch (stat.kind) {
      case "loop":
        report(
          "error",
          "WALK_SYMLINK_LOOP",
          path,
          "symbolic link loop: the path never resolves to a file",
        );
        break;
      case "missing":
        report("error", "WALK_NOT_FOUND", path, "no such file or directory");
        break;
      case "error":
        report("error", "WALK_UNREADABLE", path, stat.message);
        break;
      case "ok":
        if (stat.stats.isDirectory()) walkDirectory(path, []);
        else if (stat.stats.isFile()) addFile(path);
        else
          report(
            "error",
            "WALK_NOT_A_FILE",
            path,
            "not a regular file or directory (a device, pipe or socket?)",
          );
        break;
    }
  }
  return { files, diagnostics };
}

type StatResult =
  | { readonly kind: "ok"; readonly stats: Stats }
  | { readonly kind: "loop" }
  | { readonly kind: "missing" }
  | { readonly kind: "error"; readonly message: string };

function statOrLoop(path: string): StatResult {
  try {
    return { kind: "ok", stats: statSync(path) };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ELOOP") return { kind: "loop" };
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    return { kind: "error", message: errorText(e) };
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    // realpath(3) in one call; the JavaScript variant lstat()s every component of every file.
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorText(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  return typeof err.message === "string" ? err.message : String(e);
}

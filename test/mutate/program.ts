import { join, relative, sep } from "node:path";
import ts from "typescript";
import type { Mutant } from "./mutant.js";
import { mutantsOf } from "./operators.js";

/**
 * The project as the TypeScript compiler sees it (its tsconfig.json), the files selected for
 * mutation, their mutants, and the type check that tells an invalid mutant from a valid one.
 */

export interface Project {
  readonly root: string;
  readonly program: ts.Program;
  readonly host: ts.CompilerHost;
  readonly options: ts.CompilerOptions;
}

export function loadProject(root: string): Project {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    // A mutant that leaves a name unused is still a program: only real type errors disqualify.
    { noEmit: true, noUnusedLocals: false, noUnusedParameters: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error(`cannot read ${join(root, "tsconfig.json")}`);
  const host = ts.createCompilerHost(parsed.options, true);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return { root, program, host, options: parsed.options };
}

export const rel = (root: string, file: string): string =>
  relative(root, file).split(sep).join("/");

/** The project's source files under one of `prefixes` (repository-relative), minus `excluded`. */
export function selectFiles(
  project: Project,
  prefixes: readonly string[],
  excluded: readonly RegExp[],
): string[] {
  return project.program
    .getSourceFiles()
    .map((sf) => sf.fileName)
    .filter((f) => !f.endsWith(".d.ts") && !f.includes("/node_modules/"))
    .map((f) => rel(project.root, f))
    .filter((f) => prefixes.some((p) => f === p || f.startsWith(p.replace(/\/?$/, "/"))))
    .filter((f) => !excluded.some((re) => re.test(f)))
    .sort();
}

/** Every mutant of the files, numbered in file order then position. */
export function collectMutants(
  project: Project,
  files: readonly string[],
  skipFunctions: Readonly<Record<string, readonly string[]>> = {},
): Mutant[] {
  const checker = project.program.getTypeChecker();
  const drafts = files.flatMap((f) => {
    const sf = project.program.getSourceFile(join(project.root, f));
    if (sf === undefined) throw new Error(`${f} is not part of the project's tsconfig.json`);
    return mutantsOf(sf, f, checker, skipFunctions[f]).sort(
      (a, b) => a.start - b.start || a.end - b.end || a.replacement.localeCompare(b.replacement),
    );
  });
  const seen = new Set<string>();
  const unique = drafts.filter((d) => {
    const key = `${d.file}:${d.start}:${d.end}:${d.replacement}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return unique.map((d, id) => ({ id, ...d }));
}

import { join } from "node:path";
import ts from "typescript";
import { applyMutant, type Mutant } from "./mutant.js";
import { rel, type Project } from "./program.js";

/**
 * Does a mutant compile? The project's program is rebuilt with the one mutated file (the compiler
 * reuses every other file) and the mutated file is checked, plus the files importing it when the
 * edit is outside every function (a table's type can change what its importers may write).
 */

function importersOf(project: Project): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const sf of project.program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.includes("/node_modules/")) continue;
    for (const imp of sf.statements) {
      if (!ts.isImportDeclaration(imp) && !ts.isExportDeclaration(imp)) continue;
      const spec = imp.moduleSpecifier;
      if (spec === undefined || !ts.isStringLiteral(spec)) continue;
      const target = ts.resolveModuleName(spec.text, sf.fileName, project.options, project.host)
        .resolvedModule?.resolvedFileName;
      if (target === undefined) continue;
      out.set(target, [...(out.get(target) ?? []), sf.fileName]);
    }
  }
  return out;
}

function insideFunction(sf: ts.SourceFile, pos: number): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || pos < n.getFullStart() || pos >= n.getEnd()) return;
    if (ts.isFunctionLike(n) && "body" in n && n.body !== undefined && pos >= n.body.getStart(sf))
      found = true;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

export class MutantTypeChecker {
  private readonly importers: Map<string, string[]>;

  constructor(private readonly project: Project) {
    this.importers = importersOf(project);
  }

  /** The first type error the mutant causes, or undefined when it compiles. */
  check(m: Mutant): string | undefined {
    const { program, host, options, root } = this.project;
    const fileName = join(root, m.file);
    const original = program.getSourceFile(fileName);
    if (original === undefined) throw new Error(`${m.file} is not in the program`);
    const mutated = ts.createSourceFile(
      fileName,
      applyMutant(original.text, m),
      original.languageVersion,
      true,
    );
    const mutHost: ts.CompilerHost = {
      ...host,
      getSourceFile: (f, lang, onError, create) =>
        f === fileName
          ? mutated
          : (program.getSourceFile(f) ?? host.getSourceFile(f, lang, onError, create)),
    };
    const next = ts.createProgram({
      rootNames: program.getRootFileNames(),
      options,
      host: mutHost,
      oldProgram: program,
    });
    const checked = [fileName];
    if (!insideFunction(original, m.start)) checked.push(...(this.importers.get(fileName) ?? []));
    for (const f of checked) {
      const sf = next.getSourceFile(f);
      if (sf === undefined) continue;
      const diags = [...next.getSyntacticDiagnostics(sf), ...next.getSemanticDiagnostics(sf)];
      const first = diags.find((d) => d.category === ts.DiagnosticCategory.Error);
      if (first) {
        const at =
          first.file && first.start !== undefined
            ? first.file.getLineAndCharacterOfPosition(first.start)
            : undefined;
        const where = at ? `${rel(root, f)}:${at.line + 1}:${at.character + 1}` : rel(root, f);
        return `${where}: TS${first.code} ${ts.flattenDiagnosticMessageText(first.messageText, " ")}`;
      }
    }
    return undefined;
  }
}

import ts from "typescript";

/**
 * JavaScript that an emitter carries as text (the JS backend's runtime helpers, written as
 * String.raw templates) is emitted code too: it is parsed on its own and mutated like source.
 */

const NAME = "/embedded.js";

/** The `String.raw` template literal holding JavaScript, if `node` is one. */
export function embeddedCode(node: ts.Node): ts.NoSubstitutionTemplateLiteral | undefined {
  return ts.isTaggedTemplateExpression(node) &&
    node.tag.getText() === "String.raw" &&
    ts.isNoSubstitutionTemplateLiteral(node.template)
    ? node.template
    : undefined;
}

/** A program of one JavaScript text (no library, no imports): its checker types the locals. */
export function jsProgram(code: string): { program: ts.Program; sf: ts.SourceFile } {
  const options: ts.CompilerOptions = { allowJs: true, noLib: true, noResolve: true, types: [] };
  const sf = ts.createSourceFile(NAME, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const host: ts.CompilerHost = {
    getSourceFile: (f) => (f === NAME ? sf : undefined),
    getDefaultLibFileName: () => "/lib.d.ts",
    writeFile: () => undefined,
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => f === NAME,
    readFile: (f) => (f === NAME ? code : undefined),
  };
  return { program: ts.createProgram({ rootNames: [NAME], options, host }), sf };
}

/** The first syntax error of a JavaScript text, or undefined when it parses. */
export function jsSyntaxError(code: string): string | undefined {
  const { program, sf } = jsProgram(code);
  const d = program.getSyntacticDiagnostics(sf)[0];
  return d && `embedded JavaScript: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
}

import ts from "typescript";
import type { Operator } from "./mutant.js";

/** The operators' tables and the syntax questions they ask (which nodes, which replacements). */

export const FLIPS: Partial<Record<ts.SyntaxKind, readonly [Operator, string]>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: ["equality", "!=="],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: ["equality", "==="],
  [ts.SyntaxKind.EqualsEqualsToken]: ["equality", "!="],
  [ts.SyntaxKind.ExclamationEqualsToken]: ["equality", "=="],
  [ts.SyntaxKind.LessThanToken]: ["relational", "<="],
  [ts.SyntaxKind.LessThanEqualsToken]: ["relational", "<"],
  [ts.SyntaxKind.GreaterThanToken]: ["relational", ">="],
  [ts.SyntaxKind.GreaterThanEqualsToken]: ["relational", ">"],
  [ts.SyntaxKind.AmpersandAmpersandToken]: ["logical", "||"],
  [ts.SyntaxKind.BarBarToken]: ["logical", "&&"],
};

/** Methods whose call is case folding or text replacement: `s.m(…)` → `s`. */
export const FOLDING_METHODS = new Set([
  "toLowerCase",
  "toUpperCase",
  "toLocaleLowerCase",
  "toLocaleUpperCase",
  "trim",
  "trimStart",
  "trimEnd",
  "normalize",
  "replace",
  "replaceAll",
]);

/** Functions whose call is an escaping or encoding step by name: `f(x, …)` → `x`. */
export const ESCAPING = /escape|quote$|quoted$|literal|stringify|fold|Text$/i;
export const PREDICATE = /^(is|has|needs|can|should)[A-Z]/;

/** Methods whose number arguments are positions or lengths in a text or array. */
export const POSITION_METHODS = new Set([
  "slice",
  "substring",
  "substr",
  "charAt",
  "charCodeAt",
  "codePointAt",
  "at",
  "padStart",
  "padEnd",
]);

export const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

export function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** Nodes whose strings are not code: module specifiers, property names, types, case labels. */
export function isNonValueString(node: ts.Node): boolean {
  const p = node.parent;
  return (
    ts.isImportDeclaration(p) ||
    ts.isExportDeclaration(p) ||
    ts.isExternalModuleReference(p) ||
    ts.isLiteralTypeNode(p) ||
    ts.isCaseClause(p) ||
    (ts.isElementAccessExpression(p) && p.argumentExpression === node) ||
    ((ts.isPropertyAssignment(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isPropertySignature(p)) &&
      p.name === node) ||
    (ts.isBinaryExpression(p) &&
      (ts.isTypeOfExpression(p.left) || ts.isTypeOfExpression(p.right))) ||
    (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword)
  );
}

export function skipsSubtree(node: ts.Node): boolean {
  return (
    ts.isTypeNode(node) ||
    ts.isImportDeclaration(node) ||
    ts.isExportDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isModuleDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isTaggedTemplateExpression(node)
  );
}

/** `n + 1` written as simply as possible: a literal changes value, anything else is wrapped. */
export function plus(expr: ts.Expression, delta: 1 | -1): string {
  const lit = ts.isNumericLiteral(expr)
    ? Number(expr.text)
    : ts.isPrefixUnaryExpression(expr) &&
        expr.operator === ts.SyntaxKind.MinusToken &&
        ts.isNumericLiteral(expr.operand)
      ? -Number(expr.operand.text)
      : undefined;
  if (lit !== undefined) return String(lit + delta);
  return `(${expr.getText()}) ${delta > 0 ? "+" : "-"} 1`;
}

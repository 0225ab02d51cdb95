import ts from "typescript";
import type { Site } from "./mutant.js";
import { PROSE_NAMES } from "./scope.js";

/**
 * Where a node sits, as the operators need to know it: prose or code, a discriminant or free
 * text, a number, a table. Answers come from the syntax and the type checker.
 */

/** The name a property, variable or parameter is declared with, when it is a plain name. */
function declaredName(name: ts.Node | undefined): string | undefined {
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

/**
 * The children of `node` that hold prose for a person (a message, a description, an error's text)
 * and are not mutated: a prose-named property's or variable's value, an argument given to a
 * prose-named parameter, everything thrown, an Error's constructor arguments.
 */
export function proseChildren(node: ts.Node, checker: ts.TypeChecker): readonly ts.Node[] {
  if (ts.isPropertyAssignment(node) || ts.isVariableDeclaration(node) || ts.isParameter(node))
    return node.initializer && PROSE_NAMES.has(declaredName(node.name) ?? "")
      ? [node.initializer]
      : [];
  if (ts.isThrowStatement(node)) return [node.expression];
  if (ts.isNewExpression(node))
    return /Error$/.test(node.expression.getText()) ? [...(node.arguments ?? [])] : [];
  if (ts.isCallExpression(node)) {
    const params = checker.getResolvedSignature(node)?.getParameters() ?? [];
    return node.arguments.filter((_, i) => {
      const param = params[Math.min(i, params.length - 1)];
      return param !== undefined && PROSE_NAMES.has(param.getName());
    });
  }
  return [];
}

/** The string literal members of a type when it is made only of them (a discriminant type). */
function literalMembers(type: ts.Type | undefined): ReadonlySet<string> | undefined {
  if (type === undefined) return undefined;
  const parts = type.isUnion() ? type.types : [type];
  const out = new Set<string>();
  for (const t of parts) {
    if (t.isStringLiteral()) out.add(t.value);
    else if (!(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) return undefined;
  }
  return out.size > 0 ? out : undefined;
}

/**
 * The closed set a string literal must belong to (an IR `kind`, an operator name), or undefined
 * when it is free text: from its contextual type, or from the other side of a comparison.
 */
export function closedSet(
  node: ts.Expression,
  checker: ts.TypeChecker,
): ReadonlySet<string> | undefined {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) {
    const other = parent.left === node ? parent.right : parent.left;
    return literalMembers(checker.getTypeAtLocation(other));
  }
  return literalMembers(checker.getContextualType(node));
}

export function isNumberTyped(node: ts.Expression, checker: ts.TypeChecker): boolean {
  return (checker.getTypeAtLocation(node).flags & ts.TypeFlags.NumberLike) !== 0;
}

/** An object literal typed by an index signature (`Record<string, string>`): an escape table. */
export function isRecordTable(node: ts.ObjectLiteralExpression, checker: ts.TypeChecker): boolean {
  const type =
    checker.getContextualType(node) ??
    (ts.isAsExpression(node.parent) ? checker.getTypeAtLocation(node.parent) : undefined);
  return type !== undefined && checker.getIndexInfosOfType(type).length > 0;
}

/** Literal data: strings, numbers, regexes, booleans, and arrays/objects of them. */
export function isData(node: ts.Expression): boolean {
  if (
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isRegularExpressionLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  )
    return true;
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isData);
  if (ts.isObjectLiteralExpression(node))
    return node.properties.every((p) => ts.isPropertyAssignment(p) && isData(p.initializer));
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) return isData(node.expression);
  return false;
}

/** An array literal that a destructuring assignment writes to, not a value. */
export function isAssignmentTarget(node: ts.Node): boolean {
  const p = node.parent;
  if (ts.isBinaryExpression(p) && p.left === node)
    return p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return p.initializer === node;
  return ts.isArrayLiteralExpression(p) && isAssignmentTarget(p);
}

/**
 * The expression to wrap with a coverage probe for a mutation at `node`: the node itself, or the
 * whole optional chain it belongs to (a probe inside `a?.b.c` would break its short-circuit).
 */
export function siteOf(node: ts.Node): ts.Node {
  let n = node;
  for (;;) {
    const p = n.parent;
    const chained =
      (ts.isPropertyAccessExpression(p) ||
        ts.isElementAccessExpression(p) ||
        ts.isCallExpression(p) ||
        ts.isNonNullExpression(p)) &&
      p.expression === n &&
      (p.flags & ts.NodeFlags.OptionalChain) !== 0;
    if (!chained) return n;
    n = p;
  }
}

/** A value that is the same every time it is evaluated and has no state of its own. */
function isConstantValue(node: ts.Node): boolean {
  if (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isNumericLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  )
    return true;
  // A global or sticky regex keeps lastIndex between uses: a fresh one per read would differ.
  if (ts.isRegularExpressionLiteral(node))
    return !/[gy][a-z]*$/.test(node.text.slice(node.text.lastIndexOf("/")));
  return (
    ts.isTaggedTemplateExpression(node) &&
    node.tag.getText() === "String.raw" &&
    ts.isNoSubstitutionTemplateLiteral(node.template)
  );
}

/**
 * The probe site for an expression: a getter site when the expression is the constant value of a
 * property of a module-level object literal (a dialect table's token, an embedded helper's code),
 * so that only the tests that read it count as running it; the expression itself otherwise.
 */
export function probeSite(node: ts.Node, sf: ts.SourceFile, base = 0): Site {
  const p = node.parent;
  const plain: Site = { start: base + node.getStart(sf), end: base + node.getEnd() };
  if (!ts.isPropertyAssignment(p) || p.initializer !== node || !isConstantValue(node)) return plain;
  if (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name) && !ts.isNumericLiteral(p.name))
    return plain;
  for (let a: ts.Node = p.parent; !ts.isSourceFile(a); a = a.parent)
    if (ts.isFunctionLike(a) || ts.isClassLike(a)) return plain;
  return {
    start: base + p.getStart(sf),
    end: base + p.getEnd(),
    getter: { name: p.name.getText(sf), valueStart: base + node.getStart(sf) },
  };
}

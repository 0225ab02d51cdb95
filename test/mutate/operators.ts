import ts from "typescript";
import {
  closedSet,
  isAssignmentTarget,
  isData,
  isNumberTyped,
  isRecordTable,
  probeSite,
  proseChildren,
  siteOf,
} from "./context.js";
import { embeddedCode, jsProgram } from "./embedded.js";
import {
  calleeName,
  EQUALITY,
  ESCAPING,
  FLIPS,
  FOLDING_METHODS,
  isNonValueString,
  plus,
  POSITION_METHODS,
  PREDICATE,
  skipsSubtree,
} from "./operator-rules.js";
import type { Mutant, Operator, Site } from "./mutant.js";
import {
  isProse,
  regexMutations,
  templateMutations,
  tokenAlternatives,
  type TemplatePart,
} from "./tokens.js";

/** The mutants of one source file, found by walking its syntax tree (ids are given later). */

export type Draft = Omit<Mutant, "id">;

/** `skipFunctions`: names of function declarations whose bodies are not mutated (metadata). */
export function mutantsOf(
  sf: ts.SourceFile,
  file: string,
  checker: ts.TypeChecker,
  skipFunctions: readonly string[] = [],
): Draft[] {
  const out: Draft[] = [];
  walk({ sf, checker, outer: sf, base: 0, file, skipFunctions }, out);
  return out;
}

/**
 * Where a walk's nodes sit: `sf` is the walked text, which starts at `base` in `outer` (the file);
 * `site` is a fixed coverage probe for code whose own expressions cannot carry one.
 */
interface Walk {
  readonly sf: ts.SourceFile;
  readonly checker: ts.TypeChecker;
  readonly outer: ts.SourceFile;
  readonly base: number;
  readonly file: string;
  readonly site?: Site;
  readonly skipFunctions: readonly string[];
}

function walk(w: Walk, out: Draft[]): void {
  const { sf, checker } = w;
  const text = sf.text;

  function add(
    operator: Operator,
    shown: ts.Node,
    start: number,
    end: number,
    replacement: string,
    site: ts.Node = shown,
    display?: { before: string; after: string },
  ): void {
    const from = shown.getStart(sf);
    const to = shown.getEnd();
    const { line, character } = w.outer.getLineAndCharacterOfPosition(w.base + start);
    const probe = siteOf(site);
    out.push({
      file: w.file,
      line: line + 1,
      col: character + 1,
      operator,
      start: w.base + start,
      end: w.base + end,
      replacement,
      before: display?.before ?? text.slice(from, to),
      after: display?.after ?? text.slice(from, start) + replacement + text.slice(end, to),
      // A removed table element is seen by enumerating the table too: its probe stays in place.
      site:
        w.site ??
        (operator === "table-element"
          ? { start: w.base + probe.getStart(sf), end: w.base + probe.getEnd() }
          : probeSite(probe, sf, w.base)),
    });
  }

  /** Remove one element of a list of nodes, with the comma that joins it to a neighbour. */
  function removals(owner: ts.Node, items: readonly ts.Node[], sites: readonly ts.Node[]): void {
    items.forEach((item, i) => {
      // A line of prose in a table (a generated file's header comment) is not syntax.
      if (
        (ts.isStringLiteral(item) || ts.isNoSubstitutionTemplateLiteral(item)) &&
        isProse(item.text)
      )
        return;
      const next = items[i + 1];
      const prev = items[i - 1];
      const start = next ? item.getStart(sf) : prev ? prev.getEnd() : item.getStart(sf);
      const end = next ? next.getStart(sf) : item.getEnd();
      add("table-element", owner, start, end, "", sites[i], {
        before: item.getText(sf),
        after: "(element removed)",
      });
    });
  }

  function condition(cond: ts.Expression): void {
    const negated =
      ts.isPrefixUnaryExpression(cond) && cond.operator === ts.SyntaxKind.ExclamationToken;
    const equality = ts.isBinaryExpression(cond) && EQUALITY.has(cond.operatorToken.kind);
    // `!c` is covered by drop-negation and `a === b` by equality: negating them again repeats.
    if (!negated && !equality)
      add("negate-condition", cond, cond.getStart(sf), cond.getEnd(), `!(${cond.getText(sf)})`);
  }

  function strings(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void {
    if (isNonValueString(node)) return;
    const closed = closedSet(node, checker);
    for (const alt of tokenAlternatives(node.text)) {
      if (closed && !closed.has(alt)) continue;
      add("string-token", node, node.getStart(sf), node.getEnd(), JSON.stringify(alt));
    }
  }

  function template(node: ts.TemplateExpression): void {
    const base = node.getStart(sf);
    const part = (n: ts.Node, tail: number): TemplatePart => {
      const t = n.getText(sf);
      return { offset: n.getStart(sf) - base + 1, raw: t.slice(1, t.length - tail) };
    };
    const parts = [
      part(node.head, 2),
      ...node.templateSpans.map((s) => part(s.literal, ts.isTemplateTail(s.literal) ? 1 : 2)),
    ];
    for (const m of templateMutations(node.getText(sf), parts))
      add("string-token", node, base, node.getEnd(), m);
  }

  function call(node: ts.CallExpression): void {
    const name = calleeName(node);
    if (name === undefined) return;
    const callee = node.expression;
    if (FOLDING_METHODS.has(name) && ts.isPropertyAccessExpression(callee))
      add(
        "remove-call",
        node,
        node.getStart(sf),
        node.getEnd(),
        `(${callee.expression.getText(sf)})`,
      );
    else if (ESCAPING.test(name) && !PREDICATE.test(name) && node.arguments[0])
      add(
        "remove-call",
        node,
        node.getStart(sf),
        node.getEnd(),
        `(${node.arguments[0].getText(sf)})`,
      );
    if (POSITION_METHODS.has(name) && ts.isPropertyAccessExpression(callee))
      for (const arg of node.arguments) if (isNumberTyped(arg, checker)) offByOne(node, arg);
  }

  function offByOne(shown: ts.Node, index: ts.Expression): void {
    for (const delta of [1, -1] as const)
      add("off-by-one", shown, index.getStart(sf), index.getEnd(), plus(index, delta), index);
  }

  function visit(node: ts.Node): void {
    const code = embeddedCode(node);
    if (code) {
      // The helpers run inside the generated module (a vm context): no probe can run there, so
      // the whole template is the site (read when a module that uses the helper is generated).
      const inner = jsProgram(code.getText(sf).slice(1, -1));
      const site = probeSite(node, sf, w.base);
      const base = w.base + code.getStart(sf) + 1;
      walk({ ...w, sf: inner.sf, checker: inner.program.getTypeChecker(), base, site }, out);
      return;
    }
    if (skipsSubtree(node)) return;
    if (ts.isFunctionDeclaration(node) && w.skipFunctions.includes(node.name?.text ?? "")) return;
    const prose = new Set(proseChildren(node, checker));

    if (ts.isBinaryExpression(node)) {
      const flip = FLIPS[node.operatorToken.kind];
      const op = node.operatorToken;
      if (flip) add(flip[0], node, op.getStart(sf), op.getEnd(), flip[1]);
    } else if (
      ts.isPrefixUnaryExpression(node) &&
      node.operator === ts.SyntaxKind.ExclamationToken
    ) {
      add("drop-negation", node, node.getStart(sf), node.operand.getStart(sf), "");
    } else if (
      node.kind === ts.SyntaxKind.TrueKeyword ||
      node.kind === ts.SyntaxKind.FalseKeyword
    ) {
      const t = node.kind === ts.SyntaxKind.TrueKeyword;
      add("boolean", node, node.getStart(sf), node.getEnd(), t ? "false" : "true");
    } else if (ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) {
      condition(node.expression);
    } else if (ts.isForStatement(node) && node.condition) {
      condition(node.condition);
    } else if (ts.isConditionalExpression(node)) {
      const a = node.whenTrue;
      const b = node.whenFalse;
      const swapped = `${b.getText(sf)} : ${a.getText(sf)}`;
      add("ternary-swap", node, a.getStart(sf), b.getEnd(), swapped);
    } else if (ts.isCallExpression(node)) {
      call(node);
    } else if (ts.isElementAccessExpression(node)) {
      if (isNumberTyped(node.argumentExpression, checker)) offByOne(node, node.argumentExpression);
    } else if (ts.isArrayLiteralExpression(node)) {
      const els = node.elements;
      if (
        els.length >= 2 &&
        !isAssignmentTarget(node) &&
        els.every((e) => isData(e) || ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) &&
        els.some(isData)
      )
        removals(node, els, els);
    } else if (ts.isObjectLiteralExpression(node)) {
      const props = node.properties;
      if (
        props.length >= 2 &&
        props.every((p) => ts.isPropertyAssignment(p) && isData(p.initializer)) &&
        isRecordTable(node, checker)
      )
        // The probe is on the table: a property's value may become a getter (probeSite), but a
        // removed key is seen by enumerating the table too, whenever the table is evaluated.
        removals(
          node,
          props,
          props.map(() => node),
        );
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      strings(node);
    } else if (ts.isTemplateExpression(node)) {
      template(node);
    } else if (ts.isRegularExpressionLiteral(node)) {
      for (const m of regexMutations(node.getText(sf)))
        add("regex", node, node.getStart(sf), node.getEnd(), m);
    }

    ts.forEachChild(node, (child) => {
      if (!prose.has(child)) visit(child);
    });
  }

  visit(sf);
}

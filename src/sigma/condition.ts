import {
  parseCondition,
  type CondNode,
  type ConditionErrorKind,
  type QuantifierTarget,
} from "../../grammar/sigma-condition.js";
import { assertNever, suggest, type Diagnostic } from "../diagnostics.js";
import { and, not, or, type Expr } from "../ir.js";
import { locate, type Loc, type SourceFile } from "../source.js";
import type { YScalar } from "./yaml-tree.js";

export type { CondNode, QuantifierTarget } from "../../grammar/sigma-condition.js";

/**
 * The condition stage: parse one condition scalar (grammar/sigma-condition.ts) and resolve its
 * search identifiers into IR. Token offsets are relative to the decoded scalar text; they are
 * mapped back into the YAML file with `scalarOffsets`.
 */

/**
 * Map an index in a scalar's decoded text to an offset in the file.
 *
 * Plain single-line and quoted scalars without escapes map exactly (start + index). Otherwise the
 * decoded text is aligned with the raw source greedily: each decoded character is matched to the
 * next equal raw character, skipping only what decoding removes (indentation, line breaks, quote
 * doubling, backslashes); a character decoding produced (a folded line break read as a space, an
 * escape such as `\t`) maps to the raw position the alignment has reached. For block and
 * multi-line scalars this lands on the right token in every case we know; at worst a position is
 * off by the width of an escape sequence.
 */
export function scalarOffsets(source: SourceFile, scalar: YScalar): (index: number) => number {
  const raw = source.text.slice(scalar.start, scalar.end);
  if (raw.startsWith(scalar.text)) return (i) => scalar.start + i;
  const doubleQuoted = source.text[scalar.start - 1] === '"';
  const map: number[] = [];
  let p = 0;
  const skippable = (c: string): boolean => /[\s'"\\]/.test(c);
  /** Length of a double-quoted escape sequence starting at q (a backslash). */
  const escapeLength = (q: number): number => {
    const kind = raw[q + 1];
    return kind === "x" ? 4 : kind === "u" ? 6 : kind === "U" ? 10 : 2;
  };
  for (const c of scalar.text) {
    let q = p;
    let escape = false;
    while (q < raw.length && raw[q] !== c) {
      if (doubleQuoted && raw[q] === "\\") {
        // An escaped line break is a line continuation: it decodes to nothing.
        if (raw[q + 1] === "\n" || raw[q + 1] === "\r") {
          q += 2;
          continue;
        }
        escape = true;
        break;
      }
      if (!skippable(raw[q]!)) break;
      q++;
    }
    if (escape || (doubleQuoted && raw[q] === "\\" && c === "\\")) {
      for (let k = 0; k < c.length; k++) map.push(scalar.start + q);
      p = q + escapeLength(q);
    } else if (q < raw.length && raw[q] === c) {
      for (let k = 0; k < c.length; k++) map.push(scalar.start + q + k);
      p = q + c.length;
    } else {
      for (let k = 0; k < c.length; k++) map.push(scalar.start + Math.min(p, raw.length));
      if (!/\s/.test(c)) p = Math.min(raw.length, p + 1);
    }
  }
  return (i) =>
    i < map.length
      ? map[i]!
      : i === map.length && map.length > 0
        ? map[map.length - 1]! + 1
        : scalar.end;
}

export function scalarLoc(source: SourceFile, scalar: YScalar, from: number, to: number): Loc {
  const at = scalarOffsets(source, scalar);
  const start = at(from);
  return locate(source, start, Math.max(0, at(to) - start));
}

const ERROR_CODES: Record<ConditionErrorKind, string> = {
  "invalid-character": "CONDITION_INVALID_CHARACTER",
  "unbalanced-parenthesis": "CONDITION_UNBALANCED_PARENTHESIS",
  "unexpected-token": "CONDITION_UNEXPECTED_TOKEN",
  aggregation: "CONDITION_AGGREGATION_UNSUPPORTED",
  "too-deep": "CONDITION_TOO_DEEP",
};

export interface ParsedCondition {
  readonly ast: CondNode | undefined;
  readonly diagnostics: Diagnostic[];
}

export function parseConditionScalar(source: SourceFile, scalar: YScalar): ParsedCondition {
  if (typeof scalar.value !== "string" || scalar.text.trim() === "") {
    return {
      ast: undefined,
      diagnostics: [
        {
          severity: "error",
          code: "CONDITION_NOT_A_STRING",
          message: "the condition must be a non-empty string such as 'selection and not filter'",
          file: source.path,
          loc: locate(source, scalar.start, scalar.end - scalar.start),
        },
      ],
    };
  }
  const parsed = parseCondition(scalar.text);
  const diagnostics = parsed.errors.map((e): Diagnostic => ({
    severity: "error",
    code: ERROR_CODES[e.kind],
    message: e.message,
    file: source.path,
    loc: scalarLoc(source, scalar, e.start, e.end),
  }));
  return { ast: parsed.ast, diagnostics };
}

/** Names a quantifier target stands for. `them` leaves out identifiers beginning with `_`. */
export function matchIdentifiers(target: QuantifierTarget, names: readonly string[]): string[] {
  switch (target.kind) {
    case "them":
      return names.filter((n) => !n.startsWith("_"));
    case "name": {
      if (!target.wildcard) return names.filter((n) => n === target.name);
      const re = new RegExp(
        "^" +
          target.name
            .split("*")
            .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*") +
          "$",
      );
      return names.filter((n) => re.test(n));
    }
    default:
      return assertNever(target);
  }
}

export interface ResolveResult {
  /** Undefined when an identifier could not be resolved. */
  readonly expr: Expr | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Replace every identifier of the condition by its search's IR. `used` collects the identifiers
 * the condition refers to (for DETECTION_UNUSED_SELECTION).
 */
export function resolveCondition(
  source: SourceFile,
  scalar: YScalar,
  ast: CondNode,
  searches: ReadonlyMap<string, Expr>,
  used: Set<string>,
): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const names = [...searches.keys()];
  const error = (code: string, message: string, start: number, end: number): void => {
    diagnostics.push({
      severity: "error",
      code,
      message,
      file: source.path,
      loc: scalarLoc(source, scalar, start, end),
    });
  };

  const lookup = (name: string, start: number, end: number): Expr | undefined => {
    const expr = searches.get(name);
    if (expr !== undefined) {
      used.add(name);
      return expr;
    }
    const hint = suggest(name, names);
    error(
      "CONDITION_UNDEFINED_IDENTIFIER",
      `'${name}' is not a search identifier of this detection` +
        (hint !== undefined ? ` — did you mean '${hint}'?` : ""),
      start,
      end,
    );
    return undefined;
  };

  const walk = (node: CondNode): Expr | undefined => {
    switch (node.kind) {
      case "and":
      case "or": {
        const items = node.items.map(walk);
        if (items.some((i) => i === undefined)) return undefined;
        const defined = items as Expr[];
        return node.kind === "and" ? and(defined) : or(defined);
      }
      case "not": {
        const item = walk(node.item);
        return item === undefined ? undefined : not(item);
      }
      case "ref":
        return lookup(node.name, node.start, node.end);
      case "quantified": {
        const target = node.target;
        if (target.kind === "name" && !target.wildcard) {
          const expr = lookup(target.name, target.start, target.end);
          return expr;
        }
        const matched = matchIdentifiers(target, names);
        if (matched.length === 0) {
          const what = target.kind === "them" ? "'them'" : `'${target.name}'`;
          error(
            "CONDITION_PATTERN_MATCHES_NOTHING",
            `${what} matches no search identifier`,
            target.start,
            target.end,
          );
          return undefined;
        }
        const exprs = matched.map((n) => lookup(n, target.start, target.end) as Expr);
        return node.quantifier === "all" ? and(exprs) : or(exprs);
      }
      default:
        return assertNever(node);
    }
  };

  const expr = walk(ast);
  return { expr: diagnostics.length > 0 ? undefined : expr, diagnostics };
}

import { assertNever, suggest, type Diagnostic, type Severity } from "../diagnostics.js";
import { FALSE, and, not, or, type Expr, type MatchExpr, type Test } from "../ir.js";
import { locate, type Loc, type SourceFile } from "../source.js";
import { parseConditionScalar, resolveCondition, scalarLoc } from "./condition.js";
import {
  MODIFIERS,
  MODIFIER_LIST,
  isModifierName,
  type ModifierName,
  type Val,
} from "./modifiers.js";
import { parseSigmaString } from "./values.js";
import type { YMap, YNode, YScalar } from "./yaml-tree.js";

/**
 * Detection → IR. A search identifier's value is a map (AND of its items), a list (OR of its
 * entries: maps are ANDs, scalars are keywords) or a scalar keyword. A field's list of values is
 * OR, or AND with `|all`. `|neq` means "present and matching none of the values":
 * and(exists, not(values)). Every diagnostic points at the key, the modifier or the value it is
 * about. On any error the IR is FALSE and must not be used.
 */

export interface DetectionInput {
  readonly source: SourceFile;
  readonly detection: YMap;
  readonly conditions: readonly YScalar[];
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

export interface DetectionResult {
  readonly ir: Expr;
  readonly diagnostics: Diagnostic[];
}

/** Keys of the detection map that are not search identifiers (the loader reads `timeframe`). */
const RESERVED_KEYS = new Set(["condition", "timeframe"]);

export function compileDetection(input: DetectionInput): DetectionResult {
  const { source, detection, conditions } = input;
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Severity, code: string, message: string, loc: Loc): void => {
    diagnostics.push({ severity, code, message, file: source.path, loc });
  };
  const keyLoc = (key: YScalar): Loc => locate(source, key.start, key.end - key.start);

  const searches = new Map<string, Expr>();
  const keys = new Map<string, YScalar>();
  let broken = false;
  for (const entry of detection.entries) {
    const name = entry.key.text;
    if (RESERVED_KEYS.has(name)) continue;
    const compiler = new SearchCompiler(source, input.placeholders, diagnostics);
    const expr = compiler.search(entry.key, entry.value);
    keys.set(name, entry.key);
    // A broken search still counts as defined, so the condition is checked against the right names.
    searches.set(name, expr ?? FALSE);
    if (expr === undefined) broken = true;
  }

  if (conditions.length === 0) {
    report(
      "error",
      "DETECTION_NO_CONDITION",
      "the detection has no 'condition'",
      locate(source, detection.start),
    );
    return { ir: FALSE, diagnostics };
  }
  const used = new Set<string>();
  const parts: Expr[] = [];
  for (const scalar of conditions) {
    const parsed = parseConditionScalar(source, scalar);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.ast === undefined) {
      broken = true;
      continue;
    }
    const resolved = resolveCondition(source, scalar, parsed.ast, searches, used);
    diagnostics.push(...resolved.diagnostics);
    if (resolved.expr === undefined) broken = true;
    else parts.push(resolved.expr);
  }
  if (!broken) {
    for (const [name, key] of keys) {
      if (!used.has(name)) {
        report(
          "warning",
          "DETECTION_UNUSED_SELECTION",
          `search identifier '${name}' is never used in the condition`,
          keyLoc(key),
        );
      }
    }
  }
  const failed = broken || diagnostics.some((d) => d.severity === "error");
  return { ir: failed ? FALSE : or(parts), diagnostics };
}

interface ModifierUse {
  readonly name: ModifierName;
  /** Offset of the modifier's text inside the key text. */
  readonly index: number;
}

/** Compiles the search identifiers of one detection; collects diagnostics into a shared list. */
class SearchCompiler {
  constructor(
    private readonly source: SourceFile,
    private readonly placeholders: Readonly<Record<string, readonly string[]>> | undefined,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private report(severity: Severity, code: string, message: string, loc: Loc): void {
    this.diagnostics.push({ severity, code, message, file: this.source.path, loc });
  }

  private nodeLoc(node: YNode): Loc {
    return locate(this.source, node.start, Math.max(0, node.end - node.start));
  }

  /** One search identifier; undefined after an error (already reported). */
  search(key: YScalar, value: YNode): Expr | undefined {
    switch (value.kind) {
      case "map":
        if (value.entries.length === 0) return this.empty(key);
        return this.map(value);
      case "seq": {
        if (value.items.length === 0) return this.empty(key);
        const items = value.items.map((item) => {
          switch (item.kind) {
            case "map":
              if (item.entries.length === 0) return this.empty(key);
              return this.map(item);
            case "scalar":
              return this.keyword(item);
            case "seq":
              this.report(
                "error",
                "DETECTION_BAD_VALUE",
                "a search identifier's list may hold maps or keywords, not nested lists",
                this.nodeLoc(item),
              );
              return undefined;
            default:
              return assertNever(item);
          }
        });
        return items.every((i) => i !== undefined) ? or(items as Expr[]) : undefined;
      }
      case "scalar":
        if (value.value === null) return this.empty(key);
        return this.keyword(value);
      default:
        return assertNever(value);
    }
  }

  private empty(key: YScalar): undefined {
    this.report(
      "error",
      "DETECTION_EMPTY_SELECTION",
      `search identifier '${key.text}' is empty`,
      locate(this.source, key.start, key.end - key.start),
    );
    return undefined;
  }

  private map(node: YMap): Expr | undefined {
    const items = node.entries.map((e) => this.item(e.key, e.value));
    return items.every((i) => i !== undefined) ? and(items as Expr[]) : undefined;
  }

  /** A keyword: a value without a field, matched as written (no implicit wildcards). */
  private keyword(scalar: YScalar): Expr | undefined {
    if (scalar.value === null) {
      this.report(
        "error",
        "DETECTION_BAD_KEYWORD",
        "a keyword cannot be null",
        this.valueLoc(scalar, undefined),
      );
      return undefined;
    }
    // Full-text search is textual: numbers and booleans are searched as the text they are written as.
    const test: Test = { kind: "pattern", pattern: parseSigmaString(scalar.text), cased: false };
    return { kind: "match", field: null, test, origin: this.valueLoc(scalar, undefined) };
  }

  /** Loc of a value scalar; the key's when the value has no text of its own (`field:` alone). */
  private valueLoc(scalar: YScalar, key: YScalar | undefined): Loc {
    if (key !== undefined && scalar.start < key.end)
      return locate(this.source, key.start, key.end - key.start);
    return locate(this.source, scalar.start, scalar.end - scalar.start);
  }

  /** Split `field|mod|mod` and look every modifier up; undefined after an error. */
  private modifiers(key: YScalar): { field: string | null; mods: ModifierUse[] } | undefined {
    const pieces = key.text.split("|");
    const field = pieces[0]!;
    const mods: ModifierUse[] = [];
    let index = field.length + 1;
    let ok = true;
    const seen = new Set<string>();
    for (const piece of pieces.slice(1)) {
      const loc = scalarLoc(this.source, key, index, index + piece.length);
      if (!isModifierName(piece)) {
        const hint = suggest(piece, MODIFIER_LIST);
        const what =
          piece === ""
            ? "empty modifier (two '|' in a row, or a trailing '|')"
            : `unknown modifier '${piece}'`;
        this.report(
          "error",
          "DETECTION_UNKNOWN_MODIFIER",
          what + (hint !== undefined && piece !== "" ? ` — did you mean '${hint}'?` : ""),
          loc,
        );
        ok = false;
      } else if (seen.has(piece)) {
        this.report(
          "error",
          "DETECTION_DUPLICATE_MODIFIER",
          `modifier '${piece}' is given twice`,
          loc,
        );
        ok = false;
      } else {
        seen.add(piece);
        mods.push({ name: piece, index });
      }
      index += piece.length + 1;
    }
    return ok ? { field: field === "" ? null : field, mods } : undefined;
  }

  /** One `field|modifiers: value(s)` item. */
  private item(key: YScalar, value: YNode): Expr | undefined {
    const parsed = this.modifiers(key);
    if (parsed === undefined) return undefined;
    const { field, mods } = parsed;
    const modLoc = (m: ModifierUse): Loc =>
      scalarLoc(this.source, key, m.index, m.index + m.name.length);

    let scalars: YScalar[];
    switch (value.kind) {
      case "scalar":
        scalars = [value];
        break;
      case "seq": {
        const bad = value.items.find((i) => i.kind !== "scalar");
        if (bad !== undefined) {
          this.report(
            "error",
            "DETECTION_BAD_VALUE",
            "a field's values must be scalars, not lists or maps",
            this.nodeLoc(bad),
          );
          return undefined;
        }
        scalars = value.items as YScalar[];
        break;
      }
      case "map":
        this.report(
          "error",
          "DETECTION_BAD_VALUE",
          "a field's value must be a scalar or a list of scalars, not a map",
          this.nodeLoc(value),
        );
        return undefined;
      default:
        return assertNever(value);
    }

    const all = mods.find((m) => m.name === "all");
    if (all !== undefined && scalars.length < 2) {
      this.report(
        "error",
        "DETECTION_ALL_SINGLE_VALUE",
        "modifier 'all' needs a list of two or more values",
        modLoc(all),
      );
      return undefined;
    }
    if (scalars.length === 0) {
      this.report(
        "warning",
        "DETECTION_EMPTY_VALUE_LIST",
        `'${key.text}' has an empty list of values: it never matches`,
        locate(this.source, key.start, key.end - key.start),
      );
      return FALSE;
    }

    const perValue: Expr[] = [];
    for (const scalar of scalars) {
      const origin = this.valueLoc(scalar, key);
      let vals: Val[] = [initialVal(scalar)];
      for (let k = 0; k < mods.length; k++) {
        const m = mods[k]!;
        const ctx = {
          field,
          before: mods.slice(0, k).map((x) => x.name),
          after: mods.slice(k + 1).map((x) => x.name),
          placeholders: this.placeholders,
        };
        const next: Val[] = [];
        for (const v of vals) {
          const r = MODIFIERS[m.name].apply(v, ctx);
          if (!r.ok) {
            this.report("error", r.code, r.message, r.at === "modifier" ? modLoc(m) : origin);
            return undefined;
          }
          next.push(...r.values);
        }
        vals = next;
      }
      // Expansions (windash, base64offset, expand) are alternatives of one value: always OR.
      perValue.push(or(vals.map((v) => this.toExpr(field, v, origin))));
    }
    const linked = all !== undefined ? and(perValue) : or(perValue);
    if (mods.some((m) => m.name === "neq")) {
      return and([
        {
          kind: "match",
          field,
          test: { kind: "exists" },
          origin: locate(this.source, key.start, key.end - key.start),
        },
        not(linked),
      ]);
    }
    return linked;
  }

  private toExpr(field: string | null, v: Val, origin: Loc): Expr {
    const match = (test: Test): MatchExpr => ({ kind: "match", field, test, origin });
    switch (v.kind) {
      case "string":
        return match({ kind: "pattern", pattern: v.pattern, cased: v.cased });
      case "number":
        return match({ kind: "number", op: "eq", value: v.value });
      case "bool":
        return match({ kind: "bool", value: v.value });
      case "null":
        return match({ kind: "null" });
      case "regex":
        return match({ kind: "regex", source: v.source, flags: v.flags });
      case "cidr":
        return match({ kind: "cidr", network: v.network, prefix: v.prefix, version: v.version });
      case "fieldref":
        return match({ kind: "fieldref", other: v.other, position: v.position, cased: v.cased });
      case "exists":
        return v.value ? match({ kind: "exists" }) : not(match({ kind: "exists" }));
      case "compare":
        return match({ kind: "number", op: v.op, value: v.value });
      case "timepart":
        return match({ kind: "timepart", part: v.part, value: v.value });
      default:
        return assertNever(v);
    }
  }
}

function initialVal(scalar: YScalar): Val {
  const value = scalar.value;
  if (value === null) return { kind: "null" };
  if (typeof value === "boolean") return { kind: "bool", value };
  if (typeof value === "number") return { kind: "number", value, text: scalar.text };
  return {
    kind: "string",
    pattern: parseSigmaString(value),
    raw: value,
    bytes: false,
    cased: false,
  };
}

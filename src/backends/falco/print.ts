import { DiagnosticError, assertNever } from "../../diagnostics.js";
import { isLiteral, literalText, type Expr, type MatchExpr } from "../../ir.js";
import { FALCO } from "./dialect.js";
import { needsFolding } from "./glob.js";
import {
  Prec,
  atom,
  casedCheck,
  foldedCheck,
  orOf,
  printCidrs,
  printGlobCond,
  wrap,
  type CidrTest,
  type Printed,
} from "./print-checks.js";
import { numberCond } from "./number-glob.js";
import { falcoRegex } from "./regex.js";
import { fieldType, isListField } from "./source-fields.js";
import { argvSafe, type ArgvFields } from "./argv.js";
import { ConstantTooLong, fitsConstant, listItem, quotable, quote } from "./constants.js";

/**
 * Effective IR → Falco condition text. libsinsp precedence is or < and < not < check, so a
 * child is parenthesized only when it binds looser than its parent. Values are always written as
 * "…" strings built by quote(); text is never patched afterwards.
 */
export interface PrintEnv {
  /**
   * The Falco field(s) of a match (throws DiagnosticError for an unmapped field); several for a
   * one-to-many mapping, where a test holds on any of them (`null`: on none).
   */
  readonly field: (m: MatchExpr) => readonly string[];
  /** Sub-expressions written as a macro name instead of inline (artifact exclusion lists). */
  readonly macros?: ReadonlyMap<Expr, string>;
  /** The presence field (json.value) of a list field, for exists / null (elements.ts). */
  readonly presence?: (m: MatchExpr) => string | undefined;
  /** The network field (fd.snet…) of an address field, for CIDR tests (typed.ts). */
  readonly network?: (m: MatchExpr) => string | undefined;
  /** The argv triple of a command-line field (argv.ts), when the pipeline gives one. */
  readonly argv?: (m: MatchExpr) => ArgvFields | undefined;
  /** A field every event of the rule's source has, for constant true/false. */
  readonly alwaysField: string;
  /** The rule file, for diagnostics the printer raises. */
  readonly file: string;
}

/** The one field of a match, or undefined for a one-to-many field (printed per field). */
function single(m: MatchExpr, env: PrintEnv): string | undefined {
  const names = env.field(m);
  return names.length === 1 ? names[0] : undefined;
}

/**
 * A value test on a command line (argv.ts): Falco's proc.exeline is argv[0] + " " + the arguments,
 * with a trailing space when there are none, so the test reads proc.exe (argv[0]) when proc.args is
 * empty and proc.exeline otherwise; a test that a trailing space cannot change reads exeline alone.
 */
function printArgv(m: MatchExpr, a: ArgvFields, env: PrintEnv): Printed {
  const t = m.test;
  if (t.kind === "exists" || t.kind === "null" || (t.kind === "pattern" && argvSafe(t.pattern)))
    return printMatchOn(m, a.line, env);
  const empty = `${a.args} ${FALCO.ops.equals} ${quote("")}`;
  const onExe = wrap(printMatchOn(m, a.exe, env), Prec.And);
  const onLine = wrap(printMatchOn(m, a.line, env), Prec.And);
  return {
    text: `(${empty} ${FALCO.and} ${onExe}) ${FALCO.or} (${FALCO.not} ${empty} ${FALCO.and} ${onLine})`,
    prec: Prec.Or,
  };
}

function printMatch(m: MatchExpr, env: PrintEnv): Printed {
  const argv = env.argv?.(m);
  if (argv !== undefined) return printArgv(m, argv, env);
  const names = env.field(m);
  if (names.length === 1) return printMatchOn(m, names[0]!, env);
  const all = m.test.kind === "null";
  const prec = all ? Prec.And : Prec.Or;
  return {
    text: names
      .map((f) => wrap(printMatchOn(m, f, env), prec))
      .join(` ${all ? FALCO.and : FALCO.or} `),
    prec,
  };
}

const NUMBER_OPS = { eq: "=", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

function printMatchOn(m: MatchExpr, f: string, env: PrintEnv): Printed {
  try {
    return printCheck(m, f, env);
  } catch (e) {
    if (!(e instanceof ConstantTooLong)) throw e;
    throw new DiagnosticError({
      severity: "error",
      code: "UNSUPPORTED_VALUE_LENGTH",
      message: `${e.message} (the value as written for ${f}; Falco refuses the rules file)`,
      file: m.origin.file ?? env.file,
      loc: m.origin,
      target: "falco",
    });
  }
}

function printCheck(m: MatchExpr, f: string, env: PrintEnv): Printed {
  const list = isListField(f);
  const t = m.test;
  // JSON null renders as "null" there: present means available and not that text.
  const p = list ? env.presence?.(m) : undefined;
  const nullText = quote(FALCO.nullText);
  switch (t.kind) {
    case "exists":
      if (p !== undefined)
        return {
          text: `${p} ${FALCO.ops.exists} ${FALCO.and} ${FALCO.not} ${p} ${FALCO.ops.equals} ${nullText}`,
          prec: Prec.And,
        };
      return atom(`${f} ${FALCO.ops.exists}`);
    case "null":
      if (p !== undefined)
        return {
          text: `${FALCO.not} ${p} ${FALCO.ops.exists} ${FALCO.or} ${p} ${FALCO.ops.equals} ${nullText}`,
          prec: Prec.Or,
        };
      return { text: `${FALCO.not} ${f} ${FALCO.ops.exists}`, prec: Prec.Not };
    case "pattern": {
      const folded = !t.cased && needsFolding(t.pattern);
      if (list) {
        if (folded || !isLiteral(t.pattern))
          throw new Error("internal: list-field pattern was not lowered");
        return atom(`${f} ${FALCO.ops.intersects} (${listItem(literalText(t.pattern))})`);
      }
      return folded ? foldedCheck(f, t.pattern) : atom(casedCheck(f, t.pattern));
    }
    case "cidr": {
      if (list) throw new Error("internal: a CIDR test on a list field was not lowered");
      const net = fieldType(f) === "ipaddr" ? env.network?.(m) : undefined;
      if (net !== undefined)
        return atom(`${net} ${FALCO.ops.in} (${quote(`${t.network}/${t.prefix}`)})`);
      return printCidrs(f, [t]);
    }
    case "number":
      if (fieldType(f) === "number") return atom(`${f} ${NUMBER_OPS[t.op]} ${String(t.value)}`);
      if (list || t.op === "eq") throw new Error("internal: a number test was not lowered to text");
      return printGlobCond(f, numberCond(t.op, t.value));
    case "regex": {
      const r = falcoRegex(t.source, t.flags);
      if (!r.ok) throw new Error(`internal: regex /${t.source}/ was not lowered: ${r.reason}`);
      return atom(`${f} ${FALCO.ops.regex} ${quote(r.text)}`);
    }
    case "bool":
    case "fieldref":
    case "timepart":
    case "phrase":
      throw new Error(`internal: ${t.kind} test reached the Falco printer without lowering`);
    default:
      return assertNever(t);
  }
}

/** An exact value on one field: the items an OR may gather into `in (…)` / `intersects (…)`. */
function exactValue(e: Expr, env: PrintEnv): { field: string; value: string } | undefined {
  if (e.kind !== "match" || e.test.kind !== "pattern" || env.argv?.(e) !== undefined)
    return undefined;
  const t = e.test;
  if (!isLiteral(t.pattern) || (!t.cased && needsFolding(t.pattern))) return undefined;
  const value = literalText(t.pattern);
  const field = single(e, env);
  if (!quotable(value) || field === undefined || !fitsConstant(value)) return undefined;
  return { field, value };
}

function printOr(items: readonly Expr[], env: PrintEnv): Printed {
  const groups = new Map<string, string[]>();
  const networks = new Map<string, CidrTest[]>();
  const order: (
    | { kind: "group"; field: string }
    | { kind: "cidr"; field: string }
    | { kind: "expr"; expr: Expr }
  )[] = [];
  for (const item of items) {
    // IPv4 networks on one scalar field share one dotted-quad check.
    if (item.kind === "match" && item.test.kind === "cidr" && item.test.version === 4) {
      const field = single(item, env);
      if (field !== undefined && !isListField(field) && fieldType(field) === "string") {
        const n = networks.get(field);
        if (n) n.push(item.test);
        else {
          networks.set(field, [item.test]);
          order.push({ kind: "cidr", field });
        }
        continue;
      }
    }
    const ev = exactValue(item, env);
    if (ev === undefined) {
      order.push({ kind: "expr", expr: item });
      continue;
    }
    const g = groups.get(ev.field);
    if (g) g.push(ev.value);
    else {
      groups.set(ev.field, [ev.value]);
      order.push({ kind: "group", field: ev.field });
    }
  }
  const texts = order.map((o) => {
    if (o.kind === "expr") return wrap(printExpr(o.expr, env), Prec.Or);
    if (o.kind === "cidr") return wrap(printCidrs(o.field, networks.get(o.field)!), Prec.Or);
    const values = groups.get(o.field)!;
    const op = isListField(o.field) ? FALCO.ops.intersects : FALCO.ops.in;
    if (values.length === 1 && op === FALCO.ops.in)
      return `${o.field} ${FALCO.ops.equals} ${quote(values[0]!)}`;
    return `${o.field} ${op} (${values.map(quote).join(", ")})`;
  });
  return orOf(texts);
}

export function printExpr(e: Expr, env: PrintEnv): Printed {
  const macro = env.macros?.get(e);
  if (macro !== undefined) return atom(macro);
  switch (e.kind) {
    case "and":
      return {
        text: e.items.map((i) => wrap(printExpr(i, env), Prec.And)).join(` ${FALCO.and} `),
        prec: Prec.And,
      };
    case "or":
      return printOr(e.items, env);
    case "not":
      return { text: `${FALCO.not} ${wrap(printExpr(e.item, env), Prec.Not)}`, prec: Prec.Not };
    case "const": {
      // No boolean literal exists; a field tested both ways is a tautology / contradiction.
      const f = env.alwaysField;
      const joiner = e.value ? FALCO.or : FALCO.and;
      return atom(`(${f} ${FALCO.ops.exists} ${joiner} ${FALCO.not} ${f} ${FALCO.ops.exists})`);
    }
    case "match":
      return printMatch(e, env);
    default:
      return assertNever(e);
  }
}

/** The whole condition, with the logsource scope (if any) ANDed in front. */
export function printCondition(e: Expr, env: PrintEnv, scope?: string): string {
  const body = printExpr(e, env);
  return scope === undefined ? body.text : `(${scope}) ${FALCO.and} ${wrap(body, Prec.And)}`;
}

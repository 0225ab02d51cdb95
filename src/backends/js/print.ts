import { DiagnosticError, assertNever } from "../../diagnostics.js";
import type { Expr, MatchExpr, Pattern, Test } from "../../ir.js";
import { parseNetwork } from "../../sigma/eval-ip.js";
import { regexFlags } from "../../sigma/eval-regex.js";
import type { Loc } from "../../source.js";
import type { HelperName } from "./runtime.js";

/**
 * IR → one JavaScript expression over `event`, plus the module-level constants it refers to
 * (compiled regexes, networks, glob patterns) and the runtime helpers it calls. Every rule string
 * enters the code through JSON.stringify, so no value can change the structure of the code.
 */

export interface PrintedJs {
  readonly expression: string;
  /** `const NAME = …;` declarations, in order of first use. */
  readonly constants: readonly string[];
  readonly helpers: ReadonlySet<HelperName>;
}

/** Sigma field → the name the module looks up (the js target's field map). */
export type FieldNamer = (field: string, origin: Loc) => string;

const lit = (s: string): string => JSON.stringify(s);

type ValueTest = Exclude<Test, { kind: "null" | "exists" }>;
interface ValueMatch {
  readonly match: MatchExpr;
  readonly test: ValueTest;
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  return String(n);
}

/** A lone surrogate needs the general glob, which refuses to split a surrogate pair. */
const LONE_SURROGATE = /\p{Cs}/u;

class Printer {
  readonly constants: string[] = [];
  readonly helpers = new Set<HelperName>();
  private readonly counters = { RE: 0, NET: 0, GLOB: 0 };

  constructor(private readonly field: FieldNamer) {}

  private use(name: HelperName): string {
    this.helpers.add(name);
    return name;
  }

  private constant(prefix: keyof Printer["counters"], init: string): string {
    const name = `${prefix}_${this.counters[prefix]++}`;
    this.constants.push(`const ${name} = ${init};`);
    return name;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case "const":
        return e.value ? "true" : "false";
      case "not":
        return `!${this.operand(e.item)}`;
      case "and":
        return e.items.map((i) => this.operand(i)).join(" && ");
      case "or":
        return this.or(e.items);
      case "match":
        return this.match(e);
      default:
        return assertNever(e);
    }
  }

  /** And/or inside another operator is always parenthesized (as prettier would print it). */
  private operand(e: Expr): string {
    const text = this.expr(e);
    return e.kind === "and" || e.kind === "or" ? `(${text})` : text;
  }

  /**
   * "some value of f passes A" or "some value of f passes B" is "some value of f passes A or B",
   * so the value tests on one field inside an OR share a single lookup (Sigma value lists).
   */
  private or(items: readonly Expr[]): string {
    const groups: (Expr | { field: string | null; matches: ValueMatch[] })[] = [];
    const byField = new Map<string | null, { field: string | null; matches: ValueMatch[] }>();
    for (const item of items) {
      if (item.kind !== "match" || item.test.kind === "null" || item.test.kind === "exists") {
        groups.push(item);
        continue;
      }
      const vm: ValueMatch = { match: item, test: item.test };
      const group = byField.get(item.field);
      if (group !== undefined) {
        group.matches.push(vm);
        continue;
      }
      const fresh = { field: item.field, matches: [vm] };
      byField.set(item.field, fresh);
      groups.push(fresh);
    }
    return groups
      .map((g) => {
        if ("kind" in g) return this.operand(g);
        const first = g.matches[0]!.match;
        const path = g.field === null ? "null" : lit(this.field(g.field, first.origin));
        const tests = g.matches.map(({ match, test }) => this.valueTest(match, test, "v"));
        return `${this.use("$some")}(event, ${path}, (v) => ${tests.join(" || ")})`;
      })
      .join(" || ");
  }

  private match(m: MatchExpr): string {
    const path = m.field === null ? "null" : lit(this.field(m.field, m.origin));
    const test = m.test;
    switch (test.kind) {
      case "null":
        return `!${this.use("$present")}(event, ${path})`;
      case "exists":
        return `${this.use("$present")}(event, ${path})`;
      default:
        return `${this.use("$some")}(event, ${path}, (v) => ${this.valueTest(m, test, "v")})`;
    }
  }

  private pattern(pattern: Pattern, cased: boolean, v: string): string {
    const text = cased ? `${this.use("$text")}(${v})` : `${this.use("$lower")}(${v})`;
    const parts = pattern.map((p) =>
      p.kind === "text" ? { ...p, text: cased ? p.text : p.text.toLowerCase() } : p,
    );
    const simple = parts.every((p) => p.kind !== "text" || !LONE_SURROGATE.test(p.text));
    const [a, b, c] = parts;
    if (simple) {
      if (parts.length === 0) return `${text} === ""`;
      if (parts.length === 1 && a?.kind === "text") return `${text} === ${lit(a.text)}`;
      if (parts.length === 1 && a?.kind === "any") return `${text} !== undefined`;
      if (parts.length === 2 && a?.kind === "text" && b?.kind === "any")
        return `${this.use("$startsWith")}(${text}, ${lit(a.text)})`;
      if (parts.length === 2 && a?.kind === "any" && b?.kind === "text")
        return `${this.use("$endsWith")}(${text}, ${lit(b.text)})`;
      if (parts.length === 3 && a?.kind === "any" && b?.kind === "text" && c?.kind === "any")
        return `${this.use("$includes")}(${text}, ${lit(b.text)})`;
    }
    if (this.counters.GLOB === 0) this.constants.push("const $ANY = 0;", "const $ONE = 1;");
    const tokens = parts.map((p) =>
      p.kind === "text" ? lit(p.text) : p.kind === "any" ? "$ANY" : "$ONE",
    );
    const glob = this.constant("GLOB", `[${tokens.join(", ")}]`);
    return `${this.use("$glob")}(${text}, ${glob})`;
  }

  private valueTest(
    m: MatchExpr,
    test: Exclude<Test, { kind: "null" | "exists" }>,
    v: string,
  ): string {
    switch (test.kind) {
      case "pattern":
        return this.pattern(test.pattern, test.cased, v);
      case "regex": {
        const flags = regexFlags(test.source, test.flags);
        if (flags === undefined)
          throw invalid(m, "REGEX_INVALID", `invalid regular expression /${test.source}/`);
        const re = this.constant("RE", `new RegExp(${lit(test.source)}, ${lit(flags)})`);
        return `${this.use("$regex")}(${re}, ${v})`;
      }
      case "cidr": {
        if (parseNetwork(test.network, test.prefix, test.version) === undefined)
          throw invalid(m, "CIDR_INVALID", `invalid network ${test.network}/${test.prefix}`);
        const net = this.constant(
          "NET",
          `${this.use("$network")}(${lit(test.network)}, ${test.prefix}, ${test.version})`,
        );
        return `${this.use("$cidr")}(${net}, ${v})`;
      }
      case "number": {
        const op = { eq: "===", lt: "<", lte: "<=", gt: ">", gte: ">=" }[test.op];
        return `${this.use("$num")}(${v}) ${op} ${numberLiteral(test.value)}`;
      }
      case "bool":
        return `${this.use("$bool")}(${v}) === ${test.value}`;
      case "fieldref": {
        const other = lit(this.field(test.other, m.origin));
        const w = v === "v" ? "w" : `${v}_`;
        return `${this.use("$some")}(event, ${other}, (${w}) => ${this.use("$ref")}(${v}, ${w}, ${lit(test.position)}, ${test.cased}))`;
      }
      case "timepart":
        return `${this.use("$timePart")}(${v}, ${lit(test.part)}) === ${numberLiteral(test.value)}`;
      default:
        return assertNever(test);
    }
  }
}

function invalid(m: MatchExpr, code: string, message: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    code,
    message,
    file: "",
    loc: m.origin,
    target: "js",
  });
}

export function printJs(expr: Expr, field: FieldNamer): PrintedJs {
  const printer = new Printer(field);
  const expression = printer.expr(expr);
  return { expression, constants: printer.constants, helpers: printer.helpers };
}

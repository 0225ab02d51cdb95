import { DiagnosticError, assertNever } from "../../diagnostics.js";
import type { Expr, MatchExpr, Pattern, Test } from "../../ir.js";
import { parseNetwork } from "../../sigma/eval-ip.js";
import { regexFlags } from "../../sigma/eval-regex.js";
import type { Loc } from "../../source.js";
import {
  binary,
  call,
  constantText,
  id,
  jsText,
  num,
  str,
  type Js,
  type JsConstant,
} from "./js-ast.js";
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
  /** The same expression and constants as trees, for the module printer (js-doc.ts). */
  readonly tree: Js;
  readonly constantTrees: readonly JsConstant[];
}

/**
 * Sigma field → the name(s) the module looks up (the js target's field map); several for a
 * one-to-many mapping, where a value test holds on any of them and `null` on none.
 */
export type FieldNamer = (field: string, origin: Loc) => readonly string[];

type ValueTest = Exclude<Test, { kind: "null" | "exists" }>;
interface ValueMatch {
  readonly match: MatchExpr;
  readonly test: ValueTest;
}

/** A lone surrogate needs the general glob, which refuses to split a surrogate pair. */
const LONE_SURROGATE = /\p{Cs}/u;

class Printer {
  readonly constants: JsConstant[] = [];
  readonly helpers = new Set<HelperName>();
  private readonly counters = { RE: 0, NET: 0, GLOB: 0 };

  constructor(private field: FieldNamer) {}

  /** An expression whose fields are named by another namer (the scope's raw names). */
  exprWith(e: Expr, namer: FieldNamer): Js {
    const saved = this.field;
    this.field = namer;
    try {
      return this.expr(e);
    } finally {
      this.field = saved;
    }
  }

  /** A call of a runtime helper, recording that the module needs it. */
  private use(name: HelperName, ...args: Js[]): Js {
    this.helpers.add(name);
    return call(name, ...args);
  }

  private constant(prefix: keyof Printer["counters"], init: Js): Js {
    const name = `${prefix}_${this.counters[prefix]++}`;
    this.constants.push({ name, init });
    return id(name);
  }

  /** The value tests of one lookup: a single test stands alone. */
  private logical(op: "&&" | "||", items: Js[]): Js {
    return items.length === 1 ? items[0]! : { kind: "logical", op, items };
  }

  expr(e: Expr): Js {
    switch (e.kind) {
      case "const":
        return { kind: "bool", value: e.value };
      case "not":
        return { kind: "not", arg: this.expr(e.item) };
      case "and":
        // Not collapsed when it has one item: the query text keeps the IR's parentheses.
        return { kind: "logical", op: "&&", items: e.items.map((i) => this.expr(i)) };
      case "or":
        return this.or(e.items);
      case "match":
        return this.match(e);
      default:
        return assertNever(e);
    }
  }

  /**
   * "some value of f passes A" or "some value of f passes B" is "some value of f passes A or B",
   * so the value tests on one field inside an OR share a single lookup (Sigma value lists).
   */
  private or(items: readonly Expr[]): Js {
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
    return {
      kind: "logical",
      op: "||",
      items: groups.map((g) => {
        if ("kind" in g) return this.expr(g);
        const first = g.matches[0]!.match;
        const tests = g.matches.map(({ match, test }) => this.valueTest(match, test, "v"));
        const body = this.logical("||", tests);
        return this.logical(
          "||",
          this.paths(g.field, first.origin).map((p) => this.some(p, "v", body)),
        );
      }),
    };
  }

  /** The lookup path(s) of a field; a keyword (no field) is the single `null` path. */
  private paths(field: string | null, origin: Loc): Js[] {
    return field === null ? [{ kind: "null" }] : this.field(field, origin).map((f) => str(f));
  }

  /** `$some(event, path, (v) => body)` */
  private some(path: Js, v: string, body: Js): Js {
    return this.use("$some", id("event"), path, { kind: "arrow", param: v, body });
  }

  private match(m: MatchExpr): Js {
    const paths = this.paths(m.field, m.origin);
    const test = m.test;
    switch (test.kind) {
      case "null":
        return this.logical(
          "&&",
          paths.map((p) => ({ kind: "not", arg: this.use("$present", id("event"), p) })),
        );
      case "exists":
        return this.logical(
          "||",
          paths.map((p) => this.use("$present", id("event"), p)),
        );
      default: {
        const body = this.valueTest(m, test, "v");
        return this.logical(
          "||",
          paths.map((p) => this.some(p, "v", body)),
        );
      }
    }
  }

  private pattern(pattern: Pattern, cased: boolean, v: string): Js {
    const text = cased ? this.use("$text", id(v)) : this.use("$lower", id(v));
    const parts = pattern.map((p) =>
      p.kind === "text" ? { ...p, text: cased ? p.text : p.text.toLowerCase() } : p,
    );
    const simple = parts.every((p) => p.kind !== "text" || !LONE_SURROGATE.test(p.text));
    const [a, b, c] = parts;
    if (simple) {
      if (parts.length === 0) return binary("===", text, str(""));
      if (parts.length === 1 && a?.kind === "text") return binary("===", text, str(a.text));
      if (parts.length === 1 && a?.kind === "any") return binary("!==", text, id("undefined"));
      if (parts.length === 2 && a?.kind === "text" && b?.kind === "any")
        return this.use("$startsWith", text, str(a.text));
      if (parts.length === 2 && a?.kind === "any" && b?.kind === "text")
        return this.use("$endsWith", text, str(b.text));
      if (parts.length === 3 && a?.kind === "any" && b?.kind === "text" && c?.kind === "any")
        return this.use("$includes", text, str(b.text));
    }
    if (this.counters.GLOB === 0)
      this.constants.push({ name: "$ANY", init: num(0) }, { name: "$ONE", init: num(1) });
    const tokens = parts.map((p) =>
      p.kind === "text" ? str(p.text) : p.kind === "any" ? id("$ANY") : id("$ONE"),
    );
    const glob = this.constant("GLOB", { kind: "array", items: tokens });
    return this.use("$glob", text, glob);
  }

  private valueTest(m: MatchExpr, test: Exclude<Test, { kind: "null" | "exists" }>, v: string): Js {
    switch (test.kind) {
      case "pattern":
        return this.pattern(test.pattern, test.cased, v);
      case "regex": {
        const flags = regexFlags(test.source, test.flags);
        if (flags === undefined)
          throw invalid(m, "REGEX_INVALID", `invalid regular expression /${test.source}/`);
        const re = this.constant("RE", {
          kind: "new",
          callee: "RegExp",
          args: [str(test.source), str(flags)],
        });
        return this.use("$regex", re, id(v));
      }
      case "cidr": {
        if (parseNetwork(test.network, test.prefix, test.version) === undefined)
          throw invalid(m, "CIDR_INVALID", `invalid network ${test.network}/${test.prefix}`);
        const net = this.constant(
          "NET",
          this.use("$network", str(test.network), num(test.prefix), num(test.version)),
        );
        return this.use("$cidr", net, id(v));
      }
      case "number": {
        const op = ({ eq: "===", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const)[test.op];
        return binary(op, this.use("$num", id(v)), num(test.value));
      }
      case "bool":
        return binary("===", this.use("$bool", id(v)), { kind: "bool", value: test.value });
      case "fieldref": {
        const w = v === "v" ? "w" : `${v}_`;
        const ref = this.use("$ref", id(v), id(w), str(test.position), {
          kind: "bool",
          value: test.cased,
        });
        return this.logical(
          "||",
          this.paths(test.other, m.origin).map((p) => this.some(p, w, ref)),
        );
      }
      case "timepart":
        return binary("===", this.use("$timePart", id(v), str(test.part)), num(test.value));
      case "phrase":
        throw invalid(
          m,
          "UNSUPPORTED_PHRASE",
          "a phrase test (Elasticsearch's analysed text) is not a rule construct; it has no meaning here",
        );
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

/**
 * `scope` (the pipelines' condition on the raw event, in raw field names) is ANDed in front of
 * the rule, its fields looked up as they are.
 */
export function printJs(expr: Expr, field: FieldNamer, scope?: Expr): PrintedJs {
  const printer = new Printer(field);
  const body = printer.expr(expr);
  const tree: Js =
    scope === undefined
      ? body
      : {
          kind: "logical",
          op: "&&",
          items: [printer.exprWith(scope, (f) => [f]), body],
        };
  return {
    expression: jsText(tree),
    constants: printer.constants.map(constantText),
    helpers: printer.helpers,
    tree,
    constantTrees: printer.constants,
  };
}

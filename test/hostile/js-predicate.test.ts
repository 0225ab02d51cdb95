import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";

/**
 * The generated JS predicate (issue 7): rule strings are inert literals, field lookup sees own
 * properties only (so `__proto__`, `constructor`, `hasOwnProperty` are ordinary fields), and the
 * module runs in a fresh vm context that has nothing but ECMAScript built-ins.
 */

const HEAD = "title: t\nlogsource:\n    product: kubernetes\n    service: audit\n";

async function moduleFor(selection: string): Promise<string> {
  const text = HEAD + "detection:\n    selection:\n" + selection + "    condition: selection\n";
  const loaded = loadSigmaFile({ path: "js-hostile.yml", text });
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const ruleIR = compileRuleIR(loaded.documents[0] as SigmaRule);
  expect(ruleIR.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const out = await compileForTarget(ruleIR, "js");
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return out.artifact;
}

interface Sandbox {
  readonly match: (event: unknown) => boolean;
  readonly context: vm.Context;
}

/** Our own loader (not the verifier's): an empty null-prototype global, no code generation. */
function sandbox(moduleText: string): Sandbox {
  const body = moduleText.replace(/^export (?=const rule\b|function match\b)/gm, "");
  expect(body).not.toMatch(/^\s*(?:export|import)\b/m);
  const context = vm.createContext(Object.create(null) as object, {
    codeGeneration: { strings: false, wasm: false },
  });
  // A hang guard for the module's top level (it only defines constants), not a speed limit.
  const match = vm.runInContext(`"use strict"; (() => {\n${body}\nreturn match;\n})()`, context, {
    timeout: 60_000,
  }) as (event: unknown) => boolean;
  return { match, context };
}

describe("js predicate: hostile field names and values", () => {
  it("uses nothing outside the language (no require, process, eval, Function, globalThis)", async () => {
    const text = await moduleFor("        verb: create\n");
    expect(text).not.toMatch(/\b(?:require|process|eval|Function|globalThis|import)\s*[.(]/);
  });

  it("`constructor` is an ordinary field, not Object.prototype.constructor", async () => {
    const { match } = sandbox(await moduleFor("        constructor: x\n"));
    expect(match({})).toBe(false);
    expect(match({ constructor: "X" })).toBe(true);
    expect(match(JSON.parse('{"constructor": "x"}'))).toBe(true);
    expect(match({ constructor: "y" })).toBe(false);
  });

  it("`__proto__` is an ordinary field when the event has it as its own key", async () => {
    const { match } = sandbox(await moduleFor("        __proto__: x\n"));
    expect(match({})).toBe(false);
    // JSON.parse makes `__proto__` an own data property; an object literal would set the prototype.
    expect(match(JSON.parse('{"__proto__": "x"}'))).toBe(true);
    expect(match(Object.create({ __proto__field: "x" }))).toBe(false);
  });

  it("`hasOwnProperty` as a field is looked up, never called", async () => {
    const { match } = sandbox(await moduleFor("        hasOwnProperty: x\n"));
    expect(match({ hasOwnProperty: "x" })).toBe(true);
    expect(match({})).toBe(false);
    expect(match(Object.create({ hasOwnProperty: "x" }))).toBe(false);
  });

  it("inherited properties are invisible to |exists", async () => {
    const { match } = sandbox(await moduleFor("        toString|exists: true\n"));
    expect(match({})).toBe(false);
    expect(match(Object.create({ toString: "inherited" }))).toBe(false);
    expect(match({ toString: 1 })).toBe(true);
  });

  it("a value written as code stays a string, and pollutes nothing", async () => {
    const payload = '"); globalThis.pwned = 1; process.exit(7); ("';
    const comment = "*/ throw 1; /* `${x}` \\u0022 \u2028";
    const text = await moduleFor(
      `        __proto__.polluted|cased: '${payload.replace(/'/g, "''")}'\n` +
        `        note|cased: "${comment.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"\n`,
    );
    const { match, context } = sandbox(text);
    const event = JSON.parse(
      JSON.stringify({ note: comment }).slice(0, -1) +
        ',"__proto__":{"polluted":' +
        JSON.stringify(payload) +
        "}}",
    );
    expect(match(event)).toBe(true);
    expect(match({ note: comment, polluted: payload })).toBe(false);
    expect(match(JSON.parse('{"__proto__": {"polluted": "x"}}'))).toBe(false);
    // Nothing leaked into the context's globals or anyone's Object.prototype.
    expect(Object.keys(context)).toEqual([]);
    expect(vm.runInContext("typeof pwned + typeof Object.prototype.polluted", context)).toBe(
      "undefinedundefined",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import { expectedOf } from "../helpers/seen.js";
import { describe, expect, it } from "vitest";
import { falcoBackend } from "../../src/backends/falco/index.js";
import type { Expr } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { falcoView } from "../../src/verify/views/falco.js";
import { ANY, EXISTS, context, lit, m, pat, tokenRequestIR } from "../backends/falco-helpers.js";

/**
 * The differential fuzzer's Falco counterexamples, each as an event: what Falco answers (the
 * emitted text interpreted on k8saudit's document), that this is exactly the effective IR on the
 * event Falco sees, what Sigma answers, and which note declares the difference when they differ.
 */
interface Outcome {
  readonly falco: boolean;
  readonly sigma: boolean;
  readonly codes: readonly string[];
}

function run(ir: Expr, fields: Record<string, unknown>): Outcome {
  const ctx = context();
  const lowered = falcoBackend.lower(ir, ctx);
  const event = {
    kind: "Event",
    auditID: "a1",
    stage: "ResponseComplete",
    stageTimestamp: "2026-11-20T09:03:00.972904Z",
    ...fields,
  };
  const falco = falcoInterpreter.compile(falcoBackend.query(lowered.effective, ctx))(
    falcoView.document(event),
  );
  // Exact translation, whatever the fidelity.
  expect(falco).toBe(expectedOf("falco", ir, lowered, ctx)(event));
  return {
    falco,
    sigma: evaluate(ir, event),
    codes: lowered.diagnostics.filter((d) => d.fidelity).map((d) => d.code),
  };
}

describe("Falco on values k8saudit renders as text", () => {
  it("a JSON null code reads as the word null: declared where the value is that word", () => {
    const r = run(m("responseStatus.code", lit("null")), { responseStatus: { code: null } });
    expect(r).toEqual({
      falco: true,
      sigma: false,
      codes: ["FIDELITY_JSON_TEXT", "FIDELITY_NULL_TEXT"],
    });
  });

  it("a wildcard that would match the text null is guarded, so a JSON null does not match", () => {
    expect(run(m("verb", pat([ANY])), { verb: null })).toMatchObject({
      falco: false,
      sigma: false,
    });
    expect(run(m("verb", pat([ANY])), { verb: "get" })).toMatchObject({ falco: true, sigma: true });
    // The declared price: a literal "null" string is taken for a JSON null.
    expect(run(m("verb", pat([ANY])), { verb: "null" })).toEqual({
      falco: false,
      sigma: true,
      codes: ["FIDELITY_JSON_TEXT", "FIDELITY_NULL_TEXT"],
    });
  });

  it("an array at a scalar field is one JSON text: declared", () => {
    expect(run(m("verb", pat([ANY])), { verb: [] })).toMatchObject({
      falco: true,
      sigma: false,
      codes: ["FIDELITY_JSON_TEXT", "FIDELITY_NULL_TEXT"],
    });
    expect(run(m("verb", lit("get", true)), { verb: ["get"] })).toEqual({
      falco: false,
      sigma: true,
      codes: ["FIDELITY_JSON_TEXT"],
    });
  });

  it("exists / null on user.groups read the whole value, so [] and non-lists agree with Sigma", () => {
    const yes = { falco: true, sigma: true };
    const no = { falco: false, sigma: false };
    expect(run(m("user.groups", EXISTS), { user: { groups: [] } })).toMatchObject(yes);
    expect(run(m("user.groups", EXISTS), { user: { groups: 0 } })).toMatchObject(yes);
    expect(run(m("user.groups", EXISTS), { user: { groups: ["a"] } })).toMatchObject(yes);
    expect(run(m("user.groups", EXISTS), { user: { groups: null } })).toMatchObject(no);
    expect(run(m("user.groups", { kind: "null" }), { user: { groups: 0 } })).toMatchObject(no);
    expect(run(m("user.groups", { kind: "null" }), { user: {} })).toMatchObject(yes);
    // The declared price: the text "null" reads as a JSON null.
    expect(run(m("user.groups", EXISTS), { user: { groups: "null" } })).toEqual({
      falco: false,
      sigma: true,
      codes: ["FIDELITY_NULL_TEXT"],
    });
  });

  it("a value test on ka.user.groups sees only a non-empty list: declared", () => {
    expect(run(m("user.groups", lit("a", true)), { user: { groups: "a" } })).toEqual({
      falco: false,
      sigma: true,
      codes: ["FIDELITY_LIST_SHAPE"],
    });
    expect(run(m("user.groups", lit("a", true)), { user: { groups: ["b", "a"] } })).toMatchObject({
      falco: true,
      sigma: true,
    });
  });

  it("the TokenRequest rule takes a username that is the word null for a missing one: declared", () => {
    const r = run(tokenRequestIR(), {
      verb: "create",
      objectRef: { resource: "serviceaccounts", subresource: "token" },
      user: { username: "null" },
    });
    expect(r.falco).toBe(false);
    expect(r.sigma).toBe(true);
    expect(r.codes).toContain("FIDELITY_NULL_TEXT");
  });
});

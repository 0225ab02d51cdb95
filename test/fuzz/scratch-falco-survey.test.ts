import fc from "fast-check";
import { it } from "vitest";
import { compileForTarget } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { interpreterFor, parityFormat, viewFor } from "../../src/verify/registry.js";
import { event, expr } from "./arbitraries.js";
import { hostRule } from "./differential.js";

const SHAPE = new Set(["FIDELITY_JSON_TEXT", "FIDELITY_LIST_SHAPE", "FIDELITY_NULL_TEXT"]);
const SCALARS = [["verb"], ["objectRef", "resource"], ["user", "username"], ["responseStatus", "code"], ["requestURI"]];
function plain(e: any): boolean {
  for (const p of SCALARS) {
    let v = e; for (const k of p) v = v == null || typeof v !== "object" || Array.isArray(v) ? undefined : v[k];
    if (v === "null" || (typeof v === "object" && v !== null)) return false;
  }
  const g = e.user?.groups;
  if (g !== undefined && g !== null && !(Array.isArray(g) && g.length > 0 && g.every((x: unknown) => typeof x === "string" && x !== "null"))) return false;
  return true;
}

it("survey", async () => {
  const samples = fc.sample(fc.tuple(expr, fc.array(event, { minLength: 6, maxLength: 6 })), { seed: Number(process.env.S ?? 1), numRuns: Number(process.env.N ?? 3000) });
  const groups = new Map<string, { n: number; ex: string }>();
  let checked = 0;
  for (const [ir, events] of samples) {
    const out = await compileForTarget({ rule: hostRule(), ir, diagnostics: [], filters: [] }, "falco", { format: parityFormat("falco") });
    if (hasErrors(out.diagnostics)) continue;
    if (out.diagnostics.some((d) => d.fidelity && !SHAPE.has(d.code))) continue;
    const pred = interpreterFor("falco").compile(out.artifact);
    const ref = compilePredicate(ir);
    const view = viewFor("falco");
    for (const e of events) {
      if (!plain(e)) continue;
      checked++;
      const got = pred(view.document(e));
      if (got !== ref(e)) {
        const key = out.query.slice(0, 60);
        const g = groups.get(key) ?? { n: 0, ex: `${JSON.stringify(ir)} on ${JSON.stringify(e)} exp ${ref(e)} got ${got} :: ${out.query}` };
        g.n++; groups.set(key, g);
      }
    }
  }
  console.log("checked", checked);
  for (const [k, g] of [...groups].sort()) console.log(g.n, k, "\n    ", g.ex);
}, 600000);

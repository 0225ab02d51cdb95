import type { Mutant } from "./mutant.js";

/**
 * Coverage probes: every mutant's site expression `e` becomes `(__mutateProbe(id), e)`, which
 * records the site in a global set and then has e's value. A test file that never records a site
 * cannot tell its mutants from the original, so they need not be run against it.
 */

export const PROBE = "__mutateProbe";
export const HITS_GLOBAL = "__mutateHits";

/** Site ids per file: one per distinct site span, shared by every mutant at that site. */
export interface Sites {
  /** Mutant id → site id. */
  readonly ofMutant: ReadonlyMap<number, number>;
  /** File → its sites as [start, end, id]. */
  readonly ofFile: ReadonlyMap<string, readonly (readonly [number, number, number])[]>;
}

export function sitesOf(mutants: readonly Mutant[]): Sites {
  const ids = new Map<string, number>();
  const ofMutant = new Map<number, number>();
  const ofFile = new Map<string, [number, number, number][]>();
  for (const m of mutants) {
    const key = `${m.file}:${m.site[0]}:${m.site[1]}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      const list = ofFile.get(m.file) ?? [];
      list.push([m.site[0], m.site[1], id]);
      ofFile.set(m.file, list);
    }
    ofMutant.set(m.id, id);
  }
  return { ofMutant, ofFile };
}

/**
 * The file's text with a probe around each site. Sites nest (a condition inside a ternary): at
 * one position a closing parenthesis goes before an opening probe, and an outer probe opens
 * before an inner one.
 */
export function instrument(text: string, sites: readonly (readonly [number, number, number])[]) {
  const inserts: { pos: number; order: number; text: string }[] = [];
  for (const [start, end, id] of sites) {
    inserts.push({ pos: start, order: 1 + 1 / (1 + end - start), text: `(${PROBE}(${id}), ` });
    inserts.push({ pos: end, order: 0, text: ")" });
  }
  inserts.sort((a, b) => a.pos - b.pos || a.order - b.order);
  let out = "";
  let at = 0;
  for (const ins of inserts) {
    out += text.slice(at, ins.pos) + ins.text;
    at = ins.pos;
  }
  out += text.slice(at);
  // A function declaration is hoisted: probes in module-level tables can call it during import.
  return (
    out +
    `\nfunction ${PROBE}(id: number): void {\n` +
    `  const g = globalThis as { ${HITS_GLOBAL}?: Set<number> };\n` +
    `  (g.${HITS_GLOBAL} ??= new Set()).add(id);\n}\n`
  );
}

import type { Mutant, Site } from "./mutant.js";

/**
 * Coverage probes: every mutant's site expression `e` becomes `(__mutateProbe(id), e)`, which
 * records the site in a global set and then has e's value. A test file that never records a site
 * cannot tell its mutants from the original, so they need not be run against it.
 */

export const PROBE = "__mutateProbe";
export const HITS_GLOBAL = "__mutateHits";

export interface IdSite extends Site {
  readonly id: number;
}

/** Site ids per file: one per distinct site span, shared by every mutant at that site. */
export interface Sites {
  /** Mutant id → site id. */
  readonly ofMutant: ReadonlyMap<number, number>;
  /** File → its sites with their ids. */
  readonly ofFile: ReadonlyMap<string, readonly IdSite[]>;
}

export function sitesOf(mutants: readonly Mutant[]): Sites {
  const ids = new Map<string, number>();
  const ofMutant = new Map<number, number>();
  const ofFile = new Map<string, IdSite[]>();
  for (const m of mutants) {
    const key = `${m.file}:${m.site.start}:${m.site.end}:${m.site.getter ? "get" : ""}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      const list = ofFile.get(m.file) ?? [];
      list.push({ ...m.site, id });
      ofFile.set(m.file, list);
    }
    ofMutant.set(m.id, id);
  }
  return { ofMutant, ofFile };
}

/**
 * The file's text with a probe around each site. Sites nest (a condition inside a ternary): at
 * one position a closing parenthesis goes before an opening probe, and an outer probe opens
 * before an inner one. A getter site drops its `name:` and wraps its value in a getter.
 */
export function instrument(text: string, sites: readonly IdSite[]): string {
  const inserts: { pos: number; order: number; text: string; skipTo?: number }[] = [];
  for (const { start, end, id, getter } of sites) {
    // At one position closings come first (order < 1), the inner (shorter) one first; then
    // openings (order ≥ 1), the outer (longer) one first.
    const inner = 1 / (1 + end - start);
    const probe = `(${PROBE}(${id}), `;
    if (getter) {
      const open = `get ${getter.name}() { return ${probe}`;
      inserts.push({ pos: start, order: 1 + inner, text: open, skipTo: getter.valueStart });
      inserts.push({ pos: end, order: 1 - inner, text: "); }" });
    } else {
      inserts.push({ pos: start, order: 1 + inner, text: probe });
      inserts.push({ pos: end, order: 1 - inner, text: ")" });
    }
  }
  inserts.sort((a, b) => a.pos - b.pos || a.order - b.order);
  let out = "";
  let at = 0;
  for (const ins of inserts) {
    out += text.slice(at, ins.pos) + ins.text;
    at = ins.skipTo ?? ins.pos;
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

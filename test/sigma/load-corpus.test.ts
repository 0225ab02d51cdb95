import { describe, expect, it } from "vitest";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { readRuleFile } from "../../src/sigma/read-input.js";
import { walkRuleFiles } from "../../src/sigma/walk.js";

import { CORPUS, HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

const present = HAVE_CORPUS;
const name = corpusTitle("loads at least 99% of the SigmaHQ documents without errors");

describe("the SigmaHQ corpus", () => {
  it.skipIf(!present)(name, () => {
    const walked = walkRuleFiles([CORPUS]);
    expect(walked.diagnostics).toEqual([]);
    let documents = 0;
    let failed = 0;
    let loaded = 0;
    const codes = new Map<string, number>();
    const examples = new Map<string, string>();
    for (const path of walked.files) {
      const read = readRuleFile(path);
      const result = read.source === undefined ? undefined : loadSigmaFile(read.source);
      const diagnostics = [...read.diagnostics, ...(result?.diagnostics ?? [])];
      const broken = diagnostics.some((d) => d.severity === "error");
      // A broken file counts as one failed document besides whatever it did yield.
      documents += (result?.documents.length ?? 0) + (broken ? 1 : 0);
      if (broken) failed++;
      for (const doc of result?.documents ?? []) {
        loaded++;
        expect(doc.conditions.length).toBeGreaterThan(0);
        expect(doc.title.length).toBeGreaterThan(0);
      }
      for (const d of diagnostics) {
        const key = `${d.severity} ${d.code}`;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        if (!examples.has(key))
          examples.set(key, `${d.file}:${d.loc?.line}:${d.loc?.col} ${d.message}`);
      }
    }
    const summary = [...codes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n}\t${k}\t${examples.get(k)}`);
    console.log(
      `${walked.files.length} files, ${documents} documents, ${loaded} loaded, ${failed} files with errors\n` +
        (summary.length ? summary.join("\n") : "no diagnostics"),
    );
    expect(walked.files.length).toBeGreaterThan(3000);
    expect(failed / documents).toBeLessThanOrEqual(0.01);
  });
});

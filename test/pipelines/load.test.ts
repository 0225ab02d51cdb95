import { describe, expect, it } from "vitest";
import { builtinPipelines, pipelinesFromArgs } from "../../src/pipelines/builtins.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import { TARGET_NAMES } from "../../src/targets/types.js";
import { documentInterpreter } from "../../src/verify/registry.js";

/** A bad pipeline file is reported like a bad rule: a code at the offending line and column. */

function problems(text: string): [string, number | undefined, number | undefined][] {
  const loaded = parsePipeline(sourceFromText("p.yml", text));
  return loaded.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => [d.code, d.loc?.line, d.loc?.col]);
}

const HEAD = "name: mine\ntargets: [elastic]\nitems:\n";
const ITEM = "  - logsource: {product: windows, category: process_creation}\n";

describe("pipeline files", () => {
  it("a valid file loads with its defaults (priority 50, not a default pipeline)", () => {
    const loaded = parsePipeline(
      sourceFromText("p.yml", HEAD + ITEM + "    fields:\n      Image: process.name\n"),
    );
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.pipeline).toMatchObject({ name: "mine", priority: 50, default: false });
    expect(loaded.pipeline?.items[0]).toMatchObject({
      id: "mine#1",
      targets: ["elastic"],
      logsource: { product: "windows", category: "process_creation" },
    });
  });

  it("an unknown key is PIPELINE_UNKNOWN_KEY at the key, with a suggestion", () => {
    const text = HEAD + ITEM + "    feilds:\n      Image: process.name\n";
    expect(problems(text)).toEqual([["PIPELINE_UNKNOWN_KEY", 5, 5]]);
    const loaded = parsePipeline(sourceFromText("p.yml", text));
    expect(loaded.diagnostics[0]?.message).toContain("did you mean 'fields'?");
    expect(problems("name: mine\ntargts: [elastic]\nitems: []\n")).toContainEqual([
      "PIPELINE_UNKNOWN_KEY",
      2,
      1,
    ]);
  });

  it("an unknown target or field type is named with a suggestion at its position", () => {
    expect(problems("name: mine\ntargets: [elastik]\nitems:\n" + ITEM)).toEqual([
      ["PIPELINE_UNKNOWN_TARGET", 2, 11],
    ]);
    const typed = HEAD + ITEM + "    types:\n      process.name: keywrd\n";
    expect(problems(typed)).toEqual([["PIPELINE_UNKNOWN_TYPE", 6, 21]]);
  });

  it("wrong shapes are PIPELINE_INVALID where they stand", () => {
    // fields must be a mapping
    expect(problems(HEAD + ITEM + "    fields: [Image]\n")).toEqual([["PIPELINE_INVALID", 5, 13]]);
    // a field maps to names, or is refused, not both
    const both = HEAD + ITEM + "    fields:\n      Hashes: {to: a, refuse: gone}\n";
    expect(problems(both)).toEqual([["PIPELINE_INVALID", 6, 15]]);
    // an item needs a logsource
    expect(problems(HEAD + "  - fields: {Image: process.name}\n")).toEqual([
      ["PIPELINE_INVALID", 4, 5],
    ]);
    // a name, targets and items are required
    expect(problems("description: x\n").map((p) => p[0])).toEqual([
      "PIPELINE_INVALID",
      "PIPELINE_INVALID",
      "PIPELINE_INVALID",
    ]);
    expect(problems("name: Has Spaces\ntargets: [js]\nitems:\n" + ITEM)).toEqual([
      ["PIPELINE_INVALID", 1, 7],
    ]);
  });

  it("target-language text needs exactly one target, and Elastic-only keys need elastic", () => {
    const two = "name: mine\ntargets: [elastic, splunk]\nitems:\n" + ITEM;
    expect(problems(two + "    scope: {query: 'x:y'}\n")).toEqual([["PIPELINE_INVALID", 5, 13]]);
    expect(problems(two + "    types: {a: keyword}\n")).toEqual([["PIPELINE_INVALID", 5, 5]]);
    const js = "name: mine\ntargets: [js]\nitems:\n" + ITEM;
    expect(problems(js + "    scope: {index: [logs-*]}\n")).toEqual([["PIPELINE_INVALID", 5, 13]]);
    // an item's own targets narrow the pipeline's, never widen them
    expect(problems(HEAD + ITEM + "    targets: [splunk]\n")).toEqual([
      ["PIPELINE_INVALID", 5, 14],
    ]);
  });

  it("the raw-event scope is Sigma detection syntax, checked like a rule's", () => {
    const bad = HEAD + ITEM + "    scope:\n      events:\n        EventID|contians: 1\n";
    const [code, line, col] = problems(bad)[0]!;
    expect([code, line, col]).toEqual(["DETECTION_UNKNOWN_MODIFIER", 7, 17]);
  });

  it("YAML errors and duplicate item ids keep their codes and positions", () => {
    expect(problems(HEAD + ITEM + "    fields:\n\t  Image: x\n")[0]?.[0]).toMatch(/^YAML_/);
    const dup =
      HEAD +
      "  - id: a\n" +
      ITEM.replace("  - ", "    ") +
      "  - id: a\n" +
      ITEM.replace("  - ", "    ");
    expect(problems(dup)).toEqual([["PIPELINE_DUPLICATE", 6, 5]]);
  });

  it("a -p name that is no file and no built-in is PIPELINE_NOT_FOUND with a suggestion", () => {
    const r = pipelinesFromArgs(["windows-ecss"]);
    expect(r.pipelines).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["PIPELINE_NOT_FOUND"]);
    expect(r.diagnostics[0]?.message).toContain("did you mean 'windows-ecs'?");
  });
});

describe("the built-in pipelines", () => {
  const builtins = builtinPipelines();

  it("all load without a diagnostic and are named after their files", () => {
    expect(builtins.length).toBeGreaterThanOrEqual(8);
    expect(new Set(builtins.map((p) => p.name)).size).toBe(builtins.length);
    for (const p of builtins) expect(p.source.path).toBe(`targets/pipelines/${p.name}.yml`);
  });

  it("every target has a default pipeline for Kubernetes audit and Windows process creation", () => {
    for (const t of TARGET_NAMES) {
      const logsources = builtins
        .filter((p) => p.default && p.targets.includes(t))
        .flatMap((p) => p.items.map((i) => JSON.stringify(i.logsource)));
      expect(logsources, t).toContain(JSON.stringify({ product: "kubernetes", service: "audit" }));
      // Falco reads Windows events not at all; the SQL target's tables are Kubernetes audit only.
      if (t !== "falco" && t !== "sql")
        expect(logsources, t).toContain(
          JSON.stringify({ product: "windows", category: "process_creation" }),
        );
    }
  });

  it("every scope query parses in its target's language", () => {
    for (const p of builtins)
      for (const item of p.items) {
        const query = item.scope?.query;
        if (query === undefined) continue;
        const [target] = item.targets;
        // Falco reads a whole rules file; its scope is checked through converted rules.
        if (target === "elastic" || target === "splunk")
          expect(
            () => documentInterpreter(target).compile(query),
            `${p.name} ${item.id}`,
          ).not.toThrow();
      }
  });
});

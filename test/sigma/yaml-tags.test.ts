import { describe, expect, it } from "vitest";
import { predicateFromYaml } from "../../src/api.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadSigmaFile, type LoadResult } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import { parseYaml, type YMap, type YScalar } from "../../src/sigma/yaml-tree.js";

const lines = (...ls: string[]): string => ls.join("\n") + "\n";
const load = (text: string): LoadResult => loadSigmaFile(sourceFromText("rule.yml", text));
const errors = (ds: readonly Diagnostic[]): string[] =>
  ds.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.loc?.line}:${d.loc?.col}`);

const HEAD = ["title: t", "logsource:", "  product: kubernetes", "  service: audit"];
const rule = (...detection: string[]): string => lines(...HEAD, "detection:", ...detection);

describe("YAML tags: anything but a core tag is an error where the tag stands", () => {
  it("rejects a python object constructor on a flow sequence (the tag's own line:col)", () => {
    const r = load(
      rule(
        "  selection:",
        "    verb: !!python/object/apply:os.system ['echo pwned']",
        "  condition: selection",
      ),
    );
    expect(errors(r.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 7:11"]);
    expect(r.diagnostics[0]?.message).toContain("!!python/object/apply:os.system");
    expect(r.documents).toEqual([]);
  });

  it("rejects a local tag on a scalar", () => {
    const r = load(rule("  selection:", "    verb: !custom create", "  condition: selection"));
    expect(errors(r.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 7:11"]);
    expect(r.documents).toEqual([]);
  });

  it("rejects YAML 1.1 types that are not in the core schema (!!binary, !!timestamp, !!set)", () => {
    for (const tag of ["!!binary", "!!timestamp", "!!set", "!!omap", "!!merge"]) {
      const r = load(rule("  selection:", `    verb: ${tag} aGVsbG8=`, "  condition: selection"));
      expect(errors(r.diagnostics), tag).toEqual(["YAML_UNSUPPORTED_TAG 7:11"]);
    }
  });

  it("rejects a tag on a block mapping, nested three levels down", () => {
    const r = load(
      rule(
        "  selection:",
        "    objectRef:",
        "      - resource: secrets",
        "        extra: !thing",
        "          a: 1",
        "  condition: selection",
      ),
    );
    expect(errors(r.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 9:16"]);
  });

  it("rejects a tag on a block sequence item and on a mapping key", () => {
    const seq = load(
      rule("  selection:", "    verb:", "      - get", "      - !x list", "  condition: selection"),
    );
    expect(errors(seq.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 9:9"]);
    const key = load(rule("  selection:", "    !k verb: get", "  condition: selection"));
    expect(errors(key.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 7:5"]);
  });

  it("rejects a tagged condition", () => {
    const r = load(rule("  selection:", "    verb: get", "  condition: !cond selection"));
    expect(errors(r.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 8:14"]);
  });

  it("rejects a tag in a filter document", () => {
    const r = load(
      lines(
        ...HEAD,
        "filter:",
        "  rules: [a]",
        "  sel:",
        "    user.username: !!js/function 'x'",
        "  condition: not sel",
      ),
    );
    expect(errors(r.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 8:20"]);
    expect(r.documents).toEqual([]);
  });

  it("rejects a verbatim tag outside yaml.org and a %TAG that redirects !! elsewhere", () => {
    const verbatim = load(rule("  sel:", "    verb: !<tag:evil.com,2024:x> y", "  condition: sel"));
    expect(errors(verbatim.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 7:11"]);
    const redirected = load(
      ["%TAG !! tag:evil.com,2024:", "---", rule("  sel:", "    verb: !!str y", "  condition: sel")]
        .join("\n")
        .trimEnd() + "\n",
    );
    expect(errors(redirected.diagnostics)).toEqual(["YAML_UNSUPPORTED_TAG 9:11"]);
  });

  it("rejects a core tag on the wrong kind of node or a value of the wrong type", () => {
    expect(
      errors(load(rule("  sel:", "    verb: !!map get", "  condition: sel")).diagnostics),
    ).toEqual(["YAML_TAG_MISMATCH 7:11"]);
    expect(
      errors(load(rule("  sel:", "    verb: !!str [a, b]", "  condition: sel")).diagnostics),
    ).toEqual(["YAML_TAG_MISMATCH 7:11"]);
    expect(
      errors(load(rule("  sel:", "    verb: !!int twelve", "  condition: sel")).diagnostics),
    ).toEqual(["YAML_TAG_MISMATCH 7:11"]);
  });
});

describe("YAML tags: the core schema keeps its meaning", () => {
  const scalar = (text: string): YScalar => {
    const r = parseYaml({ path: "x.yml", text: `v: ${text}\n` });
    expect(r.diagnostics).toEqual([]);
    return (r.documents[0] as YMap).entries[0]!.value as YScalar;
  };

  it("resolves explicit core tags as the core schema says, whatever the style", () => {
    expect(scalar("!!str 123").value).toBe("123");
    expect(scalar("!!str true").value).toBe("true");
    expect(scalar("!!str null").value).toBe("null");
    expect(scalar("! 0x1F").value).toBe("0x1F");
    expect(scalar("!<tag:yaml.org,2002:str> 7").value).toBe("7");
    expect(scalar("!!s%74r 7").value).toBe("7");
    expect(scalar('!!int "12"').value).toBe(12);
    expect(scalar("!!int 0x1F").value).toBe(31);
    expect(scalar("!!float 1").value).toBe(1);
    expect(scalar("!!float -.inf").value).toBe(-Infinity);
    expect(scalar("!!bool 'false'").value).toBe(false);
    expect(scalar("!!null ''").value).toBeNull();
    expect(scalar("0x1F").value).toBe(31);
  });

  it("accepts !!seq and !!map on their own kinds", () => {
    const r = parseYaml({ path: "x.yml", text: "a: !!seq [1, 2]\nb: !!map {c: d}\n" });
    expect(r.diagnostics).toEqual([]);
  });

  it("!!str null is the text 'null', not Sigma's missing-field null", () => {
    const tagged = predicateFromYaml(rule("  sel:", "    verb: !!str null", "  condition: sel"));
    const untagged = predicateFromYaml(rule("  sel:", "    verb: null", "  condition: sel"));
    expect(tagged({ verb: "null" })).toBe(true);
    expect(tagged({})).toBe(false);
    expect(untagged({})).toBe(true);
    expect(untagged({ verb: "null" })).toBe(false);
  });
});

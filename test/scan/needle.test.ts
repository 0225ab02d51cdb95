import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteFrequency, chooseAnchor, Needle } from "../../src/scan/needle.js";
import { and } from "../../src/ir.js";
import { eq } from "../bench/rules.js";
import { requirementOf } from "../../src/scan/requirement.js";

/** Every start position of `literal` in `hay`, by brute force. */
function occurrences(hay: Buffer, literal: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + literal.length <= hay.length; i++)
    if (hay.subarray(i, i + literal.length).equals(literal)) out.push(i);
  return out;
}

function allFinds(needle: Needle, hay: Buffer): number[] {
  const out: number[] = [];
  for (
    let at = needle.find(hay, 0, hay.length);
    at !== -1;
    at = needle.find(hay, at + 1, hay.length)
  )
    out.push(at);
  return out;
}

describe("Needle: searching a literal from its rarest byte", () => {
  it('searches `"token"` from its `k` when `k` is the rarest byte of the sample', () => {
    const sample = Buffer.from('"a":"token","b":"tokens","c":"kk"');
    const needle = new Needle(
      { bytes: Buffer.from('"token"'), folded: false },
      new ByteFrequency(Buffer.from('""""""ttttoooeeennnk')),
    );
    expect(String.fromCharCode(needle.lead)).toBe("k");
    expect(allFinds(needle, sample)).toEqual([4]);
    expect(needle.count(sample, sample.length)).toBe(1);
  });

  it("does not report an occurrence whose prefix lies before the search start", () => {
    const hay = Buffer.from('x"token"');
    const needle = new Needle(
      { bytes: Buffer.from('"token"'), folded: false },
      new ByteFrequency(Buffer.from("k")),
    );
    expect(needle.find(hay, 2, hay.length)).toBe(-1);
    expect(needle.find(hay, 1, hay.length)).toBe(1);
    // …nor one that runs past the end of the block.
    expect(needle.find(hay, 0, hay.length - 1)).toBe(-1);
  });

  it("finds exactly the literal's occurrences, whatever the byte statistics", () => {
    const bytes = fc
      .uint8Array({ minLength: 0, maxLength: 200 })
      .map((a) => Buffer.from(a.map((b) => 0x61 + (b % 4))));
    fc.assert(
      fc.property(bytes, bytes, bytes, (hay, rawLiteral, sample) => {
        const literal = rawLiteral.subarray(0, 1 + (rawLiteral.length % 5));
        if (literal.length === 0) return;
        const needle = new Needle({ bytes: literal, folded: false }, new ByteFrequency(sample));
        expect(allFinds(needle, hay)).toEqual(occurrences(hay, literal));
      }),
      { numRuns: 500 },
    );
  });

  it("anchors a requirement on the clause with the fewest expected stops", () => {
    const req = requirementOf(and([eq("verb", "create"), eq("objectRef.subresource", "token")]));
    if (req.kind !== "clauses") throw new Error("expected clauses");
    // Three lines hold "create", one holds "token": each hit costs more than any lead byte.
    const sample = Buffer.from(
      '{"verb":"create"}\n{"verb":"create"}\n{"verb":"create","subresource":"token"}\n',
    );
    const anchor = chooseAnchor(req.clauses, sample, sample, sample.length);
    expect(anchor.clause.map((l) => l.bytes.toString())).toEqual(['"token"']);
  });
});

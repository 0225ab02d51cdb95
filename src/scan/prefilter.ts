import type { Expr } from "../ir.js";
import type { Block } from "./block.js";
import { foldBytes, hasHazard } from "./fold.js";
import type { Literal } from "./literals.js";
import { chooseAnchor, type Anchor } from "./needle.js";
import { requirementOf, type Clause, type Requirement } from "./requirement.js";

/**
 * A sound prefilter: `false` only for lines on which the expression cannot hold, decided on raw
 * bytes before JSON.parse. Soundness holds for ANY valid JSON line, whatever its producer escapes:
 *   1. requirement.ts / literals.ts derive literals that the DECODED values of a matching event must
 *      contain, restricted to characters that valid JSON can write only verbatim or as `\uXXXX`;
 *   2. a line containing the bytes `\u` is never rejected (it is parsed), so in every rejected line
 *      each decoded character of such a literal would have been written verbatim;
 *   3. case-insensitive literals are ASCII and are searched in an ASCII-folded copy; a line holding
 *      a non-ASCII code point whose case mapping yields ASCII (fold.ts) is never rejected by them.
 * Invalid JSON cannot match, so what the prefilter says about it does not matter for matches.
 */
export interface Prefilter {
  readonly requirement: Requirement;
  /** True when some literal must be searched case-insensitively (the block needs a folded copy). */
  readonly needsFold: boolean;
  /** True when the prefilter can reject anything at all. */
  readonly selective: boolean;
  /** May the expression hold on this line? (`line` without its newline.) */
  mayMatch(line: Buffer): boolean;
  /** Sets out[i] = 1 for every line of the block that may match; leaves other entries alone. */
  markCandidates(block: Block, out: Uint8Array): void;
}

const BACKSLASH_U = Buffer.from("\\u");

export function compilePrefilter(expr: Expr): Prefilter {
  const requirement = requirementOf(expr);
  if (requirement.kind === "never") return neverPrefilter(requirement);
  const clauses = requirement.clauses;
  if (clauses.length === 0) return openPrefilter(requirement);

  const needsFold = clauses.some((c) => c.some((l) => l.folded));
  // The anchor clause is searched over the whole block; the others only inside candidate lines.
  // It is chosen on the first block, from the byte statistics of the data (needle.ts).
  let anchor: Anchor | null = null;
  let rest: readonly Clause[] = [];

  const clauseHolds = (clause: Clause, raw: Buffer, folded: Buffer | null): boolean =>
    clause.some((l) => (l.folded ? folded! : raw).indexOf(l.bytes) !== -1);

  return {
    requirement,
    needsFold,
    selective: true,
    mayMatch(line) {
      if (line.indexOf(BACKSLASH_U) !== -1) return true;
      if (needsFold && hasHazard(line)) return true;
      const folded = needsFold ? foldBytes(line) : null;
      return clauses.every((c) => clauseHolds(c, line, folded));
    },
    markCandidates(block, out) {
      if (anchor === null) {
        const chosen = chooseAnchor(clauses, block.raw, block.folded, block.length);
        rest = clauses.filter((c) => c !== chosen.clause);
        anchor = chosen;
      }
      const hits = new Uint8Array(block.count);
      for (const needle of anchor.needles) {
        const hay = needle.folded ? block.folded! : block.raw;
        needle.markLines(hay, block.length, block.starts, hits);
      }
      for (let i = 0; i < block.count; i++) {
        if (block.escaped[i] === 1 || (needsFold && block.hazard[i] === 1)) {
          out[i] = 1;
          continue;
        }
        if (hits[i] !== 1) continue;
        const s = block.starts[i]!;
        const e = block.ends[i]!;
        const raw = block.raw.subarray(s, e);
        const folded = block.folded === null ? null : block.folded.subarray(s, e);
        if (rest.every((c) => clauseHolds(c, raw, folded))) out[i] = 1;
      }
    },
  };
}

function neverPrefilter(requirement: Requirement): Prefilter {
  return {
    requirement,
    needsFold: false,
    selective: true,
    mayMatch: () => false,
    markCandidates: () => undefined,
  };
}

function openPrefilter(requirement: Requirement): Prefilter {
  return {
    requirement,
    needsFold: false,
    selective: false,
    mayMatch: () => true,
    markCandidates(block, out) {
      out.fill(1, 0, block.count);
    },
  };
}

/** Human-readable form of a requirement, for `scan --explain` and test messages. */
export function describeRequirement(requirement: Requirement): string {
  if (requirement.kind === "never") return "never matches";
  if (requirement.clauses.length === 0) return "no required literal";
  return requirement.clauses
    .map((c) => c.map(describeLiteral).join(" | "))
    .map((s) => `(${s})`)
    .join(" & ");
}

function describeLiteral(l: Literal): string {
  return (l.folded ? "i" : "") + JSON.stringify(l.bytes.toString("utf8"));
}

import { regexShape, type CharSet, type RegexShape } from "../../sigma/regex-safety.js";

/**
 * An upper bound on the work of V8's backtracking search of one regex over one text, counted
 * before the search runs, so that verify can refuse to start a `match()` that would backtrack for
 * hours, by a count that does not depend on how busy the machine is.
 *
 * V8 (irregexp) tries each start position and explores the pattern's choices depth first. Each
 * step it takes is a prefix of a path through the pattern's automaton (Thompson's construction)
 * over the text, so the number of such prefixes, summed over all start positions, bounds its work.
 * That number is counted exactly, by dynamic programming over (state, position) in time
 * O(text × states), never by exploring the paths. The automaton over-approximates V8's: character
 * sets are the safety analysis's (all of non-ASCII is one character), assertions other than
 * `^` and `$` (exact without the m flag) always hold, a lookaround's body is explored as a side branch, a backreference matches any text, bounded
 * repetitions become unbounded above a size; every change adds paths, so the count stays an upper
 * bound. Like V8, an iteration of a repetition that consumed nothing does not start another one.
 */

/** A model of a pattern, built once and counted over many texts. */
export interface RegexCostModel {
  /** The number of search steps for `text`, or `cap` when it is at least that. */
  steps(text: string, cap: number): number;
}

/** Beyond this many automaton states a pattern is not modelled (its cost is not bounded here). */
const MAX_STATES = 4_000;
/** A bounded repetition unrolls into copies of its body up to this many states, else it loops. */
const MAX_UNROLLED = 400;

interface Target {
  readonly id: number;
  /** An edge to a repetition's head from inside its body: it starts the next iteration. */
  readonly back: boolean;
}

interface State {
  readonly eps: Target[];
  /** `^` or `$` without the m flag: the way on exists only at that end of the text. */
  only?: "start" | "end";
  char?: { readonly set: CharSet | "any"; readonly to: Target };
}

class TooLarge extends Error {}

class Builder {
  readonly states: State[] = [];

  constructor(private readonly multiline: boolean) {}

  add(): number {
    if (this.states.length >= MAX_STATES) throw new TooLarge();
    this.states.push({ eps: [] });
    return this.states.length - 1;
  }

  /** The entry of `node` followed by `next` (the automaton is built from the end backwards). */
  build(node: RegexShape, next: Target): Target {
    switch (node.kind) {
      case "char":
        return this.char(node.set, next);
      case "seq": {
        let k = next;
        for (let i = node.items.length - 1; i >= 0; i--) k = this.build(node.items[i]!, k);
        return k;
      }
      case "alt": {
        const s = this.add();
        for (const b of node.branches) this.states[s]!.eps.push(this.build(b, next));
        return { id: s, back: false };
      }
      case "group": {
        if (!node.zeroWidth) return this.build(node.body, next);
        // A lookaround runs its body, then goes on where it started: the body is a side branch
        // that ends in a state with no way out.
        const s = this.add();
        const sink = this.add();
        this.states[s]!.eps.push(next, this.build(node.body, { id: sink, back: false }));
        return { id: s, back: false };
      }
      case "assert": {
        if (node.anchor === undefined || this.multiline) return next;
        const s = this.add();
        this.states[s]!.only = node.anchor;
        this.states[s]!.eps.push(next);
        return { id: s, back: false };
      }
      case "backref":
        return this.loop((head) => this.char("any", head), next);
      case "repeat":
        return this.repeat(node.body, node.min, node.max, next);
    }
  }

  private char(set: CharSet | "any", to: Target): Target {
    const s = this.add();
    this.states[s]!.char = { set, to };
    return { id: s, back: false };
  }

  private repeat(body: RegexShape, min: number, max: number, next: Target): Target {
    const size = countStates(body);
    const copies = max === Infinity ? min + 1 : max;
    // x{0,n} and x{m,} have no more paths than x*, which stands for them when they are too big.
    if (copies * size > MAX_UNROLLED) return this.loop((head) => this.build(body, head), next);
    let k = next;
    if (max === Infinity) k = this.loop((head) => this.build(body, head), next);
    else {
      // Nested optional copies, (x(x(x)?)?)?: one path per count of iterations, as V8's counter.
      for (let i = min; i < max; i++) {
        const s = this.add();
        this.states[s]!.eps.push(this.build(body, k), next);
        k = { id: s, back: false };
      }
    }
    for (let i = 0; i < min; i++) k = this.build(body, k);
    return k;
  }

  private loop(body: (head: Target) => Target, next: Target): Target {
    const head = this.add();
    this.states[head]!.eps.push(body({ id: head, back: true }), next);
    return { id: head, back: false };
  }
}

/** A rough size of a node's automaton, to decide whether a repetition of it is unrolled. */
function countStates(node: RegexShape): number {
  switch (node.kind) {
    case "char":
      return 1;
    case "seq":
      return node.items.reduce((n, i) => n + countStates(i), 0);
    case "alt":
      return 1 + node.branches.reduce((n, b) => n + countStates(b), 0);
    case "group":
      return countStates(node.body) + (node.zeroWidth ? 2 : 0);
    case "assert":
      return 0;
    case "backref":
      return 2;
    case "repeat":
      return Math.min(
        MAX_UNROLLED + 1,
        (node.max === Infinity ? node.min + 2 : node.max + 1) * countStates(node.body),
      );
  }
}

function matches(set: CharSet | "any", code: number, ignoreCase: boolean): boolean {
  if (set === "any") return true;
  // Case-insensitive Unicode matching relates ASCII letters and some non-ASCII characters
  // (K and the Kelvin sign): with the i flag, both sides of that line count as matching.
  if (code >= 128) return set.other || ignoreCase;
  if (ignoreCase && set.other && (code | 32) >= 97 && (code | 32) <= 122) return true;
  return ((set.bits[code >> 5]! >>> (code & 31)) & 1) === 1;
}

/** The model of `source` with `flags`, or undefined when it cannot be modelled. */
export function regexCostModel(source: string, flags: string): RegexCostModel | undefined {
  // The shape reader knows the u-mode syntax of Sigma's regexes; set notation (the v flag) and
  // JavaScript's empty classes `[]` and `[^]` it would misread, so those are not modelled.
  if (flags.includes("v") || /\[\^?\]/.test(source)) return undefined;
  const ignoreCase = flags.includes("i");
  const shape = regexShape(source, ignoreCase);
  if (shape === undefined) return undefined;
  const builder = new Builder(flags.includes("m"));
  let start: Target;
  try {
    const accept = builder.add();
    start = builder.build(shape, { id: accept, back: false });
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw e;
  }
  const states = builder.states;
  const order = topologicalOrder(states);
  const loops = states.filter((s) => s.eps.some((t) => t.back)).length;
  return {
    steps(text, cap) {
      const n = states.length;
      let here = new Float64Array(n);
      let after = new Float64Array(n);
      let again = new Float64Array(n);
      let total = 0;
      for (let p = 0; p <= text.length; p++) {
        // A new attempt starts at every position (the search is unanchored).
        here[start.id]! += 1;
        const code = p < text.length ? text.charCodeAt(p) : -1;
        // Paths that came back to a repetition's head without consuming go round once more;
        // one round per repetition covers every iteration that consumed something.
        for (let round = 0; round <= loops; round++) {
          let more = false;
          for (const id of order) {
            const count = here[id]!;
            if (count === 0) continue;
            here[id] = 0;
            total += count;
            const state = states[id]!;
            if (state.only === "start" ? p !== 0 : state.only === "end" && p !== text.length)
              continue;
            for (const t of state.eps) {
              if (t.back) {
                again[t.id]! += count;
                more = true;
              } else here[t.id]! += count;
            }
            const c = state.char;
            if (c !== undefined && code >= 0 && matches(c.set, code, ignoreCase))
              after[c.to.id]! += count;
          }
          if (total >= cap) return cap;
          if (!more) break;
          [here, again] = [again, here];
        }
        here.fill(0);
        again.fill(0);
        [here, after] = [after, here];
      }
      return Math.min(total, cap);
    },
  };
}

/** States in an order where every non-back epsilon edge goes forward (Kahn's algorithm). */
function topologicalOrder(states: readonly State[]): number[] {
  const indegree = new Array<number>(states.length).fill(0);
  for (const s of states) for (const t of s.eps) if (!t.back) indegree[t.id]!++;
  const ready: number[] = [];
  indegree.forEach((d, i) => {
    if (d === 0) ready.push(i);
  });
  const order: number[] = [];
  while (ready.length > 0) {
    const id = ready.pop()!;
    order.push(id);
    for (const t of states[id]!.eps) if (!t.back && --indegree[t.id]! === 0) ready.push(t.id);
  }
  return order;
}

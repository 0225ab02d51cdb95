import { eqlInterpreter } from "../eql/index.js";
import { parseEqlSequence } from "../eql/sequence.js";
import { ParseError } from "../types.js";
import { keyOf, timeOf } from "./elastic-doc.js";

/**
 * Runs an EQL sequence over Elasticsearch documents as Elasticsearch's sequence matcher does
 * (x-pack/plugin/eql …/execution/sequence/SequenceMatcher.java and OrdinalGroup.java):
 * - each term is an event query (the per-event EQL interpreter reads its text);
 * - join keys must all have a value (a key that is not `?optional` is never null): an event
 *   without one is in no sequence; keys compare as their values' text;
 * - events are ordered by the timestamp field (milliseconds for a date field), then by document
 *   order (the implicit `_shard_doc` tiebreaker of one shard);
 * - an event of term 1 opens a sequence; an event of term i > 1 takes, among the sequences of its
 *   key waiting at term i − 1, the latest one ordered before it, and removes that one and every
 *   older one; the sequence continues when the event is at most maxspan after the sequence's
 *   first event (`delta > maxspan` rejects), else it is dropped;
 * - a sequence that reaches the last term is a result, reported at its last event's time.
 */

export interface SequenceMatch {
  readonly keys: readonly string[];
  /** Microseconds since the epoch (the last event's millisecond). */
  readonly timeUs: number;
}

export type SequenceProgram = (documents: readonly unknown[]) => SequenceMatch[];

export function compileEqlSequence(text: string, timestampField: string): SequenceProgram {
  const seq = parseEqlSequence(text);
  const terms = seq.terms.map((t) => {
    const keys = t.keys.map((k) => {
      if (k.kind !== "field" || k.optional)
        throw new ParseError(
          "a join key other than a plain field is outside the modelled subset",
          seq.span.offset,
          seq.span.line,
          seq.span.col,
        );
      return k.name;
    });
    return { matches: eqlInterpreter.compile(t.text), keys };
  });
  const last = terms.length - 1;
  return (documents) => {
    const events: { doc: number; time: number }[] = [];
    documents.forEach((doc, i) => {
      const time = timeOf(doc, timestampField);
      if (time !== undefined) events.push({ doc: i, time });
    });
    events.sort((a, b) => a.time - b.time || a.doc - b.doc);
    // Waiting sequences per term and key, oldest first: first event time and position.
    const waiting = terms.map(() => new Map<string, { first: number; at: number }[]>());
    const out: SequenceMatch[] = [];
    events.forEach((e, at) => {
      const doc = documents[e.doc];
      for (let i = last; i >= 0; i--) {
        const term = terms[i]!;
        if (!term.matches(doc)) continue;
        const keys = term.keys.map((f) => keyOf(doc, f));
        if (keys.some((k) => k === undefined)) continue;
        const key = JSON.stringify(keys);
        if (i === 0) {
          const list = waiting[0]!.get(key) ?? [];
          list.push({ first: e.time, at });
          waiting[0]!.set(key, list);
          continue;
        }
        const before = waiting[i - 1]!.get(key);
        if (before === undefined) continue;
        let j = before.length - 1;
        while (j >= 0 && before[j]!.at >= at) j--;
        if (j < 0) continue;
        const chosen = before[j]!;
        before.splice(0, j + 1);
        if (seq.maxspanMs > 0 && e.time - chosen.first > seq.maxspanMs) continue;
        if (i === last) out.push({ keys: keys as string[], timeUs: e.time * 1000 });
        else {
          const next = waiting[i]!.get(key) ?? [];
          next.push({ first: chosen.first, at });
          waiting[i]!.set(key, next);
        }
      }
    });
    return out;
  };
}

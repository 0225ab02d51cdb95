import { suggest, type Diagnostic } from "../diagnostics.js";
import { locate } from "../source.js";
import type { Span } from "./load-context.js";
import type { SigmaCorrelation, Spanned } from "./correlation.js";
import type { SigmaFilter, SigmaRule } from "./rule.js";

/**
 * Ties the references of every correlation to the documents of the whole rule set (every file
 * given): rules by id or name, correlations of correlations, aliases, and the group-by and value
 * fields each referenced document must provide. Errors point at the reference, alias or field in
 * the correlation's own file.
 */

export type ResolvedTarget =
  | { readonly kind: "rule"; readonly rule: SigmaRule }
  | { readonly kind: "correlation"; readonly correlation: ResolvedCorrelation };

export interface ResolvedRef {
  /** The reference as written in `rules`. */
  readonly ref: Spanned;
  readonly target: ResolvedTarget;
  /**
   * For each group-by name of the correlation, where the value is in this reference's events:
   * an event field for a rule (the alias resolved), a group-by name of a referenced correlation.
   */
  readonly groupFields: readonly string[];
  /** value_count: the field (or the referenced correlation's group-by name) whose values count. */
  readonly valueField?: string;
}

export interface ResolvedCorrelation {
  readonly correlation: SigmaCorrelation;
  readonly refs: readonly ResolvedRef[];
  /** The group-by names, as the correlation's matches report them. */
  readonly groupBy: readonly string[];
}

export interface Resolution {
  /** Correlations whose every reference resolved (in the order they were given). */
  readonly correlations: readonly ResolvedCorrelation[];
  /** Rules and correlations that a correlation names without `generate: true`: no stand-alone output. */
  readonly notGenerated: ReadonlySet<SigmaRule | SigmaCorrelation>;
  readonly diagnostics: readonly Diagnostic[];
}

type Document = SigmaRule | SigmaFilter | SigmaCorrelation;

function label(doc: Document): string {
  const kind = doc.kind === "correlation" ? "correlation" : doc.kind;
  return `${kind} '${doc.title}' (${doc.source.path})`;
}

export function resolveCorrelations(
  rules: readonly SigmaRule[],
  filters: readonly SigmaFilter[],
  correlations: readonly SigmaCorrelation[],
): Resolution {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map<string, Document[]>();
  const byName = new Map<string, Document[]>();
  for (const doc of [...rules, ...filters, ...correlations]) {
    if (doc.id !== undefined) push(byId, doc.id.toLowerCase(), doc);
    if (doc.name !== undefined) push(byName, doc.name, doc);
  }
  const error = (c: SigmaCorrelation, code: string, at: Span, message: string): void => {
    diagnostics.push({
      severity: "error",
      code,
      message,
      file: c.source.path,
      loc: locate(c.source, at.start, Math.max(0, at.end - at.start)),
    });
  };

  /** The one document a reference names, or an error at the reference. */
  const lookup = (c: SigmaCorrelation, ref: Spanned): Document | undefined => {
    const found = byId.get(ref.text.toLowerCase()) ?? byName.get(ref.text) ?? [];
    if (found.length === 1) return found[0];
    if (found.length === 0) {
      error(
        c,
        "CORRELATION_UNKNOWN_RULE",
        ref.at,
        `no rule or correlation with id or name '${ref.text}' among the files given (or it has errors)${hint(ref.text)}`,
      );
    } else {
      error(
        c,
        "CORRELATION_AMBIGUOUS_REFERENCE",
        ref.at,
        `'${ref.text}' names ${found.length} documents: ${found.map(label).join(", ")}`,
      );
    }
    return undefined;
  };

  const hint = (text: string): string => {
    const guess = suggest(text, byName.keys());
    return guess === undefined ? "" : ` — did you mean '${guess}'?`;
  };

  const done = new Map<SigmaCorrelation, ResolvedCorrelation | null>();
  const visiting = new Set<SigmaCorrelation>();
  const notGenerated = new Set<SigmaRule | SigmaCorrelation>();

  const resolve = (c: SigmaCorrelation): ResolvedCorrelation | null => {
    const known = done.get(c);
    if (known !== undefined) return known;
    visiting.add(c);
    const before = diagnostics.length;
    const targets: (ResolvedTarget | undefined)[] = [];
    const docs: (Document | undefined)[] = [];
    for (const ref of c.rules) {
      const doc = lookup(c, ref);
      docs.push(doc);
      targets.push(doc === undefined ? undefined : targetOf(c, ref, doc));
    }
    docs.forEach((doc, i) => {
      const first = docs.indexOf(doc);
      if (doc !== undefined && first < i)
        error(
          c,
          "CORRELATION_BAD_RULES",
          c.rules[i]!.at,
          `'${c.rules[i]!.text}' names the same ${doc.kind} as '${c.rules[first]!.text}'`,
        );
    });
    const refs: ResolvedRef[] = [];
    if (diagnostics.length === before) {
      checkAliases(c, docs as Document[]);
      c.rules.forEach((ref, i) => {
        const target = targets[i]!;
        const groupFields = c.groupBy.map((g) => fieldFor(c, g, ref, docs[i]!, target));
        const valueField =
          c.valueField === undefined ? undefined : fieldFor(c, c.valueField, ref, docs[i]!, target);
        if (
          groupFields.every((f) => f !== undefined) &&
          (c.valueField === undefined || valueField !== undefined)
        )
          refs.push({
            ref,
            target,
            groupFields: groupFields as string[],
            ...(valueField === undefined ? {} : { valueField }),
          });
      });
    }
    visiting.delete(c);
    const result: ResolvedCorrelation | null =
      diagnostics.length === before
        ? { correlation: c, refs, groupBy: c.groupBy.map((g) => g.text) }
        : null;
    done.set(c, result);
    if (result !== null && !c.generate) {
      for (const d of docs) if (d !== undefined && d.kind !== "filter") notGenerated.add(d);
    }
    return result;
  };

  const targetOf = (
    c: SigmaCorrelation,
    ref: Spanned,
    doc: Document,
  ): ResolvedTarget | undefined => {
    switch (doc.kind) {
      case "rule":
        return { kind: "rule", rule: doc };
      case "filter":
        error(
          c,
          "CORRELATION_BAD_RULES",
          ref.at,
          `'${ref.text}' is a filter; a correlation names rules or correlations`,
        );
        return undefined;
      case "correlation": {
        if (visiting.has(doc)) {
          error(
            c,
            "CORRELATION_CYCLE",
            ref.at,
            `'${ref.text}' leads back to this correlation: correlations cannot refer to themselves`,
          );
          return undefined;
        }
        const inner = resolve(doc);
        if (inner === null) {
          error(
            c,
            "CORRELATION_REFERENCE_INVALID",
            ref.at,
            `correlation '${doc.title}' has errors (reported at its own position)`,
          );
          return undefined;
        }
        return { kind: "correlation", correlation: inner };
      }
    }
  };

  /** The alias definitions name only rules of this correlation. */
  const checkAliases = (c: SigmaCorrelation, docs: readonly Document[]): void => {
    for (const a of c.aliases) {
      for (const f of a.fields) {
        if (refIndex(c, docs, f.rule.text) === -1)
          error(
            c,
            "CORRELATION_BAD_ALIAS",
            f.rule.at,
            `alias '${a.alias.text}' names '${f.rule.text}', which is not one of this correlation's rules (${c.rules.map((r) => r.text).join(", ")})`,
          );
      }
    }
  };

  /** A group-by (or value) name → the field in the events of one reference. */
  const fieldFor = (
    c: SigmaCorrelation,
    name: Spanned,
    ref: Spanned,
    doc: Document,
    target: ResolvedTarget,
  ): string | undefined => {
    const alias = c.aliases.find((a) => a.alias.text === name.text);
    let field = name.text;
    let at = name.at;
    if (alias !== undefined) {
      const entry = alias.fields.find((f) => sameDocument(f.rule.text, ref.text, doc));
      if (entry === undefined) {
        error(
          c,
          "CORRELATION_ALIAS_INCOMPLETE",
          alias.alias.at,
          `alias '${alias.alias.text}' gives no field for rule '${ref.text}'`,
        );
        return undefined;
      }
      field = entry.field.text;
      at = entry.field.at;
    }
    if (target.kind === "correlation" && !target.correlation.groupBy.includes(field)) {
      const offered = target.correlation.groupBy;
      error(
        c,
        "CORRELATION_GROUP_BY_UNAVAILABLE",
        at,
        `'${field}' is not a group-by field of the referenced correlation '${ref.text}', so its matches have no such value (it groups by ${offered.length ? offered.join(", ") : "nothing"})`,
      );
      return undefined;
    }
    return field;
  };

  const resolved: ResolvedCorrelation[] = [];
  for (const c of correlations) {
    const r = resolve(c);
    if (r !== null) resolved.push(r);
  }
  return { correlations: resolved, notGenerated, diagnostics };

  function refIndex(c: SigmaCorrelation, docs: readonly Document[], text: string): number {
    return c.rules.findIndex((r, i) => sameDocument(text, r.text, docs[i]!));
  }
}

/** An alias key names a reference when it is the same text, or the name or id of its document. */
function sameDocument(key: string, ref: string, doc: Document): boolean {
  return (
    key === ref ||
    (doc.name !== undefined && key === doc.name) ||
    (doc.id !== undefined && key.toLowerCase() === doc.id.toLowerCase())
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

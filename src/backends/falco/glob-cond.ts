/**
 * A condition on one Falco string field built only from fnmatch globs and exact values: the
 * form in which numeric comparisons and IPv4 networks are written (number-glob.ts, cidr-glob.ts).
 * The printer renders it with the field's name; nothing here knows the field.
 */
export type GlobCond =
  | { readonly kind: "glob"; readonly glob: string }
  | { readonly kind: "equals"; readonly value: string }
  /** Every item holds. */
  | { readonly kind: "all"; readonly items: readonly GlobCond[] }
  /** Some item holds (never empty). */
  | { readonly kind: "any"; readonly items: readonly GlobCond[] }
  /** No item holds: `not (a or b or …)`. */
  | { readonly kind: "none"; readonly items: readonly GlobCond[] };

export const glob = (g: string): GlobCond => ({ kind: "glob", glob: g });
export const equals = (value: string): GlobCond => ({ kind: "equals", value });
export const all = (items: readonly GlobCond[]): GlobCond =>
  items.length === 1 ? items[0]! : { kind: "all", items };
export const any = (items: readonly GlobCond[]): GlobCond => {
  if (items.length === 0) throw new Error("internal: empty glob alternative");
  return items.length === 1 ? items[0]! : { kind: "any", items };
};
export const none = (items: readonly GlobCond[]): GlobCond => ({ kind: "none", items });

/** A glob bracket set for the digits lo..hi (a single digit needs no brackets). */
export function digitClass(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `[${lo}-${hi}]`;
}

/** `n` fnmatch `?`: n bytes. Used only where every byte is already known to be an ASCII digit. */
export const anyDigits = (n: number): string => "?".repeat(n);

/** A seeded sample (mulberry32 driving a partial Fisher–Yates shuffle), in id order. */
export function sample<T extends { id: number }>(
  items: readonly T[],
  n: number,
  seed: number,
): T[] {
  return shuffled(items, n, seed).sort((x, y) => x.id - y.id);
}

/**
 * The first `n` items of a seeded random order: every prefix of it is itself a random sample, so a
 * run stopped by its time budget has measured an unbiased part.
 */
export function shuffled<T>(items: readonly T[], n: number, seed: number): T[] {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...items];
  const k = Math.min(n, a.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

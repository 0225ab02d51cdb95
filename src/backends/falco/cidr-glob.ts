import { all, any, digitClass, glob, none, type GlobCond } from "./glob-cond.js";

/**
 * IPv4 networks over dotted-quad TEXT, as globs. The reference evaluator (src/sigma/eval-ip.ts)
 * reads a colon-free string as an IPv4 address only when it is four decimal octets 0-255 without
 * leading zeros, separated by single dots, nothing else. IPV4_TEXT says exactly that in globs, and
 * a network is IPV4_TEXT plus globs that fix its leading octets. Text with a colon (IPv6, and the
 * IPv4-mapped `::ffff:a.b.c.d` the evaluator also accepts) matches none of them: lower-values.ts
 * declares that and guards the effective IR accordingly.
 */
export const IPV4_TEXT: GlobCond = all([
  // exactly three dots
  glob("*.*.*.*"),
  none([
    glob("*.*.*.*.*"),
    // only digits and dots
    glob("*[!0-9.]*"),
    // no empty octet
    glob(".*"),
    glob("*."),
    glob("*..*"),
    // no leading zero
    glob("0[0-9]*"),
    glob("*.0[0-9]*"),
    // at most three digits per octet, and at most 255
    glob("*[0-9][0-9][0-9][0-9]*"),
    glob("[3-9][0-9][0-9]*"),
    glob("*.[3-9][0-9][0-9]*"),
    glob("2[6-9][0-9]*"),
    glob("*.2[6-9][0-9]*"),
    glob("25[6-9]*"),
    glob("*.25[6-9]*"),
  ]),
]);

/** Globs for the decimal octets lo..hi (0 <= lo <= hi <= 255), one whole octet each. */
export function octetRange(lo: number, hi: number): string[] {
  // Runs of values sharing all digits but the last, e.g. 16-19 → prefix "1", last 6..9.
  const runs: { prefix: string; a: number; b: number }[] = [];
  for (let v = lo; v <= hi; v++) {
    const s = String(v);
    const prefix = s.slice(0, -1);
    const d = Number(s[s.length - 1]);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.prefix === prefix && last.b === d - 1) last.b = d;
    else runs.push({ prefix, a: d, b: d });
  }
  // Consecutive full decades merge on their tens digit: 20-29, 30-39 → [2-3][0-9].
  const out: string[] = [];
  for (let i = 0; i < runs.length;) {
    const r = runs[i]!;
    const full = (x: (typeof runs)[number]): boolean => x.a === 0 && x.b === 9 && x.prefix !== "";
    if (!full(r)) {
      out.push(r.prefix + digitClass(r.a, r.b));
      i++;
      continue;
    }
    const head = r.prefix.slice(0, -1);
    const first = Number(r.prefix[r.prefix.length - 1]);
    let lastTens = first;
    let j = i + 1;
    for (; j < runs.length; j++) {
      const x = runs[j]!;
      if (!full(x) || x.prefix.slice(0, -1) !== head) break;
      if (Number(x.prefix[x.prefix.length - 1]) !== lastTens + 1) break;
      lastTens++;
    }
    out.push(`${head}${digitClass(first, lastTens)}[0-9]`);
    i = j;
  }
  return out;
}

/**
 * Globs that, on IPV4_TEXT, hold exactly for the addresses of network/prefix. `network` is the
 * canonical dotted quad with host bits cleared (src/sigma/cidr.ts).
 */
export function ipv4PrefixGlobs(network: string, prefix: number): string[] {
  const octets = network.split(".").map(Number);
  const whole = Math.floor(prefix / 8);
  const bits = prefix % 8;
  const fixed = octets.slice(0, whole).map(String);
  if (bits === 0) {
    if (whole === 4) return [network];
    return [whole === 0 ? "*" : `${fixed.join(".")}.*`];
  }
  const lo = octets[whole]!;
  const hi = lo + (1 << (8 - bits)) - 1;
  const head = fixed.length > 0 ? `${fixed.join(".")}.` : "";
  const tail = whole + 1 < 4 ? ".*" : "";
  return octetRange(lo, hi).map((o) => `${head}${o}${tail}`);
}

/** The networks (IPv4, canonical) as one condition on a string field. */
export function ipv4NetworksCond(
  networks: readonly { network: string; prefix: number }[],
): GlobCond {
  const globs = [...new Set(networks.flatMap((n) => ipv4PrefixGlobs(n.network, n.prefix)))];
  return globs.includes("*") ? IPV4_TEXT : all([IPV4_TEXT, any(globs.map(glob))]);
}

/**
 * CIDR values for the `cidr` modifier: parse IPv4 and IPv6 networks, validate them, and put them in
 * one canonical form (host bits cleared, IPv6 written as RFC 5952 says) so that every backend
 * receives the same network text.
 */

export interface Network {
  readonly version: 4 | 6;
  /** Canonical address text of the network (host bits cleared). */
  readonly network: string;
  readonly prefix: number;
}

export type CidrResult =
  { readonly ok: true; readonly value: Network } | { readonly ok: false; readonly reason: string };

export function parseCidr(text: string): CidrResult {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash < 0 ? undefined : trimmed.slice(slash + 1);
  const version = address.includes(":") ? 6 : 4;
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^[0-9]{1,3}$/.test(prefixText))
      return { ok: false, reason: `'${prefixText}' is not a prefix length` };
    prefix = Number(prefixText);
    if (prefix > bits)
      return { ok: false, reason: `prefix /${prefix} is longer than ${bits} bits` };
  }
  const groups = version === 4 ? parseIPv4(address) : parseIPv6(address);
  if (groups === undefined)
    return { ok: false, reason: `'${address}' is not an IPv${version} address` };
  const masked = mask(groups, version === 4 ? 8 : 16, prefix);
  const network = version === 4 ? masked.join(".") : formatIPv6(masked);
  return { ok: true, value: { version, network, prefix } };
}

/** Four octets, or undefined. Leading zeros are refused: some parsers read them as octal. */
export function parseIPv4(text: string): number[] | undefined {
  const pieces = text.split(".");
  if (pieces.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of pieces) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Eight 16-bit groups, or undefined. Accepts `::` and a trailing dotted IPv4 part. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length === 0) return undefined;
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    body = text.slice(0, lastColon + 1);
    // `::1.2.3.4` leaves `::`; `a::1.2.3.4` leaves `a::`; `a:b:...:1.2.3.4` leaves a trailing `:`.
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const double = body.split("::");
  if (double.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(double[0]!);
  if (head === undefined) return undefined;
  if (double.length === 1) {
    const all = [...head, ...tail];
    return all.length === 8 ? all : undefined;
  }
  const rest = parse(double[1]!);
  if (rest === undefined) return undefined;
  const given = head.length + rest.length + tail.length;
  if (given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

function mask(groups: readonly number[], width: number, prefix: number): number[] {
  return groups.map((g, i) => {
    const keep = Math.max(0, Math.min(width, prefix - i * width));
    const m = keep === 0 ? 0 : ((0xffff << (width - keep)) & ((1 << width) - 1)) >>> 0;
    return g & m;
  });
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

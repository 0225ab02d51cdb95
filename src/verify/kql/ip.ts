/**
 * IP addresses as Elasticsearch's `ip` field type holds them: every address is 128 bits, IPv4
 * addresses are stored as IPv4-mapped IPv6 (::ffff:a.b.c.d), so an IPv4 CIDR also matches the
 * mapped form of its addresses.
 */

export interface IpValue {
  readonly bits: bigint;
  readonly version: 4 | 6;
}

const V4_MAPPED = 0xffffn << 32n;

export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes("%")) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...left, ...new Array<string>(8 - total).fill("0"), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) out = (out & ~0xffffffffn) | tailV4;
  return out;
}

/** An address in 128-bit form, or undefined when the text is not an IP literal. */
export function parseIp(text: string): IpValue | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { bits: V4_MAPPED | v4, version: 4 };
  if (!text.includes(":")) return undefined;
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { bits: v6, version: 6 };
}

export interface IpRange {
  readonly bits: bigint;
  /** Prefix length in the 128-bit space. */
  readonly prefix: number;
}

/** `a.b.c.d`, `a.b.c.d/n`, `x::y`, `x::y/n` as Elasticsearch's ip term query reads them. */
export function parseIpOrCidr(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const addr = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (addr === undefined) return undefined;
  if (slash < 0) return { bits: addr.bits, prefix: 128 };
  const p = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
  const n = Number(p);
  const max = addr.version === 4 ? 32 : 128;
  if (n > max) return undefined;
  return { bits: addr.bits, prefix: addr.version === 4 ? 96 + n : n };
}

export function ipInRange(ip: IpValue, range: IpRange): boolean {
  const shift = BigInt(128 - range.prefix);
  return ip.bits >> shift === range.bits >> shift;
}

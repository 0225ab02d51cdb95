/**
 * IP addresses for the `cidr` test. Every address becomes eight 16-bit words; an IPv4 address
 * becomes its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) and an IPv4 network of prefix p the mapped
 * network of prefix 96 + p. So `::ffff:10.0.0.1` lies in 10.0.0.0/8, `10.0.0.1` lies in
 * `::ffff:0:0/96` and in `::/0`, and an IPv4 network never matches a non-mapped IPv6 address.
 * Accepted text: dotted quads without leading zeros; IPv6 with `::` and a dotted IPv4 tail; no
 * zone index (`%eth0`), no brackets, no surrounding space.
 */

export type Words = readonly number[];

function parseV4(text: string): number[] | undefined {
  const pieces = text.split(".");
  if (pieces.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of pieces) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const out: number[] = [];
  for (const g of text.split(":")) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseV6(text: string): number[] | undefined {
  let body = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) >= 0) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    body = text.slice(0, lastColon + 1);
    // "1::2:" + tail needs its separator kept; "::" + tail keeps the double colon.
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const gap = body.indexOf("::");
  if (gap >= 0) {
    if (body.indexOf("::", gap + 1) >= 0) return undefined;
    const head = parseGroups(body.slice(0, gap));
    const rest = parseGroups(body.slice(gap + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    return [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  }
  const groups = parseGroups(body);
  if (groups === undefined || groups.length + tail.length !== 8) return undefined;
  return [...groups, ...tail];
}

/** The address as eight words (IPv4 mapped), or undefined when the text is not an address. */
export function parseAddress(text: string): Words | undefined {
  if (text.includes(":")) return parseV6(text);
  const v4 = parseV4(text);
  if (v4 === undefined) return undefined;
  return [0, 0, 0, 0, 0, 0xffff, (v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
}

export interface Network {
  readonly words: Words;
  /** Prefix length over the 128-bit (mapped) address. */
  readonly bits: number;
}

/** The network of a cidr Test; undefined when its text is not an address of its version. */
export function parseNetwork(network: string, prefix: number, version: 4 | 6): Network | undefined {
  const words = parseAddress(network);
  if (words === undefined || network.includes(":") !== (version === 6)) return undefined;
  return { words, bits: version === 4 ? 96 + prefix : prefix };
}

export function inNetwork(address: Words, net: Network): boolean {
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, net.bits - 16 * i);
    if (bits <= 0) return true;
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if ((address[i]! & mask) !== (net.words[i]! & mask)) return false;
  }
  return true;
}

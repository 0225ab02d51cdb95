import { isIP } from "node:net";

/**
 * libsinsp's comparisons on fields that are not strings (sinsp_filtercheck.cpp flt_compare and the
 * value parser): numbers compare as numbers (a right-hand side that is not a number refuses the
 * rules file), IPADDR fields compare parsed addresses, IPNET fields (fd.net, fd.snet, fd.cnet…)
 * hold the address and match it against networks `a.b.c.d/n` (or a single address), and
 * fd.*ip.name compares whole domain names (resolved by Falco when it loads the rules; modelled as a
 * case-insensitive name comparison, see the syscall view).
 */
export class ValueRefused extends Error {}

export function parseNumber(text: string): number {
  const t = text.trim();
  if (!/^-?[0-9]+$/.test(t) && !/^0[xX][0-9a-fA-F]+$/.test(t))
    throw new ValueRefused(`'${text}' is not a number`);
  return Number(t);
}

/** The address as a BigInt over 128 bits (IPv4 as ::ffff:a.b.c.d), undefined when not an address. */
export function addressBits(text: string): { bits: bigint; v: 4 | 6 } | undefined {
  const kind = isIP(text);
  if (kind === 4) {
    const n = text.split(".").reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
    return { bits: (0xffffn << 32n) | n, v: 4 };
  }
  if (kind !== 6) return undefined;
  let s = text.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4[1]!.split(".").reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
    s = `${s.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head === "" || head === undefined ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return { bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), v: 6 };
}

export function parseAddress(text: string): bigint {
  const a = addressBits(text);
  if (a === undefined) throw new ValueRefused(`'${text}' is not an IP address`);
  return a.bits;
}

/** A network `addr/len` (or one address) as a membership test on 128-bit values. */
export function parseNetwork(text: string): (bits: bigint) => boolean {
  const [addr, len] = text.split("/");
  const a = addressBits(addr ?? "");
  if (a === undefined) throw new ValueRefused(`'${text}' is not an IP network`);
  const max = a.v === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!/^\d+$/.test(len ?? String(max)) || prefix > max)
    throw new ValueRefused(`'${text}' is not an IP network`);
  const bits = BigInt((a.v === 4 ? 96 : 0) + prefix);
  const shift = 128n - bits;
  return (x) => x >> shift === a.bits >> shift;
}

/**
 * IPv6 address text as cidrmatch() reads it (modelled): eight hex groups of 1–4 digits, one `::`
 * for a run of zero groups, an optional dotted IPv4 tail (no leading zeros); no zone, no brackets.
 */

function v4Tail(text: string): number[] | undefined {
  const p = text.split(".");
  if (p.length !== 4 || !p.every((x) => /^(0|[1-9]\d{0,2})$/.test(x) && Number(x) < 256))
    return undefined;
  const [a, b, c, d] = p.map(Number) as [number, number, number, number];
  return [a * 256 + b, c * 256 + d];
}

function groups(text: string): number[] | undefined {
  if (text === "") return [];
  const out: number[] = [];
  for (const g of text.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

export function parseIPv6Text(text: string): number[] | undefined {
  if (!text.includes(":")) return undefined;
  let head = text;
  let tail: number[] = [];
  const dot = text.lastIndexOf(":");
  if (text.slice(dot + 1).includes(".")) {
    const t = v4Tail(text.slice(dot + 1));
    if (t === undefined) return undefined;
    tail = t;
    head = text.slice(0, dot + 1);
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const gap = head.indexOf("::");
  if (gap < 0) {
    const g = groups(head);
    return g !== undefined && g.length + tail.length === 8 ? [...g, ...tail] : undefined;
  }
  if (head.indexOf("::", gap + 1) >= 0) return undefined;
  const left = groups(head.slice(0, gap));
  const right = groups(head.slice(gap + 2));
  if (left === undefined || right === undefined) return undefined;
  const zeros = 8 - left.length - right.length - tail.length;
  if (zeros < 1) return undefined;
  return [...left, ...new Array<number>(zeros).fill(0), ...right, ...tail];
}

export function inIPv6Network(
  address: readonly number[],
  network: readonly number[],
  prefix: number,
): boolean {
  for (let i = 0; i < 8; i++) {
    const take = Math.max(0, Math.min(16, prefix - 16 * i));
    const mask = take === 0 ? 0 : (0xffff << (16 - take)) & 0xffff;
    if ((address[i]! & mask) !== (network[i]! & mask)) return false;
  }
  return true;
}

/**
 * The runtime of a generated JS module: small helper functions, copied into the module as source
 * text (the module imports nothing). Each mirrors one piece of the reference evaluator
 * (src/sigma/eval-*.ts) exactly; test/backends/js.test.ts runs both on the same events.
 * Only the helpers a rule uses (and their dependencies) are emitted.
 * Each helper is written exactly as prettier prints it (babel, printWidth 100), so the runtime
 * section needs no formatting per module (test/backends/js-format.test.ts checks this).
 */

export type HelperName =
  | "$present"
  | "$some"
  | "$walk"
  | "$paths"
  | "$leaf"
  | "$keywordLeaf"
  | "$text"
  | "$lower"
  | "$startsWith"
  | "$endsWith"
  | "$includes"
  | "$glob"
  | "$searchText"
  | "$regex"
  | "$num"
  | "$bool"
  | "$address"
  | "$network"
  | "$cidr"
  | "$timePart"
  | "$ref";

interface Helper {
  readonly deps: readonly HelperName[];
  readonly code: string;
}

const HELPERS: Readonly<Record<HelperName, Helper>> = {
  $present: {
    deps: ["$walk", "$paths", "$keywordLeaf"],
    code: String.raw`
/** Some value at the field is present and not null (an array, even empty, is present). */
function $present(event, path) {
  if (path === null) return $keywordLeaf(event, () => true);
  return $walk(event, $paths(path), 0, null);
}`,
  },
  $some: {
    deps: ["$walk", "$paths", "$keywordLeaf"],
    code: String.raw`
/** test holds for some non-null leaf value at the field (path null: any string or number leaf). */
function $some(event, path, test) {
  if (path === null) return $keywordLeaf(event, test);
  return $walk(event, $paths(path), 0, test);
}`,
  },
  $paths: {
    deps: [],
    code: String.raw`
const $pathCache = new Map();

/** For each segment index, the dotted keys to try there (longest first) and the index after each. */
function $paths(path) {
  let candidates = $pathCache.get(path);
  if (candidates === undefined) {
    const segments = path.split(".");
    candidates = [];
    for (let i = 0; i < segments.length; i++) {
      const list = [];
      for (let j = segments.length; j > i; j--)
        list.push({ key: segments.slice(i, j).join("."), next: j });
      candidates.push(list);
    }
    $pathCache.set(path, candidates);
  }
  return candidates;
}`,
  },
  $walk: {
    deps: ["$leaf"],
    code: String.raw`
/**
 * The values of a dotted path (own keys only, longest literal key first, arrays traversed):
 * with test null, whether one is present and not null; otherwise whether test holds for a leaf.
 */
function $walk(node, candidates, i, test) {
  if (i === candidates.length) {
    return test === null ? node !== null && node !== undefined : $leaf(node, test);
  }
  if (Array.isArray(node)) {
    for (let k = 0; k < node.length; k++) if ($walk(node[k], candidates, i, test)) return true;
    return false;
  }
  if (typeof node !== "object" || node === null) return false;
  const list = candidates[i];
  for (let k = 0; k < list.length; k++) {
    const c = list[k];
    if (Object.hasOwn(node, c.key)) return $walk(node[c.key], candidates, c.next, test);
  }
  return false;
}`,
  },
  $leaf: {
    deps: [],
    code: String.raw`
/** Arrays at the end of a path are flattened; null leaves match nothing. */
function $leaf(value, test) {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) if ($leaf(value[k], test)) return true;
    return false;
  }
  return test(value);
}`,
  },
  $keywordLeaf: {
    deps: [],
    code: String.raw`
/** Keyword search: every string and number leaf of the event, at any depth (keys not searched). */
function $keywordLeaf(node, test) {
  if (typeof node === "string" || typeof node === "number") return test(node);
  if (Array.isArray(node)) {
    for (const item of node) if ($keywordLeaf(item, test)) return true;
    return false;
  }
  if (typeof node === "object" && node !== null) {
    for (const key of Object.keys(node)) if ($keywordLeaf(node[key], test)) return true;
  }
  return false;
}`,
  },
  $text: {
    deps: [],
    code: String.raw`
/** A leaf as text: strings as they are, numbers by String(n), booleans "true"/"false". */
function $text(value) {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      return undefined;
  }
}`,
  },
  $lower: {
    deps: ["$text"],
    code: String.raw`
/** Case-insensitive comparisons lower-case both sides. */
function $lower(value) {
  const text = $text(value);
  return text === undefined ? undefined : text.toLowerCase();
}`,
  },
  $startsWith: {
    deps: [],
    code: String.raw`
function $startsWith(text, prefix) {
  return typeof text === "string" && text.startsWith(prefix);
}`,
  },
  $endsWith: {
    deps: [],
    code: String.raw`
function $endsWith(text, suffix) {
  return typeof text === "string" && text.endsWith(suffix);
}`,
  },
  $includes: {
    deps: [],
    code: String.raw`
function $includes(text, infix) {
  return typeof text === "string" && text.includes(infix);
}`,
  },
  $glob: {
    deps: [],
    code: String.raw`
/**
 * Whole-value glob over code points: tokens are text, $ANY (any run) or $ONE (one code point).
 * On a mismatch, retry from the last $ANY one code point further: linear per retry, no blow-up.
 * ($ANY and $ONE are declared with the compiled values, before the patterns that use them.)
 */
function $glob(text, tokens) {
  if (typeof text !== "string") return false;
  let ti = 0;
  let vi = 0;
  let starTi = -1;
  let starVi = 0;
  for (;;) {
    if (ti < tokens.length) {
      const token = tokens[ti];
      if (token === $ANY) {
        if (ti === tokens.length - 1) return true;
        starTi = ti;
        starVi = vi;
        ti++;
        continue;
      }
      if (token === $ONE) {
        if (vi < text.length) {
          vi += $width(text, vi);
          ti++;
          continue;
        }
      } else if (text.startsWith(token, vi) && !$splitsPair(text, vi + token.length)) {
        vi += token.length;
        ti++;
        continue;
      }
    } else if (vi === text.length) {
      return true;
    }
    if (starTi < 0 || starVi >= text.length) return false;
    starVi += $width(text, starVi);
    vi = starVi;
    ti = starTi + 1;
  }
}

/** UTF-16 length of the code point at i. */
function $width(text, i) {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

/** True when position i falls between the halves of a surrogate pair. */
function $splitsPair(text, i) {
  if (i <= 0 || i >= text.length) return false;
  const c = text.charCodeAt(i - 1);
  const d = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
}`,
  },
  $searchText: {
    deps: [],
    code: String.raw`
/** Regex and timestamp tests read strings, and numbers by String(n). */
function $searchText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}`,
  },
  $regex: {
    deps: ["$searchText"],
    code: String.raw`
/** Unanchored search (the expression has no g or y flag, so test() keeps no state). */
function $regex(re, value) {
  const text = $searchText(value);
  return text !== undefined && re.test(text);
}`,
  },
  $num: {
    deps: [],
    code: String.raw`
/** A JSON number, or a string that is exactly a decimal number; NaN (compares false) otherwise. */
function $num(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(value)) {
    return Number(value);
  }
  return NaN;
}`,
  },
  $bool: {
    deps: [],
    code: String.raw`
/** A JSON boolean, or "true"/"false" in any case. */
function $bool(value) {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return undefined;
}`,
  },
  $address: {
    deps: [],
    code: String.raw`
/**
 * An IP address as eight 16-bit words; IPv4 becomes IPv4-mapped IPv6 (::ffff:a.b.c.d).
 * No leading zeros in IPv4, no zone index, no brackets. Undefined when not an address.
 */
function $address(text) {
  const v4 = (s) => {
    const pieces = s.split(".");
    if (pieces.length !== 4) return undefined;
    const out = [];
    for (const p of pieces) {
      if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
      out.push(Number(p));
    }
    return out;
  };
  const groups = (s) => {
    if (s === "") return [];
    const out = [];
    for (const g of s.split(":")) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (!text.includes(":")) {
    const q = v4(text);
    return q === undefined
      ? undefined
      : [0, 0, 0, 0, 0, 0xffff, (q[0] << 8) | q[1], (q[2] << 8) | q[3]];
  }
  let body = text;
  let tail = [];
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) >= 0) {
    const q = v4(text.slice(lastColon + 1));
    if (q === undefined) return undefined;
    tail = [(q[0] << 8) | q[1], (q[2] << 8) | q[3]];
    body = text.slice(0, lastColon + 1);
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const gap = body.indexOf("::");
  if (gap >= 0) {
    if (body.indexOf("::", gap + 1) >= 0) return undefined;
    const head = groups(body.slice(0, gap));
    const rest = groups(body.slice(gap + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    return [...head, ...new Array(fill).fill(0), ...rest, ...tail];
  }
  const all = groups(body);
  if (all === undefined || all.length + tail.length !== 8) return undefined;
  return [...all, ...tail];
}`,
  },
  $network: {
    deps: ["$address"],
    code: String.raw`
/** A network over mapped addresses: an IPv4 prefix p covers 96 + p bits. */
function $network(address, prefix, version) {
  return { words: $address(address), bits: version === 4 ? 96 + prefix : prefix };
}`,
  },
  $cidr: {
    deps: ["$address"],
    code: String.raw`
function $cidr(network, value) {
  if (typeof value !== "string") return false;
  const words = $address(value);
  if (words === undefined) return false;
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, network.bits - 16 * i);
    if (bits <= 0) return true;
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if ((words[i] & mask) !== (network.words[i] & mask)) return false;
  }
  return true;
}`,
  },
  $timePart: {
    deps: [],
    code: String.raw`
/**
 * A UTC part of an RFC 3339 date-time string (offset required; second 60 counts in its minute;
 * week is the ISO week); undefined when the value is not such a date-time.
 */
function $timePart(value, part) {
  if (typeof value !== "string") return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
      value,
    );
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offH = m[8] === undefined ? 0 : Number(m[8]);
  const offM = m[9] === undefined ? 0 : Number(m[9]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return undefined;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, Math.min(second, 59), 0);
  const sign = m[7] === "-" ? -1 : 1;
  const date = new Date(local.getTime() - sign * (offH * 60 + offM) * 60000);
  switch (part) {
    case "minute":
      return date.getUTCMinutes();
    case "hour":
      return date.getUTCHours();
    case "day":
      return date.getUTCDate();
    case "month":
      return date.getUTCMonth() + 1;
    case "year":
      return date.getUTCFullYear();
    case "week": {
      const thursday = new Date(0);
      thursday.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
      thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
      const jan1 = new Date(0);
      jan1.setUTCFullYear(thursday.getUTCFullYear(), 0, 1);
      return 1 + Math.floor((thursday.getTime() - jan1.getTime()) / (7 * 86400000));
    }
    default:
      return undefined;
  }
}`,
  },
  $ref: {
    deps: ["$text"],
    code: String.raw`
/** Field reference: the texts of two values, folded to lower case unless cased. */
function $ref(value, other, position, cased) {
  let a = $text(value);
  let b = $text(other);
  if (a === undefined || b === undefined) return false;
  if (!cased) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  switch (position) {
    case "equal":
      return a === b;
    case "startswith":
      return a.startsWith(b);
    case "endswith":
      return a.endsWith(b);
    default:
      return a.includes(b);
  }
}`,
  },
};

const ORDER = Object.keys(HELPERS) as HelperName[];

/** Every helper, in the order the runtime section lists them. */
export const HELPER_NAMES: readonly HelperName[] = ORDER;

/** The source of the given helpers and everything they use, in a fixed order. */
export function runtimeSource(used: Iterable<HelperName>): string {
  const need = new Set<HelperName>();
  const add = (name: HelperName): void => {
    if (need.has(name)) return;
    need.add(name);
    for (const d of HELPERS[name].deps) add(d);
  };
  for (const name of used) add(name);
  return ORDER.filter((n) => need.has(n))
    .map((n) => HELPERS[n].code.trim())
    .join("\n\n");
}

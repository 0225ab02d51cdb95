import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { scan, STDIN_NAME, type ScanOptions, type ScanRule } from "../../src/scan/scan.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { generateEvents } from "../bench/generate.js";
import { FAILED_REQUEST_RULE, TOKEN_REQUEST_RULE } from "../bench/rules.js";

const RULES: readonly ScanRule[] = [TOKEN_REQUEST_RULE, FAILED_REQUEST_RULE];
const dir = mkdtempSync(join(tmpdir(), "sigprism-scan-"));

interface Run {
  readonly matches: Map<string, number[]>;
  readonly malformed: [string, number, string][];
  readonly summary: Awaited<ReturnType<typeof scan>>;
}

async function run(
  inputs: string[],
  extra: Partial<ScanOptions> = {},
  rules = RULES,
): Promise<Run> {
  const matches = new Map<string, number[]>(rules.map((r) => [r.id, []]));
  const malformed: [string, number, string][] = [];
  const summary = await scan({
    rules,
    inputs,
    onMatch: (rule, _text, line) => matches.get(rule.id)!.push(line),
    onMalformed: (file, line, reason) => malformed.push([file, line, reason]),
    ...extra,
  });
  return { matches, malformed, summary };
}

/** Line numbers (1-based) on which the reference evaluator says yes, per rule. */
function expected(lines: readonly string[], rules = RULES): Map<string, number[]> {
  const out = new Map<string, number[]>(rules.map((r) => [r.id, []]));
  lines.forEach((line, i) => {
    const event: unknown = JSON.parse(line);
    for (const r of rules) if (evaluate(r.ir, event)) out.get(r.id)!.push(i + 1);
  });
  return out;
}

let lines: string[] = [];
let text = "";
let logPath = "";
let want = new Map<string, number[]>();

beforeAll(() => {
  lines = [...generateEvents({ events: 20_000, seed: 7, suspiciousShare: 0.01 })];
  text = lines.join("\n") + "\n";
  logPath = join(dir, "audit.ndjson");
  writeFileSync(logPath, text);
  want = expected(lines);
});

describe("scan agrees with the reference evaluator", () => {
  it("on a generated log: same matching lines for every rule, prefilter on and off", async () => {
    expect(want.get(TOKEN_REQUEST_RULE.id)!.length).toBeGreaterThan(100);
    expect(want.get(FAILED_REQUEST_RULE.id)!.length).toBeGreaterThan(20);
    for (const prefilter of [true, false]) {
      const { matches, malformed, summary } = await run([logPath], { prefilter });
      expect(matches).toEqual(want);
      expect(malformed).toEqual([]);
      expect(summary.lines).toBe(20_000);
      expect(summary.bytes).toBe(Buffer.byteLength(text));
      expect(summary.matches.map((m) => m.matches)).toEqual(
        RULES.map((r) => want.get(r.id)!.length),
      );
    }
  });

  it("parses only the lines the TokenRequest prefilter lets through", async () => {
    const { summary } = await run([logPath], {}, [TOKEN_REQUEST_RULE]);
    const tokenLines = lines.filter((l) => l.includes('"subresource":"token"')).length;
    expect(summary.parsed).toBe(tokenLines);
  });

  it("with blocks smaller than the file (line numbers carry across blocks)", async () => {
    // 9 files in a row: line numbers restart per file, counts add up.
    const { matches, summary } = await run([logPath, logPath, logPath]);
    const tripled = new Map([...want].map(([k, v]) => [k, [...v, ...v, ...v]]));
    expect(matches).toEqual(tripled);
    expect(summary.lines).toBe(60_000);
    expect(summary.files.map((f) => f.lines)).toEqual([20_000, 20_000, 20_000]);
  });
});

describe("inputs", () => {
  it("reads gzip by its magic bytes, whatever the name", async () => {
    const path = join(dir, "audit-compressed.log");
    writeFileSync(path, gzipSync(text));
    const { matches, summary } = await run([path]);
    expect(matches).toEqual(want);
    expect(summary.files[0]).toMatchObject({
      gzip: true,
      lines: 20_000,
      bytes: Buffer.byteLength(text),
    });
  });

  it("reports a truncated gzip file and keeps what was readable", async () => {
    const gz = gzipSync(text);
    const path = join(dir, "truncated.ndjson.gz");
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const { matches, summary } = await run([path]);
    const file = summary.files[0]!;
    expect(file.error).toMatch(/^gzip: /);
    expect(file.lines).toBeGreaterThan(1000);
    expect(file.lines).toBeLessThan(20_000);
    // Every match found is a real one, at its real line.
    for (const [id, found] of matches) {
      const real = want.get(id)!;
      expect(found).toEqual(real.filter((n) => n <= found[found.length - 1]!));
    }
  });

  it("reads standard input, plain and gzip", async () => {
    const chunks = (buf: Buffer): Readable =>
      Readable.from([buf.subarray(0, 12345), buf.subarray(12345)]);
    const plain = await run(["-"], { stdin: chunks(Buffer.from(text)) });
    expect(plain.matches).toEqual(want);
    expect(plain.summary.files[0]!.file).toBe(STDIN_NAME);
    const zipped = await run(["-"], { stdin: chunks(gzipSync(text)) });
    expect(zipped.matches).toEqual(want);
    expect(zipped.summary.files[0]!.gzip).toBe(true);
  });

  it("reports a missing file and goes on with the next", async () => {
    const { summary } = await run([join(dir, "nope.ndjson"), logPath]);
    expect(summary.files[0]!.error).toMatch(/ENOENT/);
    expect(summary.files[1]!.lines).toBe(20_000);
  });
});

describe("bad lines", () => {
  const suspicious = (): string =>
    lines.find((l) => l.includes('"username":"alice@example.com"') && l.includes('"code":201'))!;

  it("reports malformed lines with their numbers; blank lines are not events", async () => {
    const body = [
      suspicious(), // 1 matches
      "\u0000\u00ff\u0013garbage\u0001", // 2 binary
      '{"verb": "create"', // 3 cut short
      "[1, 2]", // 4 not an object
      "", // 5 blank
      "  \t ", // 6 blank
      "{not json}", // 7 object-shaped, invalid
      suspicious() + "\r", // 8 CRLF line, matches
    ].join("\n");
    const path = join(dir, "bad.ndjson");
    writeFileSync(
      path,
      Buffer.concat([Buffer.from(body), Buffer.from([0x0a, 0xff, 0xfe, 0x00, 0x7b])]),
    );
    // Exact: every line parsed.
    const exact = await run([path], { prefilter: false }, [TOKEN_REQUEST_RULE]);
    expect(exact.matches.get(TOKEN_REQUEST_RULE.id)).toEqual([1, 8]);
    expect(exact.malformed.map(([, n]) => n)).toEqual([2, 3, 4, 7, 9]);
    expect(exact.summary.lines).toBe(9);
    // With the prefilter, a rejected line is only shape-checked: "{not json}" passes for an object.
    const fast = await run([path], {}, [TOKEN_REQUEST_RULE]);
    expect(fast.matches.get(TOKEN_REQUEST_RULE.id)).toEqual([1, 8]);
    expect(fast.malformed.map(([f, n, reason]) => [f, n, reason])).toEqual([
      [path, 2, "not a JSON object"],
      [path, 3, "not a JSON object"],
      [path, 4, "not a JSON object"],
      [path, 9, "not a JSON object"],
    ]);
  });

  it("handles a 50 MB line that matches and a 50 MB line that is not JSON", async () => {
    const event = JSON.parse(suspicious()) as Record<string, unknown>;
    const huge = JSON.stringify({ ...event, padding: "p".repeat(50 << 20) });
    const path = join(dir, "huge.ndjson");
    writeFileSync(path, [lines[1], huge, "x".repeat(50 << 20), lines[2]].join("\n"));
    const { matches, malformed, summary } = await run([path], {}, [TOKEN_REQUEST_RULE]);
    expect(matches.get(TOKEN_REQUEST_RULE.id)).toEqual([2]);
    expect(malformed.map(([, n]) => n)).toEqual([3]);
    expect(summary.lines).toBe(4);
  });

  it("skips a line over the limit, reports it, and keeps later line numbers right", async () => {
    const path = join(dir, "overlong.ndjson");
    writeFileSync(path, [suspicious(), "y".repeat(3 << 20), suspicious()].join("\n") + "\n");
    const { matches, malformed, summary } = await run([path], { maxLineBytes: 1 << 20 }, [
      TOKEN_REQUEST_RULE,
    ]);
    expect(matches.get(TOKEN_REQUEST_RULE.id)).toEqual([1, 3]);
    expect(malformed.map(([, n, reason]) => [n, reason])).toEqual([
      [2, `line of ${3 << 20} bytes exceeds the line limit`],
    ]);
    expect(summary.lines).toBe(3);
  });
});

describe("worker threads (plain files cut into ranges at line boundaries)", () => {
  // Small ranges so that a 27 MB file becomes ~27 ranges, and lines straddle nominal cuts.
  const parallel = { workers: 2, workerChunkBytes: 1 << 20 } as const;

  it("report the same lines, in the same order, as one thread", async () => {
    const order: [string, number][] = [];
    const summary = await scan({
      rules: RULES,
      inputs: [logPath, logPath],
      onMatch: (rule, eventText, line, file) => {
        order.push([rule.id, line]);
        expect(eventText).toBe(lines[line - 1]);
        expect(file).toBe(logPath);
      },
      onMalformed: () => undefined,
      ...parallel,
    });
    const serial: [string, number][] = [];
    await scan({
      rules: RULES,
      inputs: [logPath, logPath],
      onMatch: (rule, _text, line) => serial.push([rule.id, line]),
      onMalformed: () => undefined,
    });
    expect(order).toEqual(serial);
    expect(summary.lines).toBe(40_000);
    expect(summary.bytes).toBe(2 * Buffer.byteLength(text));
    expect(summary.matches.map((m) => m.matches)).toEqual(
      RULES.map((r) => 2 * want.get(r.id)!.length),
    );
  });

  it("number malformed and overlong lines across ranges like one thread", async () => {
    const body: string[] = [];
    for (let i = 0; i < 3000; i++) {
      body.push(lines[i]!);
      if (i % 500 === 7) body.push("[1, 2]");
      if (i === 1200) body.push("z".repeat(3 << 20));
    }
    const path = join(dir, "mixed-ranges.ndjson");
    writeFileSync(path, body.join("\n"));
    const one = await run([path], { maxLineBytes: 2 << 20 });
    const two = await run([path], { maxLineBytes: 2 << 20, ...parallel });
    expect(two.malformed).toEqual(one.malformed);
    expect(two.matches).toEqual(one.matches);
    expect(two.summary.lines).toBe(body.length);
    // Junk after original lines 8, 508, 1008, 1508, 2008, 2508 and the long line after 1201,
    // each shifting the later ones by one.
    expect(one.malformed.map(([, n]) => n)).toEqual([9, 510, 1011, 1205, 1513, 2014, 2515]);
  });

  it("leave gzip and standard input to the calling thread", async () => {
    const path = join(dir, "audit-parallel.gz");
    writeFileSync(path, gzipSync(text));
    const { matches, summary } = await run([path], parallel);
    expect(matches).toEqual(want);
    expect(summary.files[0]!.gzip).toBe(true);
  });
});

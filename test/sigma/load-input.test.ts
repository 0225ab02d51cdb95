import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import {
  MAX_RULE_FILE_BYTES,
  firstInvalidUtf8,
  readRuleFile,
  sourceFromBytes,
  sourceFromText,
} from "../../src/sigma/read-input.js";

const where = (ds: readonly Diagnostic[]): string[] =>
  ds.map((d) => `${d.code} ${d.loc?.line}:${d.loc?.col}`);
const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))),
  );

const RULE = [
  "title: t",
  "logsource:",
  "  product: kubernetes",
  "detection:",
  "  selection:",
  "    verb: create",
  "  condition: selection",
  "",
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "sigprism-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading rule bytes", () => {
  it("rejects invalid UTF-8 at the line and column of the first bad byte", () => {
    const r = sourceFromBytes("r.yml", bytes("title: ok\ndescription: caf", [0xc3, 0x28], "\n"));
    expect(r.source).toBeUndefined();
    expect(where(r.diagnostics)).toEqual(["INPUT_INVALID_UTF8 2:17"]);
    expect(r.diagnostics[0]?.message).toContain("byte 0xc3 at byte offset 26");
  });

  it("counts columns in characters, not bytes, before the bad byte", () => {
    // "é" is two bytes but one column; the 0xff is the 15th character of line 1.
    const r = sourceFromBytes("r.yml", bytes("description: é", [0xff]));
    expect(where(r.diagnostics)).toEqual(["INPUT_INVALID_UTF8 1:15"]);
  });

  it("finds overlong encodings, surrogates and truncated sequences", () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from("é€😀", "utf8"))).toBeUndefined();
  });

  it("rejects a NUL byte at its position", () => {
    const r = sourceFromBytes("r.yml", bytes("title: a\nlevel: lo", [0], "w\n"));
    expect(where(r.diagnostics)).toEqual(["INPUT_NUL_BYTE 2:10"]);
  });

  it("rejects a NUL byte in text that did not come from a file", () => {
    const r = loadSigmaFile(sourceFromText("<stdin>", "title: a\u0000b\n"));
    expect(where(r.diagnostics)).toEqual(["INPUT_NUL_BYTE 1:9"]);
    expect(r.documents).toEqual([]);
  });

  it("rejects other control characters (binary garbage) with their code point", () => {
    const r = sourceFromBytes("r.yml", bytes("title: a", [0x1b], "[0m\n"));
    expect(where(r.diagnostics)).toEqual(["INPUT_CONTROL_CHAR 1:9"]);
    expect(r.diagnostics[0]?.message).toContain("U+001B");
  });

  it("strips a BOM and keeps positions right", () => {
    const text = "title: t\nlevel: hgh\n" + RULE.slice("title: t\n".length);
    for (const r of [
      sourceFromBytes("r.yml", bytes([0xef, 0xbb, 0xbf], text)),
      { source: sourceFromText("r.yml", "\ufeff" + text), diagnostics: [] },
    ]) {
      expect(r.diagnostics).toEqual([]);
      expect(r.source?.text.startsWith("title")).toBe(true);
      const loaded = loadSigmaFile(r.source!);
      expect(where(loaded.diagnostics)).toEqual(["RULE_BAD_LEVEL 2:8"]);
    }
  });

  it("accepts CRLF line ends, with positions right", () => {
    const good = loadSigmaFile(sourceFromText("r.yml", RULE.replace(/\n/g, "\r\n")));
    expect(good.diagnostics).toEqual([]);
    expect(good.documents[0]?.conditions[0]?.value).toBe("selection");
    const bad = loadSigmaFile(
      sourceFromText("r.yml", ("level: hgh\n" + RULE).replace(/\n/g, "\r\n")),
    );
    expect(where(bad.diagnostics)).toEqual(["RULE_BAD_LEVEL 1:8"]);
  });

  it("rejects more than 16 MiB", () => {
    const r = sourceFromBytes("big.yml", Buffer.alloc(MAX_RULE_FILE_BYTES + 1, 0x20));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["INPUT_TOO_LARGE"]);
    expect(r.source).toBeUndefined();
  });
});

describe("readRuleFile", () => {
  it("reads a rule file from disk", () => {
    const path = join(dir, "rule.yml");
    writeFileSync(path, RULE);
    const r = readRuleFile(path);
    expect(r.diagnostics).toEqual([]);
    expect(r.source).toEqual({ path, text: RULE });
  });

  it("reports invalid UTF-8 and NUL bytes in a file", () => {
    const bad = join(dir, "latin1.yml");
    writeFileSync(bad, bytes("title: Caf", [0xe9], "\n"));
    expect(where(readRuleFile(bad).diagnostics)).toEqual(["INPUT_INVALID_UTF8 1:11"]);
    const nul = join(dir, "binary.yml");
    writeFileSync(nul, bytes([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]));
    expect(readRuleFile(nul).diagnostics.map((d) => d.code)).toEqual(["INPUT_CONTROL_CHAR"]);
  });

  it("rejects a file over 16 MiB without reading it", () => {
    const path = join(dir, "huge.yml");
    writeFileSync(path, Buffer.alloc(MAX_RULE_FILE_BYTES + 1, 0x61));
    expect(readRuleFile(path).diagnostics.map((d) => d.code)).toEqual(["INPUT_TOO_LARGE"]);
  });

  it.skipIf(process.platform === "win32")("refuses a named pipe instead of blocking on it", () => {
    const fifo = join(dir, "pipe.yml");
    execFileSync("mkfifo", [fifo]);
    expect(readRuleFile(fifo).diagnostics.map((d) => d.code)).toEqual(["INPUT_NOT_A_FILE"]);
  });

  it("reports a missing file and a directory", () => {
    const missing = readRuleFile(join(dir, "nope.yml"));
    expect(missing.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["INPUT_READ_ERROR", "cannot open the file: no such file"],
    ]);
    expect(readRuleFile(dir).diagnostics.map((d) => d.code)).toEqual(["INPUT_NOT_A_FILE"]);
  });
});

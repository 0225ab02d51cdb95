import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import type { Diagnostic } from "../diagnostics.js";
import type { Loc, SourceFile } from "../source.js";

/**
 * Turns bytes on disk (or text from stdin) into a SourceFile, refusing input that is not text:
 * a rule file is UTF-8 YAML, and anything else is reported at the first offending byte before
 * the YAML parser sees it.
 */

export interface ReadResult {
  readonly source?: SourceFile;
  readonly diagnostics: Diagnostic[];
}

/** Sigma rules are a few KiB; anything this large is a mistake (or an attack on memory). */
export const MAX_RULE_FILE_BYTES = 16 * 1024 * 1024;

export const INPUT_CODES = [
  "INPUT_READ_ERROR",
  "INPUT_NOT_A_FILE",
  "INPUT_TOO_LARGE",
  "INPUT_INVALID_UTF8",
  "INPUT_NUL_BYTE",
  "INPUT_CONTROL_CHAR",
] as const;
export type InputCode = (typeof INPUT_CODES)[number];

export function readRuleFile(path: string): ReadResult {
  // Check before opening: opening a named pipe would block until someone writes to it.
  try {
    if (!statSync(path).isFile()) {
      return failure(path, "INPUT_NOT_A_FILE", "not a regular file (a directory, device or pipe?)");
    }
  } catch (e) {
    return failure(path, "INPUT_READ_ERROR", `cannot open the file: ${errorText(e)}`);
  }
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    return failure(path, "INPUT_READ_ERROR", `cannot open the file: ${errorText(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      return failure(path, "INPUT_NOT_A_FILE", "not a regular file (a directory, device or pipe?)");
    }
    if (stat.size > MAX_RULE_FILE_BYTES) return tooLarge(path, stat.size);
    // Read at most one byte past the limit: the file may have grown since fstat.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_RULE_FILE_BYTES) return tooLarge(path, length);
    return sourceFromBytes(path, buffer.subarray(0, length));
  } catch (e) {
    return failure(path, "INPUT_READ_ERROR", `cannot read the file: ${errorText(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** Bytes from anywhere (a file, stdin): UTF-8 checked, BOM stripped, control characters refused. */
export function sourceFromBytes(path: string, bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_RULE_FILE_BYTES) return tooLarge(path, bytes.length);
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) {
    // The valid prefix decodes exactly, so its length in UTF-16 units gives line and column.
    const prefix = Buffer.from(bytes.buffer, bytes.byteOffset, bad).toString("utf8");
    const byte = bytes[bad] ?? 0;
    return failure(
      path,
      "INPUT_INVALID_UTF8",
      `the file is not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, "0")} at byte offset ${bad}); ` +
        "save it as UTF-8",
      locAtEnd(stripBom(prefix)),
    );
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
  const source = sourceFromText(path, text);
  const problem = checkText(source);
  return problem === undefined ? { source, diagnostics: [] } : { diagnostics: [problem] };
}

/**
 * Text already decoded (stdin, tests) as a SourceFile: a leading BOM is dropped, and a lone CR
 * (old Mac line ends) becomes LF. YAML reads a lone CR as a line break but `locate` counts only
 * LF, so without this every position in such a file would be "line 1". The swap keeps every
 * offset and does not change what YAML reads (it normalizes line breaks to LF anyway).
 */
export function sourceFromText(path: string, text: string): SourceFile {
  return { path, text: stripBom(text).replace(/\r(?!\n)/g, "\n") };
}

/**
 * Why a decoded text cannot be a rule file (too large, NUL byte, control character), or undefined.
 * loadSigmaFile runs this too, so text that never went through readRuleFile is held to the same rules.
 */
export function checkText(source: SourceFile): Diagnostic | undefined {
  const { path, text } = source;
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short texts skip the byte count.
  if (text.length > MAX_RULE_FILE_BYTES / 3) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > MAX_RULE_FILE_BYTES) return tooLarge(path, size).diagnostics[0];
  }
  const bad = firstNonPrintable(text);
  if (bad === undefined) return undefined;
  const code = text.charCodeAt(bad);
  const loc = locAtEnd(text.slice(0, bad));
  if (code === 0) {
    return diagnostic(
      path,
      "INPUT_NUL_BYTE",
      "the file contains a NUL byte: it is binary, not a YAML text",
      loc,
    );
  }
  return diagnostic(
    path,
    "INPUT_CONTROL_CHAR",
    `the file contains the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}, ` +
      "which YAML does not allow in a text; write it as an escape inside a double-quoted string",
    loc,
  );
}

function stripBom(text: string): string {
  // Positions are computed on the text without the BOM, so line 1 column 1 is the first real character.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), or undefined.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      // Report the lead byte: that is where the broken character starts.
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return undefined;
}

/**
 * YAML 1.2 c-printable: tab, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD and astral planes.
 * A lone surrogate cannot come from valid UTF-8 but can from stdin text, so it is refused too.
 */
function firstNonPrintable(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x85) continue;
    if (c >= 0xa0 && c <= 0xd7ff) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return undefined;
}

function locAtEnd(prefix: string): Loc {
  const lastBreak = prefix.lastIndexOf("\n");
  let line = 1;
  for (let i = 0; i < prefix.length; i++) if (prefix.charCodeAt(i) === 10) line++;
  return { offset: prefix.length, length: 1, line, col: prefix.length - lastBreak };
}

function tooLarge(path: string, size: number): ReadResult {
  return failure(
    path,
    "INPUT_TOO_LARGE",
    `the file is ${size} bytes; a rule file may be at most ${MAX_RULE_FILE_BYTES} bytes (16 MiB)`,
  );
}

function failure(path: string, code: InputCode, message: string, loc?: Loc): ReadResult {
  return { diagnostics: [diagnostic(path, code, message, loc)] };
}

function diagnostic(path: string, code: InputCode, message: string, loc?: Loc): Diagnostic {
  return loc === undefined
    ? { severity: "error", code, message, file: path }
    : { severity: "error", code, message, file: path, loc };
}

function errorText(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  if (err.code === "ENOENT") return "no such file";
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  if (err.code === "EISDIR") return "it is a directory";
  return typeof err.message === "string" ? err.message : String(e);
}

import { FALCO } from "./dialect.js";
import { escapeRuns } from "../escape.js";

/**
 * Falco string constants as libsinsp reads them: a "…" string (FALCO's escapes) or a bare list
 * item, each at most 255 bytes; what cannot be one is refused before any text is written.
 */

/**
 * libsinsp keeps a string constant in a 256-byte buffer: a longer one refuses the whole rules
 * file. Thrown by quote(); the printer turns it into a diagnostic at the predicate.
 */
export const MAX_CONSTANT_BYTES = 255;

export class ConstantTooLong extends Error {}

/** Whether a value can be a "…" string: no NUL, and no trailing backslash (it would escape the quote). */
export function quotable(s: string): boolean {
  return !s.includes("\0") && !s.endsWith("\\");
}

/** Whether the value fits one libsinsp string constant. */
export function fitsConstant(s: string): boolean {
  return Buffer.byteLength(s, "utf8") <= MAX_CONSTANT_BYTES;
}

/** A libsinsp double-quoted string. */
export function quote(s: string): string {
  if (!quotable(s))
    throw new Error(`internal: value cannot be a Falco string: ${JSON.stringify(s)}`);
  if (Buffer.byteLength(s, "utf8") > MAX_CONSTANT_BYTES)
    throw new ConstantTooLong(
      `a Falco string constant holds at most ${MAX_CONSTANT_BYTES} bytes; this one needs ${Buffer.byteLength(s, "utf8")}`,
    );
  return FALCO.quote + escapeRuns(s, FALCO.escapes) + FALCO.quote;
}

/** A list item: quoted when possible, else bare (libsinsp bare strings may end in a backslash). */
export function listItem(s: string): string {
  if (quotable(s)) return quote(s);
  if (Buffer.byteLength(s, "utf8") > MAX_CONSTANT_BYTES)
    throw new ConstantTooLong(`a Falco list item holds at most ${MAX_CONSTANT_BYTES} bytes`);
  if (/^[^()"'\s=,\0]+$/.test(s)) return s;
  throw new Error(`internal: value cannot be a Falco list item: ${JSON.stringify(s)}`);
}

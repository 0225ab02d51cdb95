import type { FileHandle } from "node:fs/promises";

/**
 * Cuts a plain file into byte ranges that start at line starts, so that every line lies in
 * exactly one range and scanning the ranges one after another sees the same lines as scanning
 * the file. A nominal cut moves forward to just after the next newline; a line longer than a
 * chunk simply makes its range longer.
 */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

const PROBE_BYTES = 64 << 10;

export async function splitAtLines(
  handle: FileHandle,
  size: number,
  chunkBytes: number,
): Promise<ByteRange[]> {
  const ranges: ByteRange[] = [];
  const probe = Buffer.allocUnsafe(PROBE_BYTES);
  let start = 0;
  while (start < size) {
    const nominal = start + chunkBytes;
    if (nominal >= size) break;
    const cut = await nextLineStart(handle, nominal, size, probe);
    if (cut >= size) break;
    ranges.push({ start, end: cut });
    start = cut;
  }
  if (start < size) ranges.push({ start, end: size });
  return ranges;
}

/** The position just after the first newline at or after `from` (size when there is none). */
async function nextLineStart(
  handle: FileHandle,
  from: number,
  size: number,
  probe: Buffer,
): Promise<number> {
  let position = from;
  while (position < size) {
    const { bytesRead } = await handle.read(probe, 0, probe.length, position);
    if (bytesRead === 0) return size;
    const nl = probe.subarray(0, bytesRead).indexOf(10);
    if (nl !== -1) return position + nl + 1;
    position += bytesRead;
  }
  return size;
}

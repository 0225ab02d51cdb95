import { closeSync, openSync, readSync } from "node:fs";

/**
 * The bench's naive-scanner baseline, run as its own process like the CLI: read the NDJSON file in
 * 1 MiB chunks, JSON.parse every line, count the objects. `node dist/test/bench/parse-loop.js <log>`.
 */

function parseAll(path: string): number {
  const fd = openSync(path, "r");
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.alloc(0);
  let objects = 0;
  const line = (buf: Buffer, start: number, end: number): void => {
    if (end > start && JSON.parse(buf.toString("utf8", start, end)) !== null) objects++;
  };
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const buf =
        carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        line(buf, start, nl);
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
    }
    line(carry, 0, carry.length);
  } finally {
    closeSync(fd);
  }
  return objects;
}

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write("usage: parse-loop <ndjson file>\n");
  process.exitCode = 2;
} else {
  process.stdout.write(`${parseAll(path)}\n`);
}

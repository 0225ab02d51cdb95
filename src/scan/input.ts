import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

/**
 * Byte sources for the scanner: a plain file is read straight into the scanner's buffer (no copy);
 * gzip (recognised by its magic bytes 1f 8b, whatever the file is called) and standard input are
 * streams whose chunks are copied in. A source never throws: a read error or a truncated/corrupt
 * gzip ends the source, and `error` says why.
 */
export interface ByteSource {
  /** Reads up to `length` bytes into `into` at `offset`; 0 means the end. */
  read(into: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  readonly gzip: boolean;
  /** Why the source ended early, if it did. */
  readonly error: string | undefined;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export async function openSource(input: string, stdin: Readable): Promise<ByteSource> {
  if (input === "-") return streamSource(stdin, null);
  const handle = await open(input, "r");
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  if (bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
    const stream = handle.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: true });
    return streamSource(stream, handle);
  }
  return fileSource(handle);
}

function fileSource(handle: FileHandle): ByteSource {
  let error: string | undefined;
  return {
    gzip: false,
    get error() {
      return error;
    },
    async read(into, offset, length) {
      try {
        const { bytesRead } = await handle.read(into, offset, length, null);
        return bytesRead;
      } catch (e) {
        error = messageOf(e);
        return 0;
      }
    },
    close: () => handle.close(),
  };
}

/**
 * A stream source. The first chunk decides whether the bytes are gzip; if so they are piped
 * through gunzip (which also reads concatenated gzip members, as `cat a.gz b.gz` produces).
 */
function streamSource(input: Readable, handle: FileHandle | null): ByteSource {
  let error: string | undefined;
  let gzip = false;
  let iterator: AsyncIterator<Buffer> | null = null;
  let pending: Buffer | null = null;
  let done = false;

  const start = async (): Promise<AsyncIterator<Buffer>> => {
    const raw = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await raw.next();
    if (first.done === true) {
      done = true;
      return raw;
    }
    const head = toBuffer(first.value);
    if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
      gzip = true;
      async function* all(): AsyncGenerator<Buffer> {
        yield head;
        for (;;) {
          const next = await raw.next();
          if (next.done === true) return;
          yield toBuffer(next.value);
        }
      }
      const gunzip = createGunzip();
      // pipeline destroys gunzip with the first error, which its iterator then throws.
      pipeline(Readable.from(all()), gunzip).catch(() => undefined);
      return gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    }
    pending = head;
    return raw;
  };

  return {
    get gzip() {
      return gzip;
    },
    get error() {
      return error;
    },
    async read(into, offset, length) {
      try {
        if (iterator === null) iterator = await start();
        while (pending === null || pending.length === 0) {
          if (done) return 0;
          const next = await iterator.next();
          if (next.done === true) {
            done = true;
            return 0;
          }
          pending = toBuffer(next.value);
        }
        const n = Math.min(length, pending.length);
        pending.copy(into, offset, 0, n);
        pending = pending.subarray(n);
        return n;
      } catch (e) {
        error = gzip ? `gzip: ${messageOf(e)}` : messageOf(e);
        done = true;
        return 0;
      }
    },
    async close() {
      if (handle !== null) await handle.close().catch(() => undefined);
    },
  };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  throw new Error("input stream yielded a non-byte chunk");
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Bytes [start, end) of a plain file, read with positional reads (so several sources can share
 * one file). The caller owns the handle.
 */
export function rangeSource(handle: FileHandle, start: number, end: number): ByteSource {
  let error: string | undefined;
  let position = start;
  return {
    gzip: false,
    get error() {
      return error;
    },
    async read(into, offset, length) {
      const n = Math.min(length, end - position);
      if (n <= 0) return 0;
      try {
        const { bytesRead } = await handle.read(into, offset, n, position);
        position += bytesRead;
        return bytesRead;
      } catch (e) {
        error = messageOf(e);
        return 0;
      }
    },
    close: async () => undefined,
  };
}

/** The size of a plain (not gzip) regular file, or null for anything else (gzip, missing, a pipe). */
export async function plainFileSize(input: string): Promise<number | null> {
  if (input === "-") return null;
  let handle: FileHandle;
  try {
    handle = await open(input, "r");
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    const gzip = bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    return gzip ? null : stat.size;
  } finally {
    await handle.close();
  }
}

/** A text with its name; line and column are computed only when something is reported. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** A position inside a SourceFile, 1-based line and column (columns count UTF-16 units). */
export interface Loc {
  /** The file, when it may differ from the one being compiled (a site filter's predicates). */
  readonly file?: string;
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly col: number;
}

const lineStartCache = new WeakMap<SourceFile, number[]>();

function lineStarts(file: SourceFile): number[] {
  let starts = lineStartCache.get(file);
  if (starts === undefined) {
    starts = [0];
    const text = file.text;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    lineStartCache.set(file, starts);
  }
  return starts;
}

export function locate(file: SourceFile, offset: number, length = 0): Loc {
  const starts = lineStarts(file);
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= clamped) lo = mid;
    else hi = mid - 1;
  }
  return { offset: clamped, length, line: lo + 1, col: clamped - (starts[lo] ?? 0) + 1 };
}

/** The text of the 1-based line, without its line break. */
export function sourceLine(file: SourceFile, line: number): string {
  const starts = lineStarts(file);
  const start = starts[line - 1];
  if (start === undefined) return "";
  const next = starts[line];
  const end = next === undefined ? file.text.length : next - 1;
  return file.text.slice(start, end).replace(/\r$/, "");
}

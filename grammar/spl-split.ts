import { Lexer, createToken } from "./chevrotain.js";

/**
 * How an SPL pipeline splits into commands: at the pipes that stand outside strings, quoted fields
 * and `[...]` subsearches; and the `[...]` groups of a multisearch command. The commands are read
 * by grammar/spl.ts (the base search) and grammar/spl-stats.ts (the aggregation commands).
 */

const Split = {
  DQ: createToken({ name: "DQ", pattern: /"(?:[^"\\]|\\[\s\S])*"/ }),
  SQ: createToken({ name: "SQ", pattern: /'(?:[^'\\]|\\[\s\S])*'/ }),
  Open: createToken({ name: "Open", pattern: /\[/ }),
  Close: createToken({ name: "Close", pattern: /\]/ }),
  Pipe: createToken({ name: "Pipe", pattern: /\|/ }),
  Other: createToken({ name: "Other", pattern: /[^"'[\]|]+/ }),
} as const;

const splitLexer = new Lexer(Object.values(Split), { positionTracking: "onlyOffset" });

export interface Segment {
  readonly text: string;
  /** Offset of `text` in the whole pipeline. */
  readonly offset: number;
}

export interface SplitResult {
  readonly segments: readonly Segment[];
  readonly error?: { readonly message: string; readonly offset: number };
}

/** The commands of a pipeline (a leading `|` gives an empty first segment, which is dropped). */
export function splitCommands(text: string, base = 0): SplitResult {
  const lexed = splitLexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad !== undefined)
    return {
      segments: [],
      error: { message: "unterminated string or field name", offset: base + bad.offset },
    };
  const segments: Segment[] = [];
  let depth = 0;
  let start = 0;
  const cut = (end: number): void => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim() !== "") segments.push({ text: raw.trim(), offset: base + start + lead });
  };
  for (const t of lexed.tokens) {
    if (t.tokenType === Split.Open) depth++;
    else if (t.tokenType === Split.Close) {
      depth--;
      if (depth < 0)
        return {
          segments: [],
          error: { message: "']' without '['", offset: base + t.startOffset },
        };
    } else if (t.tokenType === Split.Pipe && depth === 0) {
      cut(t.startOffset);
      start = t.startOffset + 1;
    }
  }
  if (depth !== 0)
    return { segments: [], error: { message: "'[' without ']'", offset: base + text.length } };
  cut(text.length);
  return { segments };
}

/** The `[...]` groups of a multisearch command, each as the text inside the brackets. */
export function bracketGroups(text: string, base = 0): SplitResult {
  const lexed = splitLexer.tokenize(text);
  const groups: Segment[] = [];
  let depth = 0;
  let start = -1;
  for (const t of lexed.tokens) {
    if (t.tokenType === Split.Open) {
      if (depth === 0) start = t.startOffset + 1;
      depth++;
    } else if (t.tokenType === Split.Close) {
      depth--;
      if (depth === 0)
        groups.push({ text: text.slice(start, t.startOffset), offset: base + start });
    } else if (depth === 0 && t.image.trim() !== "") {
      return {
        segments: [],
        error: {
          message: "only [subsearch] groups may follow multisearch",
          offset: base + t.startOffset,
        },
      };
    }
  }
  if (depth !== 0 || lexed.errors.length > 0)
    return {
      segments: [],
      error: { message: "unbalanced brackets or quotes", offset: base + text.length },
    };
  return { segments: groups };
}

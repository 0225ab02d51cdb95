/**
 * The pipelines' "Windows-like SplitCommandLine" script (process.args): Go's commandLineToArgv
 * with the pre-2008 rule for a doubled quote inside quotes. Arguments split on unquoted spaces and
 * tabs; backslashes are literal unless they precede a quote, where each pair is one backslash and
 * an odd one escapes the quote.
 */

function readNextArg(cmd: string, start: number): { arg: string; next: number } {
  let b = "";
  let inQuote = false;
  let slashes = 0;
  let i = start;
  for (; i < cmd.length; i++) {
    const c = cmd[i]!;
    if ((c === " " || c === "\t") && !inQuote) {
      return { arg: b + "\\".repeat(slashes), next: i + 1 };
    }
    if (c === '"') {
      b += "\\".repeat(Math.floor(slashes / 2));
      if (slashes % 2 === 0) {
        if (inQuote && cmd[i + 1] === '"') {
          b += c;
          i++;
        }
        inQuote = !inQuote;
      } else b += c;
      slashes = 0;
      continue;
    }
    if (c === "\\") {
      slashes++;
      continue;
    }
    b += "\\".repeat(slashes) + c;
    slashes = 0;
  }
  return { arg: b + "\\".repeat(slashes), next: i };
}

export function commandLineToArgv(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    if (cmd[i] === " " || cmd[i] === "\t") {
      i++;
      continue;
    }
    const { arg, next } = readNextArg(cmd, i);
    args.push(arg);
    i = next;
  }
  return args;
}

import { TARGET_OPTIONS, type OptionType } from "../backends/options.js";
import { loadTarget } from "../targets/load.js";
import { TARGET_NAMES } from "../targets/types.js";
import { EXIT_OK, writeStdout } from "./io.js";
import { EXTENSIONS } from "./outputs.js";
import { renderTable } from "./table.js";

/**
 * `sigprism list targets|formats|options|pipelines`, as a table or JSON (sigma-cli users look
 * here first). `list pipelines` is `sigprism pipelines`.
 */

function typeText(t: OptionType): string {
  switch (t.kind) {
    case "text":
      return `text, e.g. ${t.example}`;
    case "list":
      return `comma list, e.g. ${t.example}`;
    case "choice":
      return t.values.join("|");
    case "integer":
      return `${t.min}..${t.max}`;
    case "pattern":
      return `e.g. ${t.example}`;
  }
}

export async function run(args: Record<string, unknown>): Promise<number> {
  const what = args.what as "targets" | "formats" | "options" | "pipelines";
  if (what === "pipelines") return (await import("./pipelines.js")).run(args);
  const json = args.json === true;
  const configs = TARGET_NAMES.map(loadTarget);
  let header: string[];
  let rows: string[][];
  switch (what) {
    case "targets":
      header = ["target", "default format", "description"];
      rows = configs.map((c) => [c.name, c.defaultFormat, c.description]);
      break;
    case "formats":
      header = ["target", "format", "default", "file name (-o DIR/)"];
      rows = configs.flatMap((c) =>
        c.formats.map((f) => [
          c.name,
          f,
          f === c.defaultFormat ? "yes" : "",
          `<rule>.${c.name}${EXTENSIONS[`${c.name}/${f}`] ?? `.${f}`}`,
        ]),
      );
      break;
    case "options":
      header = ["target", "option", "value", "what it sets"];
      rows = TARGET_NAMES.flatMap((t) =>
        TARGET_OPTIONS[t].map((o) => [t, o.key, typeText(o.type), o.describe]),
      );
      break;
  }
  if (json)
    writeStdout(
      JSON.stringify(
        rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))),
        null,
        2,
      ),
    );
  else writeStdout(renderTable(header, rows));
  return EXIT_OK;
}

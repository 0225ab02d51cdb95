import { capabilityMatrix, CAPABILITY_LABEL } from "../capabilities.js";
import { backendFor } from "../backends/registry.js";
import { builtinPipelines } from "../pipelines/builtins.js";
import { loadTarget } from "../targets/load.js";
import { TARGET_NAMES } from "../targets/types.js";
import { EXIT_OK, EXIT_USAGE, writeStdout } from "./io.js";
import { renderTable } from "./table.js";

export async function run(args: Record<string, unknown>): Promise<number> {
  const configs = TARGET_NAMES.map(loadTarget);
  // The logsources each target knows without -p: its default built-in pipelines' items.
  const known = (t: string): Record<string, string>[] =>
    builtinPipelines()
      .filter((p) => p.default)
      .flatMap((p) => p.items.filter((i) => i.targets.includes(t as never)))
      .map((i) => ({ ...i.logsource }));
  const matrix = capabilityMatrix();
  if (args.json) {
    writeStdout(
      JSON.stringify(
        {
          targets: configs.map((c) => ({
            name: c.name,
            description: c.description,
            formats: c.formats,
            defaultFormat: c.defaultFormat,
            logsources: known(c.name),
          })),
          capabilities: matrix.map((m) => ({
            construct: m.construct,
            ...Object.fromEntries(Object.entries(m.cells).map(([t, e]) => [t, e ?? null])),
          })),
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  const only = args.target as string | undefined;
  if (only !== undefined) {
    const t = TARGET_NAMES.find((n) => n === only);
    if (!t) {
      process.stderr.write(
        `sigprism: error USAGE: unknown target '${only}' (targets: ${TARGET_NAMES.join(", ")})\n`,
      );
      return EXIT_USAGE;
    }
    const languages = backendFor(t).languages;
    if (languages === undefined) {
      writeStdout(`${t}: how each construct is said\n`);
      writeStdout(
        renderTable(
          ["construct", "rating", "how"],
          matrix.map((m) => [m.construct, m.cells[t]?.capability ?? "?", m.cells[t]?.how ?? ""]),
        ),
      );
    } else {
      writeStdout(`${t}: ${languages.map((l) => l.name).join(", ")} (chosen by --format)\n\n`);
      for (const l of languages)
        writeStdout(`${l.name} (--format ${l.formats.join(" | ")}): ${l.when}\n\n`);
      const rating = (l: (typeof languages)[number], c: string): string =>
        l.capabilities.find((e) => e.construct === c)?.capability ?? "?";
      writeStdout(
        renderTable(
          ["construct", ...languages.map((l) => l.name)],
          matrix.map((m) => [m.construct, ...languages.map((l) => rating(l, m.construct))]),
        ),
      );
      for (const l of languages) {
        writeStdout(`\n${l.name}: how each construct is said\n`);
        writeStdout(
          renderTable(
            ["construct", "rating", "how"],
            l.capabilities.map((e) => [e.construct, e.capability, e.how]),
          ),
        );
      }
    }
    const notes = backendFor(t).dataNotes;
    if (notes.length > 0) {
      writeStdout(`\nwhat ${t}'s data cannot show, for every rule (data notes):`);
      for (const n of notes) writeStdout(`  ${n.code}: ${n.message}`);
    }
    return EXIT_OK;
  }
  writeStdout(
    renderTable(
      ["target", "formats (default first)", "logsources", "description"],
      configs.map((c) => [
        c.name,
        [c.defaultFormat, ...c.formats.filter((f) => f !== c.defaultFormat)].join(", "),
        known(c.name)
          .map((l) => Object.values(l).join("/"))
          .join(", ") || "(pass-through)",
        c.description,
      ]),
    ),
  );
  writeStdout(
    "\ncapability matrix (exact: said as is; encoded: exact by another encoding; deviation: declared fidelity diagnostic; unsupported: error):\n",
  );
  writeStdout(
    renderTable(
      ["construct", ...TARGET_NAMES],
      matrix.map((m) => [
        m.construct,
        ...TARGET_NAMES.map((t) => (m.cells[t] ? CAPABILITY_LABEL[m.cells[t]!.capability] : "?")),
      ]),
    ),
  );
  return EXIT_OK;
}

import { builtinPipelines, pipelinesFromArgs } from "../pipelines/builtins.js";
import type { Pipeline } from "../pipelines/types.js";
import { EXIT_FAILURE, EXIT_OK, reportDiagnostics, writeStdout } from "./io.js";
import { renderTable } from "./table.js";

/**
 * `sigprism pipelines`: the built-in processing pipelines with the targets and logsources they
 * cover; `-p FILE` validates the user's own files and lists them too (after the built-ins).
 */

function logsources(p: Pipeline): string[] {
  const out: string[] = [];
  for (const item of p.items) {
    const ls = [item.logsource.product, item.logsource.category, item.logsource.service]
      .map((v) => v ?? "*")
      .join("/");
    if (!out.includes(ls)) out.push(ls);
  }
  return out;
}

/** A long list is cut to its first entries and a count: `--json` lists every item. */
function shortList(items: readonly string[], shown = 3): string {
  if (items.length <= shown + 1) return items.join(", ");
  return `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}

export async function run(args: Record<string, unknown>): Promise<number> {
  const piped = pipelinesFromArgs((args.pipeline as string[] | undefined) ?? []);
  if (piped.diagnostics.length > 0) reportDiagnostics(piped.diagnostics, piped.sources, "text");
  if (piped.diagnostics.some((d) => d.severity === "error")) return EXIT_FAILURE;
  const all = [...builtinPipelines(), ...piped.pipelines.filter((p) => !p.builtin)];
  if (args.json) {
    writeStdout(
      JSON.stringify(
        all.map((p) => ({
          name: p.name,
          file: p.source.path,
          builtin: p.builtin,
          default: p.default,
          priority: p.priority,
          targets: p.targets,
          replaces: p.replaces,
          description: p.description,
          items: p.items.map((i) => ({
            id: i.id,
            logsource: i.logsource,
            targets: i.targets,
            fields: Object.keys(i.fields).length,
            ...(i.unmapped ? { unmapped: i.unmapped } : {}),
          })),
        })),
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  writeStdout(
    renderTable(
      [
        "pipeline",
        "targets",
        "applied",
        "priority",
        "logsources (product/category/service)",
        "description",
      ],
      all.map((p) => [
        p.name,
        p.targets.join(", "),
        !p.builtin ? "-p (file)" : p.default ? "by default" : "with -p",
        String(p.priority),
        shortList(logsources(p)),
        p.description,
      ]),
    ),
  );
  return EXIT_OK;
}

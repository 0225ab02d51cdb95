import { DEFAULT_SCALAR_STYLE_RULES, SCALAR_STYLE, dump, type ScalarLayout } from "js-yaml";

/**
 * js-yaml's dump, styled the way prettier prints YAML so that the artifact passes
 * `prettier --check`: double quotes, except single quotes for a printable one-line string holding
 * more double than single quotes (a Falco-quoted list item like "\"eks:node\"").
 */
function preferFewerEscapes(layout: ScalarLayout): void {
  if (layout.style !== SCALAR_STYLE.DOUBLE_QUOTED) return;
  const v = layout.node.value;
  if (!/^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$/.test(v)) return;
  const doubles = v.split('"').length - 1;
  const singles = v.split("'").length - 1;
  if (doubles > singles && (layout.allowedStylesMask & (1 << SCALAR_STYLE.SINGLE_QUOTED)) !== 0)
    layout.style = SCALAR_STYLE.SINGLE_QUOTED;
}

export function dumpYaml(value: unknown): string {
  return dump(value, {
    quoteStyle: "double",
    lineWidth: -1,
    noRefs: true,
    scalarStyleRules: [...Object.values(DEFAULT_SCALAR_STYLE_RULES), preferFewerEscapes],
  });
}

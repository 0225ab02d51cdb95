import type { Pattern } from "../../ir.js";

/**
 * Windows event logs rendered as XML (`extraction: xml`): the add-ons' search-time regex
 * extraction takes a value as the text between its tags, so `&`, `<` and `>` stay the entities
 * `&amp;`, `&lt;` and `&gt;` that EvtRender wrote (DESIGN.md, "Splunk's Windows data"). A value
 * test is written against that text: the same characters escaped the same way.
 */

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

export const XML_SPECIAL = /[&<>]/;

export function xmlEscaped(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

/** The pattern with its literal text escaped; the same object when nothing changes. */
export function xmlEscapedPattern(pattern: Pattern): Pattern {
  if (!pattern.some((p) => p.kind === "text" && XML_SPECIAL.test(p.text))) return pattern;
  return pattern.map((p) => (p.kind === "text" ? { kind: "text", text: xmlEscaped(p.text) } : p));
}

/** A field's values: one string, or the strings of a list field. */
export type FieldShape = "scalar" | "list";

/** json.value / jevt.value take a JSON pointer argument; the document key is canonical. */
export const JSON_VALUE_FIELDS: ReadonlySet<string> = new Set(["json.value", "jevt.value"]);

/** `json.value[/a/b]`: one leading `/` is optional in the argument, so both spellings meet here. */
export function jsonValueKey(pointer: string): string {
  return `json.value[/${pointer.startsWith("/") ? pointer.slice(1) : pointer}]`;
}

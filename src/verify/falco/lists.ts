/**
 * Falco resolves lists by rewriting the condition TEXT before parsing it (falco
 * rule_loader_compiler.cpp, resolve_list): every occurrence of a list name bounded by blanks,
 * `(`, `)`, `,`, `=` or the ends of the text, even inside a quoted string, is replaced by the
 * list's items joined with ", ", each item wrapped in `"` when it holds a space and does not
 * already start with a quote. Modelled here exactly, because it is what makes a list name inside
 * a value dangerous.
 */
const BLANKS = " \t\n\r";
const DELIMS = BLANKS + "(),=";

export function quoteItem(item: string): string {
  return item.includes(" ") && item[0] !== '"' && item[0] !== "'" ? `"${item}"` : item;
}

export function resolveList(condition: string, name: string, items: readonly string[]): string {
  let cnd = condition;
  let start = cnd.indexOf(name);
  while (start !== -1) {
    let end = start + name.length;
    const before = start === 0 || DELIMS.includes(cnd[start - 1]!);
    const after = end >= cnd.length || DELIMS.includes(cnd[end]!);
    if (before && after) {
      while (start > 0 && BLANKS.includes(cnd[start - 1]!)) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end]!)) end++;
      const sub = items.map(quoteItem).join(", ");
      if (sub === "") {
        if (start > 0 && cnd[start - 1] === ",") start--;
        else if (end < cnd.length && cnd[end] === ",") end++;
      }
      cnd = (start > 0 ? cnd.slice(0, start) + " " : "") + sub + " " + cnd.slice(end);
      start += sub.length + 1;
    }
    start = cnd.indexOf(name, start + 1);
  }
  return cnd;
}

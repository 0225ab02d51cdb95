import type { BackendContext } from "../../types.js";

/** Target fields a document may hold several values in (the pipelines' Elastic setting `multiValued`). */
export function multiValuedFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.multiValued;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

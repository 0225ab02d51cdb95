import type { Expr } from "../../ir.js";
import type { BackendContext, CapabilityEntry, Lowered, SeenEvent } from "../types.js";
import type { ElasticLanguage } from "./language.js";

/** One Elastic query language: its own lowering, printing and capability column. */
export interface LanguageBackend {
  readonly language: ElasticLanguage;
  readonly capabilities: readonly CapabilityEntry[];
  lower(ir: Expr, ctx: BackendContext): Lowered;
  /** What this language reads of a raw event (ES|QL reads a multi-valued field as one opaque value). */
  seen(ctx: BackendContext): SeenEvent;
  query(effective: Expr, ctx: BackendContext): string;
}

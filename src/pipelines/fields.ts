import { DiagnosticError } from "../diagnostics.js";
import type { Loc } from "../source.js";
import type { TargetName } from "../targets/types.js";
import type { ResolvedMapping } from "./types.js";

/**
 * Sigma field → the target's field names, as the resolved pipelines say: several names mean the
 * target checks the value in any of them (printers OR them; `null` ANDs them). Without a mapping
 * (no pipeline knows the logsource) and for unlisted fields of a passthrough mapping the name is
 * unchanged. A refused field is FIELD_NOT_AVAILABLE and an unlisted field of a strict mapping is
 * UNMAPPED_FIELD, both at the value's position.
 */
export function targetFields(
  mapping: ResolvedMapping | undefined,
  field: string,
  target: TargetName,
  file: string,
  origin: Loc | undefined,
): readonly string[] {
  if (mapping === undefined) return [field];
  const mapped = Object.prototype.hasOwnProperty.call(mapping.targetsOf, field)
    ? mapping.targetsOf[field]
    : undefined;
  if (mapped !== undefined) return mapped;
  const where = `${target} (pipelines ${mapping.pipelines.join(", ")})`;
  if (Object.prototype.hasOwnProperty.call(mapping.refused, field))
    throw new DiagnosticError({
      severity: "error",
      code: "FIELD_NOT_AVAILABLE",
      message: `field '${field}' does not exist in ${where}: ${mapping.refused[field]}`,
      file,
      ...(origin ? { loc: origin } : {}),
      target,
    });
  if (mapping.unmapped === "passthrough") return [field];
  throw new DiagnosticError({
    severity: "error",
    code: "UNMAPPED_FIELD",
    message: `field '${field}' has no mapping in ${where} for logsource ${JSON.stringify(mapping.match)}; map it in a pipeline file (-p)`,
    file,
    ...(origin ? { loc: origin } : {}),
    target,
  });
}

/** The one target field of a Sigma field; a one-to-many field is refused where one is needed. */
export function targetField(
  mapping: ResolvedMapping | undefined,
  field: string,
  target: TargetName,
  file: string,
  origin: Loc | undefined,
): string {
  const names = targetFields(mapping, field, target, file, origin);
  if (names.length === 1) return names[0]!;
  throw new DiagnosticError({
    severity: "error",
    code: "UNSUPPORTED_FIELD_MAPPING",
    message: `field '${field}' maps to ${names.join(", ")}; ${target} needs a single field here`,
    file,
    ...(origin ? { loc: origin } : {}),
    target,
  });
}

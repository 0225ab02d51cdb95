import { indexFieldType, type EsField } from "./mapping.js";
import { CLOUD_DATASETS, cloudFieldType } from "./mapping-cloud.js";
import { LINUX_DATASETS, linuxFieldType } from "./mapping-linux.js";
import { WINDOWS_DATASETS, windowsFieldType } from "./mapping-windows.js";

/**
 * Which index mapping types a field, by the data stream the document is in. The Kubernetes
 * integration's audit_logs mapping (mapping.ts) is also the mapping of a document that names no
 * data stream, as before Windows was modelled.
 */

const KUBERNETES_AUDIT = "kubernetes.audit_logs";

export const MAPPED_DATASETS: readonly string[] = [
  KUBERNETES_AUDIT,
  ...Object.keys(WINDOWS_DATASETS),
  ...LINUX_DATASETS,
  ...Object.keys(CLOUD_DATASETS),
];

/** The field's mapping in the data stream's own index (undefined: that index does not map it). */
export function ownField(dataset: string | undefined, field: string): EsField | undefined {
  if (dataset === undefined || dataset === KUBERNETES_AUDIT) {
    const type = indexFieldType(field);
    return type === undefined ? undefined : { type };
  }
  return (
    windowsFieldType(dataset, field) ??
    linuxFieldType(dataset, field) ??
    cloudFieldType(dataset, field)
  );
}

/**
 * The field's mapping in the document's data stream. A field another stream maps but this one
 * does not holds no value here (the views write only mapped fields), and a query on it matches
 * nothing whatever its type, so the other stream's type stands in: that keeps a query written for
 * one stream (a range on the Kubernetes response code) buildable on every stream.
 */
export function datasetField(dataset: string | undefined, field: string): EsField | undefined {
  const own = ownField(dataset, field);
  if (own !== undefined) return own;
  for (const other of MAPPED_DATASETS) {
    const found = ownField(other, field);
    if (found !== undefined) return found;
  }
  return undefined;
}

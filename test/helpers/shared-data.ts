import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * ../shared beside the checkout: the SigmaHQ corpus and the reference data. A user's clone has
 * none of it, so every test that reads it skips with SKIP_*; the path is always derived from the
 * checkout, never absolute, so a clone elsewhere reads its own neighbour.
 */
export const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const CORPUS = `${SHARED}corpus/sigmahq/`;
export const REFERENCE = `${SHARED}reference/`;
export const HAVE_CORPUS = existsSync(CORPUS);
export const HAVE_REFERENCE = existsSync(REFERENCE);
export const SKIP_REASON = `the SigmaHQ corpus is not at ${CORPUS} (it ships beside the project, not in it): skipped`;
export const SKIP_REFERENCE = `the reference data is not at ${REFERENCE} (it ships beside the project, not in it): skipped`;

/** A test title that says, only when the data is absent, why the test is skipped. */
export function corpusTitle(title: string): string {
  return HAVE_CORPUS ? title : `${title} (${SKIP_REASON})`;
}

export function referenceTitle(title: string): string {
  return HAVE_REFERENCE ? title : `${title} (${SKIP_REFERENCE})`;
}

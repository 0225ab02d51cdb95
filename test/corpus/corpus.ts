import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** ../shared/corpus/sigmahq beside the checkout; absent in a user's clone (tests then skip). */
export const CORPUS = fileURLToPath(new URL("../../../shared/corpus/sigmahq/", import.meta.url));
export const HAVE_CORPUS = existsSync(CORPUS);
export const SKIP_REASON = `the SigmaHQ corpus is not at ${CORPUS} (it ships beside the project, not in it): skipped`;

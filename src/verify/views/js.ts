import type { TargetView } from "../types.js";

/** The JS module reads the raw event itself. */
export const jsView: TargetView = {
  target: "js",
  document: (raw) => raw,
};

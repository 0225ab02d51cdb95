import type { TargetView } from "../types.js";

/** The JS module reads the raw event itself: it sees and stores exactly the raw event. */
export const jsView: TargetView = {
  target: "js",
  seen: (raw) => raw,
  document: (raw) => raw,
};

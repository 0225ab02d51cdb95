/** The targets, by name: shared by the compiler and the verifier, which know nothing else of each other. */
export type TargetName = "elastic" | "splunk" | "falco" | "js" | "sql";
export const TARGET_NAMES: readonly TargetName[] = ["elastic", "splunk", "falco", "js", "sql"];

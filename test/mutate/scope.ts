/**
 * What a mutation run changes and which tests judge it, by default. Everything here is data that
 * the command line can override (`--files`, `--tests`).
 */

/**
 * The emitters: lowering, printing and escaping of every backend, and the pipelines' field lookup
 * every printer names its fields through (one Sigma field to one or several target fields).
 */
export const DEFAULT_FILES: readonly string[] = ["src/backends", "src/pipelines/fields.ts"];

/**
 * Files under the default folders that hold no lowering, printing or escaping: prose and metadata
 * (capability tables' descriptions, the construct list, ATT&CK names, Elastic rule metadata) and
 * the plain wiring of types, the registry and the lazy loader. Mutating them would measure
 * documentation.
 */
export const EXCLUDED_FILES: readonly RegExp[] = [
  /\/capabilities\.ts$/,
  /^src\/backends\/constructs\.ts$/,
  /^src\/backends\/attack\.ts$/,
  /^src\/backends\/elastic\/rule-meta\.ts$/,
  /^src\/backends\/types\.ts$/,
  /^src\/backends\/registry\.ts$/,
  /^src\/backends\/load\.ts$/,
];

/**
 * Functions inside emitter files that write artifact metadata, not detection logic: Falco's tags
 * from ATT&CK tags. Their mutants are not generated.
 */
export const METADATA_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  "src/backends/falco/artifact.ts": ["falcoTag"],
};

/**
 * The tests that judge a mutant: parity, verify, backend units, the fuzzer, hostile values (SQL's
 * Spark and Trino output read back by their grammars too), and the pipelines' mappings checked
 * by what the target answers. (hunt's test runs the built command, which a scratch copy does not
 * have; the SQL target is judged by the parity suites, the fuzzer and the injection tests.)
 */
export const DEFAULT_TESTS: readonly string[] = [
  "test/parity/**/*.test.ts",
  "test/verify/**/*.test.ts",
  "test/backends/**/*.test.ts",
  "test/fuzz/differential.test.ts",
  "test/hostile/injection.test.ts",
  "test/hostile/injection-sql-dialects.test.ts",
  "test/hostile/js-predicate.test.ts",
  "test/pipelines/resolve.test.ts",
  "test/pipelines/windows.test.ts",
];

/**
 * Object keys and parameter names whose string is prose for a person (a diagnostic's message, a
 * description), never text a SIEM parses: strings in these places are not mutated.
 */
export const PROSE_NAMES: ReadonlySet<string> = new Set([
  "message",
  "reason",
  "what",
  "description",
  "desc",
  "how",
  "title",
  "note",
  "hint",
  "help",
  "summary",
  "reference",
]);

import type { Level } from "../../sigma/rule.js";

/**
 * The Falco dialect as data: libsinsp's condition tokens, its quoting rules, fnmatch's special
 * characters, and the k8saudit facts the emitter must respect (shared/reference/falco/ka-fields.md,
 * falcosecurity/libs filter/parser.cpp and escaping.cpp).
 */
export const FALCO = {
  and: "and",
  or: "or",
  not: "not",
  ops: {
    equals: "=",
    startswith: "startswith",
    endswith: "endswith",
    contains: "contains",
    icontains: "icontains",
    glob: "glob",
    in: "in",
    intersects: "intersects",
    exists: "exists",
    regex: "regex",
  },
  /**
   * Inside "…" libsinsp decodes exactly these escapes; a raw NUL ends the condition, and a string
   * whose last character is a backslash cannot be closed (the closing quote would be escaped).
   */
  quote: '"',
  escapes: {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
  } as Readonly<Record<string, string>>,
  /**
   * fnmatch specials written as one-character bracket sets, so the glob text has no backslash
   * escape except inside `[\\]`, which means a backslash whether or not the fnmatch in use treats
   * `\` as an escape inside brackets (glibc does, musl does not).
   */
  globAny: "*",
  globLiteral: { "*": "[*]", "?": "[?]", "[": "[[]", "\\": "[\\\\]" } as Readonly<
    Record<string, string>
  >,
  /** What the plugin renders for a JSON null. */
  nullText: "null",
  source: "k8s_audit",
  /** Fields that are lists: only `in` (all values), `intersects` (any value) and `exists`. */
  listFields: new Set([
    "ka.user.groups",
    "ka.sourceips",
    "ka.req.binding.subjects",
    "ka.req.binding.subjects.user_names",
    "ka.req.binding.subjects.serviceaccount_names",
    "ka.req.binding.subjects.serviceaccount_ns_names",
    "ka.req.binding.subjects.group_names",
    "ka.req.pod.supplemental_groups",
    "ka.req.role.rules",
    "ka.req.role.rules.apiGroups",
    "ka.req.role.rules.nonResourceURLs",
    "ka.req.role.rules.verbs",
    "ka.req.role.rules.resources",
  ]) as ReadonlySet<string>,
  /** Reads requestObject.rules[*].sourceIPs (falcosecurity/plugins#236): never set on real events. */
  brokenFields: new Set(["ka.sourceips"]) as ReadonlySet<string>,
  /** A field that every delivered k8s audit event has, for constant true/false. */
  alwaysField: "ka.auditid",
  priority: {
    informational: "INFORMATIONAL",
    low: "NOTICE",
    medium: "WARNING",
    high: "ERROR",
    critical: "CRITICAL",
  } satisfies Record<Level, string>,
  defaultPriority: "WARNING",
  output:
    "user=%ka.user.name verb=%ka.verb target=%ka.target.namespace/%ka.target.resource/%ka.target.name" +
    " uri=%ka.uri sourceips=%json.value[/sourceIPs] useragent=%ka.useragent code=%ka.response.code",
} as const;

/** The minimum Falco version, from --option falco-version, else targets/falco.yml, else 0.41.0. */
export const DEFAULT_FALCO_VERSION = "0.41.0";

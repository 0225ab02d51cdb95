/**
 * An offline slice of MITRE ATT&CK (Enterprise, v19 tactic names: Defense Evasion became Stealth
 * TA0005 plus Defense Impairment TA0112). Enough for the tags in rules/ and the Kubernetes rules of
 * the Sigma corpus; a tag it does not know is reported, never guessed.
 */

export interface AttackTactic {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
}

export interface AttackTechnique {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
  /** Sigma tactic tags (short names) the technique belongs to, first the usual one. */
  readonly tactics: readonly string[];
}

function tactic(id: string, name: string): AttackTactic {
  return { id, name, reference: `https://attack.mitre.org/tactics/${id}/` };
}

/** Sigma tactic tag (after `attack.`) → tactic. Old underscore and pre-v19 spellings are aliases. */
export const ATTACK_TACTICS: Readonly<Record<string, AttackTactic>> = {
  reconnaissance: tactic("TA0043", "Reconnaissance"),
  "resource-development": tactic("TA0042", "Resource Development"),
  "initial-access": tactic("TA0001", "Initial Access"),
  execution: tactic("TA0002", "Execution"),
  persistence: tactic("TA0003", "Persistence"),
  "privilege-escalation": tactic("TA0004", "Privilege Escalation"),
  stealth: tactic("TA0005", "Stealth"),
  "defense-evasion": tactic("TA0005", "Stealth"),
  "defense-impairment": tactic("TA0112", "Defense Impairment"),
  "credential-access": tactic("TA0006", "Credential Access"),
  discovery: tactic("TA0007", "Discovery"),
  "lateral-movement": tactic("TA0008", "Lateral Movement"),
  collection: tactic("TA0009", "Collection"),
  "command-and-control": tactic("TA0011", "Command and Control"),
  exfiltration: tactic("TA0010", "Exfiltration"),
  impact: tactic("TA0040", "Impact"),
};

function technique(id: string, name: string, tactics: readonly string[]): AttackTechnique {
  return {
    id,
    name,
    reference: `https://attack.mitre.org/techniques/${id.replace(".", "/")}/`,
    tactics,
  };
}

const TECHNIQUE_LIST: readonly AttackTechnique[] = [
  technique("T1036", "Masquerading", ["stealth"]),
  technique("T1036.005", "Match Legitimate Resource Name or Location", ["stealth"]),
  technique("T1053", "Scheduled Task/Job", ["execution", "persistence", "privilege-escalation"]),
  technique("T1053.003", "Cron", ["execution", "persistence", "privilege-escalation"]),
  technique("T1053.007", "Container Orchestration Job", [
    "execution",
    "persistence",
    "privilege-escalation",
  ]),
  technique("T1069", "Permission Groups Discovery", ["discovery"]),
  technique("T1069.003", "Cloud Groups", ["discovery"]),
  technique("T1070", "Indicator Removal", ["stealth"]),
  technique("T1078", "Valid Accounts", [
    "initial-access",
    "persistence",
    "privilege-escalation",
    "stealth",
  ]),
  technique("T1078.001", "Default Accounts", [
    "initial-access",
    "persistence",
    "privilege-escalation",
    "stealth",
  ]),
  technique("T1078.004", "Cloud Accounts", [
    "initial-access",
    "persistence",
    "privilege-escalation",
    "stealth",
  ]),
  technique("T1087", "Account Discovery", ["discovery"]),
  technique("T1087.004", "Cloud Account", ["discovery"]),
  technique("T1098", "Account Manipulation", ["persistence", "privilege-escalation"]),
  technique("T1136", "Create Account", ["persistence"]),
  technique("T1190", "Exploit Public-Facing Application", ["initial-access"]),
  technique("T1485", "Data Destruction", ["impact"]),
  technique("T1489", "Service Stop", ["impact"]),
  technique("T1496", "Resource Hijacking", ["impact"]),
  technique("T1498", "Network Denial of Service", ["impact"]),
  technique("T1531", "Account Access Removal", ["impact"]),
  technique("T1552", "Unsecured Credentials", ["credential-access"]),
  technique("T1552.001", "Credentials In Files", ["credential-access"]),
  technique("T1552.007", "Container API", ["credential-access"]),
  technique("T1609", "Container Administration Command", ["execution"]),
  technique("T1610", "Deploy Container", ["execution", "stealth"]),
  technique("T1611", "Escape to Host", ["privilege-escalation"]),
  technique("T1613", "Container and Resource Discovery", ["discovery"]),
  technique("T1685", "Disable or Modify Tools", ["defense-impairment"]),
];

/** Technique id (upper case, e.g. T1552.007) → technique. */
export const ATTACK_TECHNIQUES: Readonly<Record<string, AttackTechnique>> = Object.fromEntries(
  TECHNIQUE_LIST.map((t) => [t.id, t]),
);

export type AttackTag =
  | { readonly kind: "tactic"; readonly key: string; readonly tactic: AttackTactic }
  | { readonly kind: "technique"; readonly technique: AttackTechnique }
  | { readonly kind: "unknown"; readonly tag: string }
  /** attack.g…, attack.s… (groups, software) and other namespaces: not threat-mapping data. */
  | { readonly kind: "other"; readonly tag: string };

/** Classify one Sigma tag. */
export function classifyTag(tag: string): AttackTag {
  const lower = tag.toLowerCase();
  if (!lower.startsWith("attack.")) return { kind: "other", tag };
  const rest = lower.slice("attack.".length).replaceAll("_", "-");
  if (/^t\d{4}(\.\d{3})?$/.test(rest)) {
    const t = ATTACK_TECHNIQUES[rest.toUpperCase()];
    return t ? { kind: "technique", technique: t } : { kind: "unknown", tag };
  }
  if (/^[gs]\d{4}$/.test(rest)) return { kind: "other", tag };
  const t = ATTACK_TACTICS[rest];
  return t ? { kind: "tactic", key: rest, tactic: t } : { kind: "unknown", tag };
}

/** Elastic's threat block: techniques under their tactic, sub-techniques under their parent. */
export interface ThreatEntry {
  readonly tactic: AttackTactic;
  readonly techniques: readonly {
    readonly technique: AttackTechnique;
    readonly subtechniques: readonly AttackTechnique[];
  }[];
}

/**
 * Group a rule's ATT&CK tags: each technique goes under the rule tactics it belongs to (or its
 * usual tactic when the rule names none of them). Unknown ATT&CK tags are returned for reporting.
 */
export function threatFromTags(tags: readonly string[]): {
  threat: ThreatEntry[];
  unknown: string[];
} {
  const tacticKeys: string[] = [];
  const techniques: AttackTechnique[] = [];
  const unknown: string[] = [];
  for (const tag of tags) {
    const c = classifyTag(tag);
    if (c.kind === "tactic" && !tacticKeys.some((k) => ATTACK_TACTICS[k]?.id === c.tactic.id))
      tacticKeys.push(c.key);
    else if (c.kind === "technique" && !techniques.includes(c.technique))
      techniques.push(c.technique);
    else if (c.kind === "unknown") unknown.push(c.tag);
  }
  const placed = new Map<string, AttackTechnique[]>(tacticKeys.map((k) => [k, []]));
  for (const t of techniques) {
    const homes = t.tactics.filter((k) =>
      tacticKeys.some((r) => ATTACK_TACTICS[r]?.id === ATTACK_TACTICS[k]?.id),
    );
    const keys = homes.length > 0 ? homes : [t.tactics[0]!];
    for (const k of keys) {
      const key = tacticKeys.find((r) => ATTACK_TACTICS[r]?.id === ATTACK_TACTICS[k]?.id) ?? k;
      if (!placed.has(key)) placed.set(key, []);
      placed.get(key)!.push(t);
    }
  }
  const threat: ThreatEntry[] = [];
  for (const [key, list] of placed) {
    const tac = ATTACK_TACTICS[key];
    if (!tac) continue;
    const parents = new Map<
      string,
      { technique: AttackTechnique; subtechniques: AttackTechnique[] }
    >();
    for (const t of list) {
      const parentId = t.id.split(".")[0]!;
      const parent = ATTACK_TECHNIQUES[parentId] ?? technique(parentId, parentId, t.tactics);
      const entry = parents.get(parentId) ?? { technique: parent, subtechniques: [] };
      parents.set(parentId, entry);
      if (t.id !== parentId && !entry.subtechniques.includes(t)) entry.subtechniques.push(t);
    }
    threat.push({ tactic: tac, techniques: [...parents.values()] });
  }
  return { threat, unknown };
}

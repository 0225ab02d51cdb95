/**
 * The auditd integration's record-type table (packages/auditd/data_stream/log/elasticsearch/
 * ingest_pipeline/default.yml, "Auditd record type to ECS mappings", generated from go-libaudit):
 * the record types it names get the table's event.action, category and type, and some copy an
 * identity key into user.* fields. A record type it does not name keeps no action here: its type
 * becomes event.action later (lower-cased). Syscalls are looked up by name, and raw audit.log
 * records name the syscall by number, so a SYSCALL record gets the table's `*` entry: category
 * process, type info, no action.
 */

export interface Copy {
  /** The first of these keys that holds a string is copied. */
  readonly from: readonly string[];
  /** `<to>.id` for a number, `<to>.name` otherwise. */
  readonly to: string;
}

export interface Act {
  readonly action?: string;
  readonly category?: readonly string[];
  readonly type?: readonly string[];
  readonly copy?: readonly Copy[];
  /** The act applies only when the record holds these keys. */
  readonly hasFields?: readonly string[];
}

const SESSION_COPY: readonly Copy[] = [
  { from: ["auid"], to: "user" },
  { from: ["acct", "id", "uid"], to: "user.effective" },
];
const auth = (action: string, category: string, type: string): Act => ({
  action,
  category: [category],
  type: [type],
  copy: SESSION_COPY,
});
const act = (action: string, category?: string, type?: readonly string[]): Act => ({
  action,
  ...(category !== undefined ? { category: [category] } : {}),
  ...(type !== undefined ? { type } : {}),
});
const userChange = (action: string, targetTo: string, kind: string, change: string): Act => ({
  action,
  category: ["iam"],
  type: [kind, change],
  copy: [
    { from: ["auid"], to: "user" },
    { from: ["uid"], to: "user.effective" },
    { from: ["id", "acct"], to: targetTo },
  ],
});

export const RECORD_TYPES: Readonly<Record<string, readonly Act[]>> = {
  ACCT_LOCK: [act("locked-account", "iam", ["user", "info"])],
  ACCT_UNLOCK: [act("unlocked-account", "iam", ["user", "info"])],
  ADD_GROUP: [userChange("added-group-account-to", "group", "group", "creation")],
  ADD_USER: [userChange("added-user-account", "user.target", "user", "creation")],
  ANOM_ABEND: [act("crashed-program", "process", ["end"])],
  ANOM_EXEC: [act("attempted-execution-of-forbidden-program", "process", ["start"])],
  ANOM_LINK: [act("used-suspicious-link")],
  ANOM_LOGIN_FAILURES: [act("failed-log-in-too-many-times-to")],
  ANOM_LOGIN_LOCATION: [act("attempted-log-in-from-unusual-place-to")],
  ANOM_LOGIN_SESSIONS: [act("opened-too-many-sessions-to")],
  ANOM_LOGIN_TIME: [act("attempted-log-in-during-unusual-hour-to")],
  ANOM_PROMISCUOUS: [act("changed-promiscuous-mode-on-device")],
  ANOM_RBAC_INTEGRITY_FAIL: [act("tested-file-system-integrity-of")],
  AVC: [
    { action: "violated-selinux-policy", hasFields: ["seresult"] },
    { action: "violated-apparmor-policy", hasFields: ["apparmor"] },
  ],
  CHGRP_ID: [act("changed-group", "process", ["change"])],
  CHUSER_ID: [act("changed-user-id", "process", ["change"])],
  CONFIG_CHANGE: [
    {
      action: "changed-audit-configuration",
      category: ["process", "configuration"],
      type: ["change"],
    },
  ],
  CRED_ACQ: [auth("acquired-credentials", "authentication", "info")],
  CRED_DISP: [auth("disposed-credentials", "authentication", "info")],
  CRED_REFR: [auth("refreshed-credentials", "authentication", "info")],
  CRYPTO_KEY_USER: [act("negotiated-crypto-key", "process", ["info"])],
  CRYPTO_LOGIN: [act("crypto-officer-logged-in")],
  CRYPTO_LOGOUT: [act("crypto-officer-logged-out", "process", ["info"])],
  CRYPTO_SESSION: [act("started-crypto-session", "process", ["info"])],
  DAC_CHECK: [act("access-result")],
  DAEMON_ABORT: [act("aborted-auditd-startup", "process", ["stop"])],
  DAEMON_ACCEPT: [act("remote-audit-connected", "network", ["connection", "start"])],
  DAEMON_CLOSE: [act("remote-audit-disconnected", "network", ["connection", "start"])],
  DAEMON_CONFIG: [
    {
      action: "changed-auditd-configuration",
      category: ["process", "configuration"],
      type: ["change"],
    },
  ],
  DAEMON_END: [act("shutdown-audit", "process", ["stop"])],
  DAEMON_ERR: [act("audit-error", "process", ["info"])],
  DAEMON_RECONFIG: [
    { action: "reconfigured-auditd", category: ["process", "configuration"], type: ["info"] },
  ],
  DAEMON_RESUME: [act("resumed-audit-logging", "process", ["change"])],
  DAEMON_ROTATE: [act("rotated-audit-logs", "process", ["change"])],
  DAEMON_START: [act("started-audit", "process", ["start"])],
  DEL_GROUP: [userChange("deleted-group-account-from", "group", "group", "deletion")],
  DEL_USER: [userChange("deleted-user-account", "user.target", "user", "deletion")],
  FEATURE_CHANGE: [act("changed-audit-feature", "configuration", ["change"])],
  FS_RELABEL: [act("relabeled-filesystem")],
  GRP_AUTH: [
    {
      ...act("authenticated-to-group", "authentication", ["info"]),
      copy: [
        { from: ["auid"], to: "user" },
        { from: ["uid"], to: "user.effective" },
      ],
    },
  ],
  GRP_CHAUTHTOK: [
    {
      ...act("changed-group-password", "iam", ["group", "change"]),
      copy: [
        { from: ["auid"], to: "user" },
        { from: ["uid"], to: "user.effective" },
        { from: ["acct", "id", "uid"], to: "group" },
      ],
    },
  ],
  GRP_MGMT: [
    {
      ...act("modified-group-account", "iam", ["group", "change"]),
      copy: [
        { from: ["auid"], to: "user" },
        { from: ["uid"], to: "group" },
        { from: ["uid"], to: "user.effective" },
      ],
    },
  ],
  KERNEL: [act("initialized-audit-subsystem", "process", ["info"])],
  KERN_MODULE: [act("loaded-kernel-module", "driver", ["start"])],
  LABEL_LEVEL_CHANGE: [act("modified-level-of")],
  LABEL_OVERRIDE: [act("overrode-label-of")],
  LOGIN: [
    {
      ...act("changed-login-id-to", "authentication", ["start"]),
      copy: [
        { from: ["old_auid", "old-auid"], to: "user" },
        { from: ["new-auid", "new_auid", "auid"], to: "user.effective" },
      ],
    },
  ],
  MAC_CHECK: [act("mac-permission")],
  MAC_CONFIG_CHANGE: [act("changed-selinux-boolean", "configuration", ["change"])],
  MAC_POLICY_LOAD: [act("loaded-selinux-policy", "configuration", ["access"])],
  MAC_STATUS: [act("changed-selinux-enforcement", "configuration", ["change"])],
  NETFILTER_CFG: [act("loaded-firewall-rule-to", "configuration", ["change"])],
  ROLE_ASSIGN: [act("assigned-user-role-to", "iam", ["user", "change"])],
  ROLE_MODIFY: [act("modified-role", "iam", ["change"])],
  ROLE_REMOVE: [act("removed-user-role-from", "iam", ["user", "change"])],
  SECCOMP: [act("violated-seccomp-policy")],
  SELINUX_ERR: [act("caused-mac-policy-error")],
  SERVICE_START: [act("started-service", "process", ["start"])],
  SERVICE_STOP: [act("stopped-service", "process", ["stop"])],
  SOFTWARE_UPDATE: [act("package-updated", "package", ["info"])],
  SYSTEM_BOOT: [act("booted-system", "host", ["start"])],
  SYSTEM_RUNLEVEL: [act("changed-to-runlevel", "host", ["change"])],
  SYSTEM_SHUTDOWN: [act("shutdown-system", "host", ["end"])],
  TEST: [act("sent-test", "process", ["info"])],
  TRUSTED_APP: [act("unknown", "process", ["info"])],
  TTY: [act("typed")],
  USER: [act("sent-message")],
  USER_ACCT: [auth("was-authorized", "authentication", "info")],
  USER_AUTH: [auth("authenticated", "authentication", "info")],
  USER_AVC: [act("access-permission")],
  USER_CHAUTHTOK: [
    {
      ...act("changed-password", "iam", ["user", "change"]),
      copy: [
        { from: ["auid"], to: "user" },
        { from: ["uid"], to: "user.effective" },
        { from: ["acct", "id", "uid"], to: "user.target" },
      ],
    },
  ],
  USER_CMD: [act("ran-command", "process", ["start"])],
  USER_END: [auth("ended-session", "session", "end")],
  USER_ERR: [auth("error", "authentication", "info")],
  USER_LOGIN: [auth("logged-in", "authentication", "start")],
  USER_LOGOUT: [auth("logged-out", "authentication", "end")],
  USER_MAC_CONFIG_CHANGE: [act("changed-mac-configuration", "configuration", ["change"])],
  USER_MAC_POLICY_LOAD: [act("loaded-mac-policy", "configuration", ["access"])],
  USER_MGMT: [
    {
      ...act("modified-user-account", "iam", ["user", "change"]),
      copy: [
        { from: ["auid"], to: "user" },
        { from: ["acct", "id", "uid"], to: "user.target" },
        { from: ["uid"], to: "user.effective" },
      ],
    },
  ],
  USER_ROLE_CHANGE: [act("changed-role-to")],
  USER_SELINUX_ERR: [act("access-error")],
  USER_START: [auth("started-session", "session", "start")],
  USER_TTY: [act("typed")],
  USYS_CONFIG: [act("changed-configuration", "configuration", ["change"])],
  VIRT_CONTROL: [act("issued-vm-control", "host", ["info"])],
  VIRT_CREATE: [act("created-vm-image", "host", ["info"])],
  VIRT_DESTROY: [act("deleted-vm-image", "host", ["info"])],
  VIRT_INTEGRITY_CHECK: [act("checked-integrity-of", "host", ["info"])],
  VIRT_MACHINE_ID: [act("assigned-vm-id", "host", ["info"])],
  VIRT_MIGRATE_IN: [act("migrated-vm-from", "host", ["info"])],
  VIRT_MIGRATE_OUT: [act("migrated-vm-to", "host", ["info"])],
  VIRT_RESOURCE: [act("assigned-vm-resource", "host", ["info"])],
};

/** The syscall table's entry for a syscall it does not name (raw logs name syscalls by number). */
export const ANY_SYSCALL: Act = { category: ["process"], type: ["info"] };

/** Keys whose hex-encoded value the pipeline decodes (its `possibleHexKeys`). */
export const HEX_KEYS: ReadonlySet<string> = new Set([
  "exe",
  "cmd",
  "data",
  "path",
  "comm",
  "file",
  "name",
  "watch",
  "cwd",
  "acct",
  "dir",
  "vm",
  "old-chardev",
  "new-chardev",
  "old-disk",
  "new-disk",
  "old-fs",
  "new-fs",
  "old-net",
  "new-net",
  "device",
  "cgroup",
  "apparmor",
  "operation",
  "denied_mask",
  "info",
  "profile",
  "requested_mask",
  "old-rng",
  "new-rng",
  "ocomm",
  "grp",
  "new_group",
  "invalid_context",
  "sw",
  "root_dir",
  "proctitle",
]);

/** The identity and process keys the pipeline renames, in its order (a taken target fails). */
export const RENAMES: readonly (readonly [string, string])[] = [
  ["acct", "user.name"],
  ["user", "user.name"],
  ["uid", "user.id"],
  ["gid", "user.group.id"],
  ["agid", "user.audit.group.id"],
  ["auid", "user.audit.id"],
  ["fsgid", "user.filesystem.group.id"],
  ["fsuid", "user.filesystem.id"],
  ["egid", "user.effective.group.id"],
  ["euid", "user.effective.id"],
  ["sgid", "user.saved.group.id"],
  ["suid", "user.saved.id"],
  ["ogid", "user.owner.group.id"],
  ["ouid", "user.owner.id"],
  ["comm", "process.name"],
  ["exe", "process.executable"],
  ["pid", "process.pid"],
  ["ppid", "process.parent.pid"],
];

/** Numeric keys the pipeline converts to long right after parsing. */
export const LONG_KEYS: readonly string[] = [
  "sequence",
  "lport",
  "rport",
  "entries",
  "dst_prefixlen",
  "ksize",
  "size",
  "src_prefixlen",
];

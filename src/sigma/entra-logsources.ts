/**
 * Microsoft Entra ID sign-in and audit logs as Azure Monitor's diagnostic settings export them (one
 * record of `records[]`, Azure Monitor "Microsoft Entra sign-in logs schema" and "audit logs
 * schema"): `category` is `SignInLogs` (interactive sign-ins; the other sign-in categories,
 * NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs …, are logsources of their own in
 * Sentinel and not named by SigmaHQ) or `AuditLogs`, with `time`, `operationName`, `resultType`
 * and the Graph object (signIn, directoryAudit) under `properties`.
 *
 * SigmaHQ's sign-in and audit rules mostly name Microsoft Sentinel's SigninLogs and AuditLogs
 * columns, which Log Analytics fills from that record. Sentinel's table reference gives each
 * column's source; the columns the rules use that are one value of the record are listed here with
 * the record path, and `entraSigmaEvent` gives the rule's name that value. Columns that hold no
 * single value of the record (Status, the status object; NetworkLocationDetails rendered as text;
 * TargetResources and InitiatedBy, lists and objects) and names that are no column at all
 * (ActivityDetails, ClientApp, Username, Target, ActivityType …) get no value here.
 */

type Raw = Record<string, unknown>;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const str = (raw: Raw, key: string): boolean => typeof raw[key] === "string";

function isEntraRecord(raw: Raw, category: string): boolean {
  return (
    str(raw, "time") &&
    str(raw, "operationName") &&
    raw.category === category &&
    isRecord(raw.properties)
  );
}

export const isEntraSignIn = (raw: Raw): boolean => isEntraRecord(raw, "SignInLogs");
export const isEntraAudit = (raw: Raw): boolean => isEntraRecord(raw, "AuditLogs");

/** Sentinel SigninLogs columns (and SigmaHQ's spellings of them) → the record's path. */
export const SIGNIN_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  ResultType: ["resultType"],
  ResultDescription: ["resultDescription"],
  Resultdescription: ["resultDescription"],
  AuthenticationRequirement: ["properties", "authenticationRequirement"],
  RiskState: ["properties", "riskState"],
  ResourceDisplayName: ["properties", "resourceDisplayName"],
  conditionalAccessStatus: ["properties", "conditionalAccessStatus"],
  userAgent: ["properties", "userAgent"],
  homeTenantId: ["properties", "homeTenantId"],
  resourceTenantId: ["properties", "resourceTenantId"],
  // Sentinel's DeviceDetail column is the signIn's deviceDetail object (Graph deviceDetail:
  // deviceId, trustType, isCompliant …); SigmaHQ writes trustType in lower case.
  "DeviceDetail.deviceId": ["properties", "deviceDetail", "deviceId"],
  "DeviceDetail.trusttype": ["properties", "deviceDetail", "trustType"],
  "DeviceDetail.isCompliant": ["properties", "deviceDetail", "isCompliant"],
};

/** Sentinel AuditLogs columns → the record's path. */
export const AUDIT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  OperationName: ["operationName"],
  Category: ["properties", "category"],
  LoggedByService: ["properties", "loggedByService"],
  ActivityDisplayName: ["properties", "activityDisplayName"],
};

function at(raw: Raw, path: readonly string[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (!isRecord(v) || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

/** The record with each Sentinel column the rules name holding its value; own fields stay. */
export function entraSigmaEvent(
  raw: Raw,
  columns: Readonly<Record<string, readonly string[]>>,
): Raw {
  const out: Raw = { ...raw };
  for (const [column, path] of Object.entries(columns)) {
    if (Object.hasOwn(out, column)) continue;
    const v = at(raw, path);
    if (v !== undefined) out[column] = v;
  }
  return out;
}

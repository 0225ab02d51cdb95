/**
 * Which raw Linux records make up each Sigma Linux logsource: part of a rule's meaning (a
 * process-creation rule says nothing about a file-creation record or an audit record whose fields
 * look alike).
 *
 * Sources (facts):
 * - Categories → Sysmon for Linux EventIDs: the Sigma taxonomy appendix (SigmaHQ/sigma-specification
 *   `sigma-appendix-taxonomy.md`, Linux folder: process_creation is Sysmon for Linux EventID 1,
 *   file_event EventID 11, network_connection EventID 3), the same EventIDs as the Windows Sysmon
 *   categories. Sysmon for Linux writes the Windows event XML to syslog with the channel
 *   `Linux-Sysmon/Operational` and the provider `Linux-Sysmon` (Splunk's data sources
 *   sysmon_for_linux_eventid_1/11 example logs).
 * - `service: auditd`: records of the Linux audit daemon's log (/var/log/audit/audit.log): each
 *   record is `type=<TYPE> msg=audit(<epoch>:<serial>): key=value …` (auditd's own format, the
 *   records in Splunk's linux_auditd_* data sources). The flat form names the record's `type` and
 *   its `msg` header `audit(<epoch>:<serial>)`.
 * Not decided here (every event may belong to them): `product: linux` without a category or
 * service (keyword rules over any Linux text log), and the text-log services (syslog, sshd…).
 */

export const LINUX_SYSMON_CHANNEL = "Linux-Sysmon/Operational";

/** Sigma category (product linux) → the Sysmon for Linux EventIDs of its records. */
export const LINUX_CATEGORY_EVENT_IDS: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  network_connection: [3],
  file_event: [11],
};

/** The `msg` header auditd writes for every record: `audit(<seconds>.<millis>:<serial>)`. */
export const AUDIT_MSG = /^audit\(\d+\.\d{3}:\d+\)/;

import type { EsField, EsFieldType } from "./mapping.js";

/**
 * The index mappings of the Windows data streams the Elastic view writes (views/elastic-windows):
 * the Windows integration's sysmon_operational, powershell and powershell_operational data
 * streams and the System integration's security data stream. Written from the vendors' own field
 * definitions, independently of targets/ and the pipelines, so a wrong type there shows up as a
 * disagreement:
 * - ECS fields: shared/reference/ecs/ecs_flat.yml (ECS 9.5.0-dev, elastic/ecs b85f7573). Every
 *   keyword field here has ECS's ignore_above of 1024 (none of them names another);
 *   `*.command_line` and `registry.data.strings` are `wildcard`; their `.text` multi-fields and
 *   `message` are `match_only_text` (analysed: modelled as `text`).
 * - winlog.*: the integration's fields/winlog.yml (elastic/integrations
 *   packages/windows/data_stream/sysmon_operational/fields/winlog.yml): keyword except
 *   winlog.version, winlog.process.pid and winlog.process.thread.id (long); winlog.event_data is an
 *   object whose leaves are keyword.
 * - sysmon.*: the sysmon_operational data stream's fields.yml (sysmon.file.archived and
 *   is_executable boolean, sysmon.dns.status keyword); file.code_signature.signed is the
 *   integration's own boolean (not an ECS field).
 * - powershell.*: packages/windows/data_stream/powershell_operational/fields/fields.yml;
 *   powershell.file.script_block_text and powershell.command.value are `text`.
 */

const ECS: Readonly<Record<string, EsFieldType>> = {
  "@timestamp": "date",
  "data_stream.dataset": "constant_keyword",
  "data_stream.type": "constant_keyword",
  "data_stream.namespace": "constant_keyword",
  "event.code": "keyword",
  "event.category": "keyword",
  "event.type": "keyword",
  "event.action": "keyword",
  "event.kind": "keyword",
  "event.provider": "keyword",
  "event.dataset": "keyword",
  "event.module": "keyword",
  "event.outcome": "keyword",
  "event.created": "date",
  "event.sequence": "long",
  "log.level": "keyword",
  "host.name": "keyword",
  message: "text",
  "rule.name": "keyword",
  "error.code": "keyword",
  "error.message": "text",
  "process.executable": "keyword",
  "process.executable.text": "text",
  "process.name": "keyword",
  "process.name.text": "text",
  "process.command_line": "wildcard",
  "process.command_line.text": "text",
  "process.args": "keyword",
  "process.args_count": "long",
  "process.pid": "long",
  "process.entity_id": "keyword",
  "process.working_directory": "keyword",
  "process.working_directory.text": "text",
  "process.title": "keyword",
  "process.title.text": "text",
  "process.thread.id": "long",
  "process.pe.original_file_name": "keyword",
  "process.pe.company": "keyword",
  "process.pe.description": "keyword",
  "process.pe.product": "keyword",
  "process.pe.file_version": "keyword",
  "process.pe.imphash": "keyword",
  "process.hash.md5": "keyword",
  "process.hash.sha1": "keyword",
  "process.hash.sha256": "keyword",
  "process.hash.sha512": "keyword",
  "process.parent.executable": "keyword",
  "process.parent.executable.text": "text",
  "process.parent.name": "keyword",
  "process.parent.name.text": "text",
  "process.parent.command_line": "wildcard",
  "process.parent.command_line.text": "text",
  "process.parent.args": "keyword",
  "process.parent.args_count": "long",
  "process.parent.pid": "long",
  "process.parent.entity_id": "keyword",
  "user.name": "keyword",
  "user.name.text": "text",
  "user.domain": "keyword",
  "user.id": "keyword",
  "user.effective.name": "keyword",
  "user.effective.domain": "keyword",
  "user.effective.id": "keyword",
  "user.target.name": "keyword",
  "user.target.domain": "keyword",
  "user.target.id": "keyword",
  "source.user.name": "keyword",
  "source.user.domain": "keyword",
  "destination.user.name": "keyword",
  "destination.user.domain": "keyword",
  "group.id": "keyword",
  "group.name": "keyword",
  "group.domain": "keyword",
  "service.name": "keyword",
  "service.type": "keyword",
  "file.path": "keyword",
  "file.path.text": "text",
  "file.name": "keyword",
  "file.directory": "keyword",
  "file.extension": "keyword",
  "file.target_path": "keyword",
  "file.hash.md5": "keyword",
  "file.hash.sha1": "keyword",
  "file.hash.sha256": "keyword",
  "file.pe.original_file_name": "keyword",
  "file.pe.company": "keyword",
  "file.pe.description": "keyword",
  "file.pe.product": "keyword",
  "file.pe.file_version": "keyword",
  "file.pe.imphash": "keyword",
  "file.code_signature.valid": "boolean",
  "file.code_signature.status": "keyword",
  "file.code_signature.subject_name": "keyword",
  "file.code_signature.trusted": "boolean",
  "dll.path": "keyword",
  "dll.name": "keyword",
  "dll.hash.md5": "keyword",
  "dll.hash.sha1": "keyword",
  "dll.hash.sha256": "keyword",
  "dll.pe.imphash": "keyword",
  "dll.pe.original_file_name": "keyword",
  "dll.code_signature.status": "keyword",
  "registry.path": "keyword",
  "registry.hive": "keyword",
  "registry.key": "keyword",
  "registry.value": "keyword",
  "registry.data.strings": "wildcard",
  "registry.data.type": "keyword",
  "source.ip": "ip",
  "source.port": "long",
  "source.domain": "keyword",
  "destination.ip": "ip",
  "destination.port": "long",
  "destination.domain": "keyword",
  "network.transport": "keyword",
  "network.protocol": "keyword",
  "network.direction": "keyword",
  "network.type": "keyword",
  "dns.question.name": "keyword",
  "dns.question.registered_domain": "keyword",
  "dns.question.subdomain": "keyword",
  "dns.question.top_level_domain": "keyword",
  "dns.resolved_ip": "ip",
  "dns.answers.data": "keyword",
  "dns.answers.type": "keyword",
  "related.user": "keyword",
  "related.hash": "keyword",
  "related.hosts": "keyword",
  "related.ip": "ip",
};

const WINLOG: Readonly<Record<string, EsFieldType>> = {
  "winlog.channel": "keyword",
  "winlog.computer_name": "keyword",
  "winlog.event_id": "keyword",
  "winlog.provider_name": "keyword",
  "winlog.provider_guid": "keyword",
  "winlog.record_id": "keyword",
  "winlog.opcode": "keyword",
  "winlog.task": "keyword",
  "winlog.keywords": "keyword",
  "winlog.activity_id": "keyword",
  "winlog.version": "long",
  "winlog.process.pid": "long",
  "winlog.process.thread.id": "long",
  "winlog.user.identifier": "keyword",
  "winlog.user.name": "keyword",
  "winlog.user.domain": "keyword",
  "winlog.user.type": "keyword",
  "winlog.logon.id": "keyword",
  "winlog.logon.type": "keyword",
};

const SYSMON: Readonly<Record<string, EsFieldType>> = {
  "sysmon.dns.status": "keyword",
  "sysmon.file.archived": "boolean",
  "sysmon.file.is_executable": "boolean",
  "file.code_signature.signed": "boolean",
};

const POWERSHELL: Readonly<Record<string, EsFieldType>> = {
  "powershell.id": "keyword",
  "powershell.pipeline_id": "keyword",
  "powershell.runspace_id": "keyword",
  "powershell.sequence": "long",
  "powershell.total": "long",
  "powershell.command.path": "keyword",
  "powershell.command.name": "keyword",
  "powershell.command.type": "keyword",
  "powershell.command.value": "text",
  "powershell.command.invocation_details.type": "keyword",
  "powershell.command.invocation_details.related_command": "keyword",
  "powershell.command.invocation_details.name": "keyword",
  "powershell.command.invocation_details.value": "text",
  "powershell.engine.version": "keyword",
  "powershell.engine.previous_state": "keyword",
  "powershell.engine.new_state": "keyword",
  "powershell.file.script_block_id": "keyword",
  "powershell.file.script_block_text": "text",
  "powershell.file.script_block_hash": "keyword",
  "powershell.process.executable_version": "keyword",
  "powershell.provider.new_state": "keyword",
  "powershell.provider.name": "keyword",
};

/** The Windows data streams and the integration-specific tables each adds to ECS and winlog.*. */
export const WINDOWS_DATASETS: Readonly<Record<string, Readonly<Record<string, EsFieldType>>>> = {
  "windows.sysmon_operational": SYSMON,
  "windows.powershell_operational": POWERSHELL,
  "windows.powershell": POWERSHELL,
  "system.security": {},
  "system.system": {},
  "system.application": {},
  "windows.windows_defender": {},
  "winlog.winlog": {},
};

/**
 * A field's mapping in a document the winlog reader decodes (the Windows data streams' and the
 * sysmon_linux package's shared ECS fields and winlog.yml); undefined where they define none.
 */
export function winlogFieldType(field: string): EsField | undefined {
  const type = ECS[field] ?? WINLOG[field];
  if (type !== undefined) return { type };
  // winlog.event_data and winlog.user_data: objects of keyword leaves (object_type keyword).
  if (field.startsWith("winlog.event_data.") || field.startsWith("winlog.user_data."))
    return { type: "keyword" };
  return undefined;
}

/** A field's mapping in a Windows data stream; undefined where the stream does not define it. */
export function windowsFieldType(dataset: string, field: string): EsField | undefined {
  const own = WINDOWS_DATASETS[dataset];
  if (own === undefined) return undefined;
  const type = own[field];
  return type !== undefined ? { type } : winlogFieldType(field);
}

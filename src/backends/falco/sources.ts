import { DiagnosticError } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";
import { sourceField, type FalcoFieldInfo } from "./source-fields.js";

/**
 * The Falco event sources this backend writes rules for, as data: the plugins a rule of the source
 * needs (required_plugin_versions and the falco.yaml `plugins:` block), what the source renders for a
 * JSON null or a non-string value, a field every event of the source has (for constant true/false),
 * the output line and the tag. Which source a rule uses is the pipeline's `source` (scope.source).
 *
 * Value rendering (what a value test reads where Sigma sees null / a non-string):
 * - k8s_audit (k8saudit + json): a JSON null is the text "null", other non-strings compact JSON;
 * - aws_cloudtrail, gcp_auditlog, github (valyala/fastjson GetStringBytes): any non-string value,
 *   null included, is the empty string, present; okta (Go struct zero values): an absent or null
 *   key is "" too (shared/reference/cloud/falco-plugins/fields.md);
 * - syscall: the kernel's values; there is no JSON null.
 */
export type FalcoSourceName =
  "k8s_audit" | "syscall" | "aws_cloudtrail" | "gcp_auditlog" | "okta" | "github";

export interface FalcoPlugin {
  readonly name: string;
  /** The version the field tables were read from (falcosecurity/plugins @ 0b3cbd8d). */
  readonly version: string;
  readonly library_path: string;
  /** Where the events come from; a site edits it (an S3 bucket, an SQS queue, a subscription…). */
  readonly open_params?: string;
  /** Settings the plugin cannot start without (placeholders a site fills in). */
  readonly init_config?: Readonly<Record<string, string>> | "";
}

export interface FalcoSource {
  readonly name: FalcoSourceName;
  /** Plugins the source needs, the event source plugin first. */
  readonly plugins: readonly FalcoPlugin[];
  /** What the source reads for a JSON null (undefined: the source has no JSON null). */
  readonly nullText?: string;
  /** A field available on every event of the source, for constant true/false. */
  readonly alwaysField: string;
  /** The output line's fields (`%field`). */
  readonly output: string;
  /** The Falco tag of the source's rules. */
  readonly tag: string;
}

const JSON_PLUGIN: FalcoPlugin = { name: "json", version: "0.7.0", library_path: "libjson.so" };

export const FALCO_SOURCES: Readonly<Record<FalcoSourceName, FalcoSource>> = {
  k8s_audit: {
    name: "k8s_audit",
    plugins: [
      {
        name: "k8saudit",
        version: "0.7.0",
        library_path: "libk8saudit.so",
        open_params: "http://:9765/k8s-audit",
        init_config: "",
      },
      JSON_PLUGIN,
    ],
    nullText: "null",
    alwaysField: "ka.auditid",
    output:
      "user=%ka.user.name verb=%ka.verb target=%ka.target.namespace/%ka.target.resource/%ka.target.name" +
      " uri=%ka.uri sourceips=%json.value[/sourceIPs] useragent=%ka.useragent code=%ka.response.code",
    tag: "k8s",
  },
  syscall: {
    name: "syscall",
    plugins: [],
    alwaysField: "evt.type",
    output:
      "evt_type=%evt.type user=%user.name user_uid=%user.uid process=%proc.name proc_exepath=%proc.exepath" +
      " command=%proc.cmdline parent=%proc.pname parent_exepath=%proc.pexepath terminal=%proc.tty" +
      " cwd=%proc.cwd fd_name=%fd.name",
    tag: "host",
  },
  aws_cloudtrail: {
    name: "aws_cloudtrail",
    plugins: [
      {
        name: "cloudtrail",
        version: "0.17.1",
        library_path: "libcloudtrail.so",
        open_params: "s3://my-bucket/AWSLogs/",
        init_config: "",
      },
      JSON_PLUGIN,
    ],
    nullText: "",
    alwaysField: "evt.source",
    output:
      "user=%ct.user user_arn=%ct.user.arn event=%ct.name source=%ct.src region=%ct.region" +
      " srcip=%ct.srcip useragent=%ct.useragent error=%ct.error request=%ct.request",
    tag: "aws",
  },
  gcp_auditlog: {
    name: "gcp_auditlog",
    plugins: [
      {
        name: "gcpaudit",
        version: "0.8.1",
        library_path: "libgcpaudit.so",
        open_params: "your-subscription-id",
        init_config: { project_id: "your-gcp-project-id" },
      },
      JSON_PLUGIN,
    ],
    nullText: "",
    alwaysField: "evt.source",
    output:
      "user=%gcp.user method=%gcp.methodName service=%gcp.serviceName resource=%gcp.resourceName" +
      " project=%gcp.projectId callerip=%gcp.callerIP useragent=%gcp.userAgent",
    tag: "gcp",
  },
  okta: {
    name: "okta",
    plugins: [
      {
        name: "okta",
        version: "0.12.0",
        library_path: "libokta.so",
        open_params: "",
        init_config: { organization: "your-org", api_token: "your-api-token" },
      },
    ],
    nullText: "",
    alwaysField: "evt.source",
    output:
      "event=%okta.evt.type actor=%okta.actor.alternateid actor_name=%okta.actor.name" +
      " ip=%okta.client.ip result=%okta.result message=%okta.message",
    tag: "okta",
  },
  github: {
    name: "github",
    plugins: [
      {
        name: "github",
        version: "0.10.1",
        library_path: "libgithub.so",
        open_params: "*",
        init_config: { websocketServerURL: "https://your-falco-host.example.com" },
      },
    ],
    nullText: "",
    alwaysField: "evt.source",
    output:
      "type=%github.type action=%github.action user=%github.user repo=%github.repo.name org=%github.org",
    tag: "github",
  },
};

function isSourceName(x: string): x is FalcoSourceName {
  return Object.hasOwn(FALCO_SOURCES, x);
}

/** The rule's event source: the pipeline's `source`, k8s_audit when a pipeline names none. */
export function falcoSource(ctx: BackendContext): FalcoSource {
  const raw = ctx.mapping?.settings.source;
  const name = typeof raw === "string" ? raw : "k8s_audit";
  if (isSourceName(name)) return FALCO_SOURCES[name];
  throw new DiagnosticError({
    severity: "error",
    code: "UNKNOWN_FALCO_SOURCE",
    message: `the pipeline names Falco event source '${name}', which this backend does not write rules for (sources: ${Object.keys(FALCO_SOURCES).join(", ")})`,
    file: ctx.rule.source.path,
    target: "falco",
  });
}

/** A field reference `name[arg]` split, or undefined when it is not one. */
export function splitField(field: string): { name: string; arg?: string } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+)(?:\[([^\][\s"']+)\])?$/.exec(
    field,
  );
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, arg: m[2] };
}

/** The field's table entry in the source, or why the source cannot read it. */
export function fieldInSource(
  source: FalcoSource,
  field: string,
): { ok: true; info: FalcoFieldInfo } | { ok: false; why: string } {
  const parts = splitField(field);
  if (parts === undefined)
    return {
      ok: false,
      why: `'${field}' is not a Falco field name (a Falco field has a dot: class.field[argument])`,
    };
  const info = sourceField(source.name, parts.name);
  if (info === undefined)
    return { ok: false, why: `the ${source.name} event source has no field ${parts.name}` };
  if (info.arg === "required" && parts.arg === undefined)
    return { ok: false, why: `${parts.name} needs an argument ([…])` };
  if (info.arg === "none" && parts.arg !== undefined)
    return { ok: false, why: `${parts.name} takes no argument` };
  return { ok: true, info };
}

/** What field f of the source reads for a JSON null: json.value renders JSON, null as "null". */
export function nullTextOf(source: FalcoSource, f: string): string | undefined {
  return /^(json|jevt)\.value\[/.test(f) ? "null" : source.nullText;
}

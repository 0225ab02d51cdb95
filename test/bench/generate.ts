import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { createGzip } from "node:zlib";

/**
 * A seeded generator of realistic Kubernetes audit NDJSON (audit.k8s.io/v1 events, the shape of
 * the captures in shared/reference/community-captures): mostly get/list/watch and lease renewals by
 * controllers and nodes, kubelet TokenRequests by system:node:*, control-plane TokenRequests, and a
 * small share (default 0.05 %) of TokenRequests by non-system identities, some of them look-alikes
 * (`System:Node:x`) that a case-insensitive exclusion would hide. Lines are 1–2 KB. The same
 * options always produce the same bytes.
 */

export interface GenerateOptions {
  readonly events: number;
  readonly seed: number;
  /** Share of events that are TokenRequests by a non-system identity. Default 0.0005. */
  readonly suspiciousShare?: number;
}

/** mulberry32: tiny, fast, and good enough for synthetic data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NODES = Array.from(
  { length: 40 },
  (_, i) => `ip-10-0-${(i * 7) % 256}-${(i * 13) % 256}.ec2.internal`,
);
const NAMESPACES = [
  "kube-system",
  "default",
  "monitoring",
  "ingress-nginx",
  "payments",
  "cert-manager",
  "argocd",
  "logging",
];
const SERVICE_ACCOUNTS = [
  "default",
  "coredns",
  "aws-node",
  "ebs-csi-controller-sa",
  "prometheus",
  "fluent-bit",
  "argocd-server",
  "payments-api",
  "ingress-nginx",
  "cert-manager",
];
const CONTROLLERS = [
  "system:kube-controller-manager",
  "system:kube-scheduler",
  "system:serviceaccount:kube-system:replicaset-controller",
  "system:serviceaccount:kube-system:endpointslice-controller",
  "system:serviceaccount:kube-system:generic-garbage-collector",
  "system:serviceaccount:kube-system:namespace-controller",
  "system:apiserver",
  "eks:node-manager",
  "system:serviceaccount:monitoring:prometheus",
];
const READ_RESOURCES: readonly [string, string][] = [
  ["pods", ""],
  ["nodes", ""],
  ["configmaps", ""],
  ["endpoints", ""],
  ["services", ""],
  ["secrets", ""],
  ["serviceaccounts", ""],
  ["deployments", "apps"],
  ["replicasets", "apps"],
  ["endpointslices", "discovery.k8s.io"],
  ["leases", "coordination.k8s.io"],
  ["events", "events.k8s.io"],
];
/** Non-system identities that mint tokens; the look-alikes differ from excluded names only in case. */
const SUSPICIOUS_USERS = [
  "alice@example.com",
  "kubernetes-admin",
  "system:serviceaccount:ci:deployer",
  "System:Node:ip-10-0-1-1.ec2.internal",
  "oidc:bob",
  "arn:aws:iam::123456789012:role/dev-admin",
  "system:serviceaccount:default:payments-api",
];
const USER_AGENTS = {
  kubelet: "kubelet/v1.29.3 (linux/amd64) kubernetes/6813625",
  kcm: "kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/system:serviceaccount:kube-system:token-controller",
  kubectl: "kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819",
  client: "Go-http-client/2.0",
};

class EventFactory {
  private readonly rand: () => number;
  private clock = Date.UTC(2025, 8, 1, 0, 0, 0);

  constructor(seed: number) {
    this.rand = prng(seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  private hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(this.rand() * 16)];
    return s;
  }

  private uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }

  private times(): { requestReceivedTimestamp: string; stageTimestamp: string } {
    this.clock += Math.floor(this.rand() * 4) + 1;
    const received = new Date(this.clock);
    const done = new Date(this.clock + Math.floor(this.rand() * 30));
    const iso = (d: Date): string =>
      d.toISOString().replace("Z", "") + this.hex(3).replace(/\D/g, "0") + "Z";
    return { requestReceivedTimestamp: iso(received), stageTimestamp: iso(done) };
  }

  private base(
    verb: string,
    uri: string,
    user: object,
    agent: string,
    objectRef: object,
  ): Record<string, unknown> {
    return {
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      level: "Metadata",
      auditID: this.uuid(),
      stage: "ResponseComplete",
      requestURI: uri,
      verb,
      user,
      sourceIPs: [`10.0.${Math.floor(this.rand() * 256)}.${Math.floor(this.rand() * 256)}`],
      userAgent: agent,
      objectRef,
    };
  }

  private finish(
    e: Record<string, unknown>,
    code: number,
    decision: string,
    reason: string,
  ): Record<string, unknown> {
    e["responseStatus"] =
      code >= 400
        ? { metadata: {}, status: "Failure", reason: "Forbidden", code }
        : { metadata: {}, code };
    Object.assign(e, this.times());
    e["annotations"] = {
      "authorization.k8s.io/decision": decision,
      "authorization.k8s.io/reason": reason,
      "apiserver.latency.k8s.io/total": `${Math.floor(this.rand() * 900)}.${this.hex(3).replace(/\D/g, "1")}ms`,
    };
    return e;
  }

  private nodeUser(node: string): object {
    return {
      username: `system:node:${node}`,
      uid: this.uuid(),
      groups: ["system:nodes", "system:authenticated"],
      // EKS nodes authenticate through IAM; the authenticator adds these extras.
      extra: {
        accessKeyId: [`ASIA${this.hex(16).toUpperCase()}`],
        arn: [`arn:aws:sts::123456789012:assumed-role/eks-node-role/i-0${this.hex(16)}`],
        canonicalArn: ["arn:aws:iam::123456789012:role/eks-node-role"],
        principalId: [`AROA${this.hex(17).toUpperCase()}`],
        sessionName: [`i-0${this.hex(16)}`],
      },
    };
  }

  readEvent(): Record<string, unknown> {
    const [resource, group] = this.pick(READ_RESOURCES);
    const verb = this.pick(["get", "get", "list", "watch"]);
    const ns = this.pick(NAMESPACES);
    const name = `${this.pick(SERVICE_ACCOUNTS)}-${this.hex(5)}`;
    const prefix = group === "" ? "/api/v1" : `/apis/${group}/v1`;
    const uri =
      verb === "get"
        ? `${prefix}/namespaces/${ns}/${resource}/${name}`
        : `${prefix}/namespaces/${ns}/${resource}?resourceVersion=${Math.floor(this.rand() * 1e7)}&timeout=7m${verb === "watch" ? "&watch=true" : ""}`;
    const byNode = this.rand() < 0.4;
    const node = this.pick(NODES);
    const user = byNode
      ? this.nodeUser(node)
      : {
          username: this.pick(CONTROLLERS),
          uid: this.uuid(),
          groups: [
            "system:serviceaccounts",
            "system:serviceaccounts:kube-system",
            "system:authenticated",
          ],
          extra: { "authentication.kubernetes.io/credential-id": [`JTI=${this.uuid()}`] },
        };
    const objectRef: Record<string, string> = { resource, namespace: ns, apiVersion: "v1" };
    if (group !== "") objectRef["apiGroup"] = group;
    if (verb === "get") objectRef["name"] = name;
    const e = this.base(verb, uri, user, byNode ? USER_AGENTS.kubelet : USER_AGENTS.kcm, objectRef);
    return this.finish(
      e,
      200,
      "allow",
      byNode
        ? ""
        : `RBAC: allowed by ClusterRoleBinding "system:controller:${resource}" of ClusterRole "system:controller:${resource}" to ServiceAccount "${resource}-controller/kube-system"`,
    );
  }

  leaseUpdate(): Record<string, unknown> {
    const node = this.pick(NODES);
    const uri = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`;
    const e = this.base("update", uri, this.nodeUser(node), USER_AGENTS.kubelet, {
      resource: "leases",
      namespace: "kube-node-lease",
      name: node,
      uid: this.uuid(),
      apiGroup: "coordination.k8s.io",
      apiVersion: "v1",
      resourceVersion: String(Math.floor(this.rand() * 1e7)),
    });
    e["level"] = "RequestResponse";
    const times = this.times();
    e["requestObject"] = {
      kind: "Lease",
      apiVersion: "coordination.k8s.io/v1",
      metadata: {
        name: node,
        namespace: "kube-node-lease",
        ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node, uid: this.uuid() }],
      },
      spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: times.stageTimestamp },
    };
    return this.finish(e, 200, "allow", "");
  }

  tokenRequest(
    user: object,
    agent: string,
    ns: string,
    sa: string,
    code: number,
  ): Record<string, unknown> {
    const uri = `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`;
    const e = this.base("create", uri, user, agent, {
      resource: "serviceaccounts",
      namespace: ns,
      name: sa,
      apiVersion: "v1",
      subresource: "token",
    });
    e["level"] = "RequestResponse";
    const pod = `${sa}-${this.hex(10)}-${this.hex(5)}`;
    e["requestObject"] = {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: {
        audiences: ["https://kubernetes.default.svc"],
        expirationSeconds: 3607,
        boundObjectRef: { kind: "Pod", apiVersion: "v1", name: pod, uid: this.uuid() },
      },
      status: { token: "", expirationTimestamp: null },
    };
    if (code < 400) {
      e["responseObject"] = {
        kind: "TokenRequest",
        apiVersion: "authentication.k8s.io/v1",
        metadata: { name: sa, namespace: ns, creationTimestamp: "2025-09-01T00:00:00Z" },
        spec: {
          audiences: ["https://kubernetes.default.svc"],
          expirationSeconds: 3607,
          boundObjectRef: { kind: "Pod", apiVersion: "v1", name: pod },
        },
        status: { token: "[REDACTED]", expirationTimestamp: "2025-09-01T01:00:07Z" },
      };
      e["annotations"] = {};
    }
    const finished = this.finish(
      e,
      code,
      code < 400 ? "allow" : "forbid",
      code < 400 ? "" : "no relationship found between node and this object",
    );
    if (code < 400)
      (finished["annotations"] as Record<string, string>)[
        "authentication.kubernetes.io/issued-credential-id"
      ] = `JTI=${this.uuid()}`;
    return finished;
  }

  kubeletTokenRequest(): Record<string, unknown> {
    const node = this.pick(NODES);
    return this.tokenRequest(
      this.nodeUser(node),
      USER_AGENTS.kubelet,
      this.pick(NAMESPACES),
      this.pick(SERVICE_ACCOUNTS),
      this.rand() < 0.98 ? 201 : 403,
    );
  }

  controllerTokenRequest(): Record<string, unknown> {
    const user = { username: "system:kube-controller-manager", groups: ["system:authenticated"] };
    return this.tokenRequest(
      user,
      USER_AGENTS.kcm,
      "kube-system",
      this.pick(SERVICE_ACCOUNTS),
      201,
    );
  }

  suspiciousTokenRequest(): Record<string, unknown> {
    const username = this.pick(SUSPICIOUS_USERS);
    const user = { username, uid: this.uuid(), groups: ["system:authenticated", "dev-admins"] };
    return this.tokenRequest(
      user,
      this.pick([USER_AGENTS.kubectl, USER_AGENTS.client]),
      this.pick(NAMESPACES),
      this.pick(SERVICE_ACCOUNTS),
      this.rand() < 0.8 ? 201 : 403,
    );
  }

  /** A kubectl apply of a ConfigMap: the last-applied annotation puts escaped JSON (`\"`) on the line. */
  userApply(): Record<string, unknown> {
    const ns = this.pick(NAMESPACES);
    const name = `app-config-${this.hex(4)}`;
    const user = {
      username: "kubernetes-admin",
      groups: ["system:masters", "system:authenticated"],
    };
    const e = this.base(
      "patch",
      `/api/v1/namespaces/${ns}/configmaps/${name}?fieldManager=kubectl-client-side-apply`,
      user,
      USER_AGENTS.kubectl,
      {
        resource: "configmaps",
        namespace: ns,
        name,
        apiVersion: "v1",
      },
    );
    e["level"] = "Request";
    const data = {
      "app.yaml": `replicas: ${Math.floor(this.rand() * 9)}\nlog: info\npath: C:\\data\\${this.hex(4)}`,
    };
    e["requestObject"] = {
      metadata: {
        annotations: {
          "kubectl.kubernetes.io/last-applied-configuration":
            JSON.stringify({
              apiVersion: "v1",
              kind: "ConfigMap",
              data,
              metadata: { name, namespace: ns },
            }) + "\n",
        },
      },
      data,
    };
    return this.finish(e, 200, "allow", "");
  }

  next(suspiciousShare: number): Record<string, unknown> {
    const r = this.rand();
    if (r < suspiciousShare) return this.suspiciousTokenRequest();
    const x = this.rand();
    // Shares of a busy cluster: watches and reads dominate, every node renews its lease every
    // 10 s, and each pod's projected token is refreshed by its kubelet about hourly.
    if (x < 0.025) return this.kubeletTokenRequest();
    if (x < 0.03) return this.controllerTokenRequest();
    if (x < 0.06) return this.userApply();
    if (x < 0.3) return this.leaseUpdate();
    return this.readEvent();
  }
}

/** The events as NDJSON lines (without newline). */
export function* generateEvents(options: GenerateOptions): Generator<string> {
  const factory = new EventFactory(options.seed);
  const share = options.suspiciousShare ?? 0.0005;
  for (let i = 0; i < options.events; i++) yield JSON.stringify(factory.next(share));
}

export const CACHE_DIR = join(process.cwd(), ".cache", "bench");

/**
 * Writes the log under .cache/bench/ (git-ignored) unless a file for the same options exists,
 * and returns its path. Written to a temporary name first, so an interrupted run leaves no
 * half file that a later run would trust.
 */
export async function ensureAuditLog(
  options: GenerateOptions & { readonly gzip?: boolean },
): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const share = options.suspiciousShare ?? 0.0005;
  const name = `audit-${options.events}-s${options.seed}-p${share}.ndjson${options.gzip === true ? ".gz" : ""}`;
  const path = join(CACHE_DIR, name);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const temp = `${path}.${process.pid}.tmp`;
  const file = createWriteStream(temp);
  const gzip = options.gzip === true ? createGzip() : null;
  if (gzip !== null) gzip.pipe(file);
  const out = gzip ?? file;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const ok = out.write(batch.join("\n") + "\n");
    batch = [];
    if (!ok) await once(out, "drain");
  };
  for (const line of generateEvents(options)) {
    batch.push(line);
    if (batch.length === 2000) await flush();
  }
  await flush();
  out.end();
  await once(file, "finish");
  renameSync(temp, path);
  return path;
}

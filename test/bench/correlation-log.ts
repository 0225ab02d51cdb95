import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { CACHE_DIR, generateEvents, prng } from "./generate.js";

/**
 * The generated audit log of generate.ts with correlation episodes woven into it, in time order:
 * bursts of forbidden secret reads (15-25 reads, some enough for the 20-in-5-minutes rule),
 * identities minting tokens for several service accounts, TokenRequests followed (or not, or too
 * late) by a cluster-wide secret list, and kube-system execs, node-proxy reads and impersonation
 * by one identity minutes apart. Episode actors come from a pool of 40 users, so groups overlap
 * in time. The same options always give the same bytes.
 */

export interface CorrelationLogOptions {
  readonly events: number;
  readonly seed: number;
  /** About one episode starts every this many background events. Default 400. */
  readonly episodeEvery?: number;
}

const STAMP = /"stageTimestamp":"([^"]+)"/;
const SERVICE_ACCOUNTS = ["api", "worker", "cron", "billing", "ledger", "reports", "backup", "etl"];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

interface Pending {
  readonly at: number;
  readonly event: Record<string, unknown>;
}

class Episodes {
  private readonly rand: () => number;
  private readonly pending: Pending[] = [];
  private serial = 0;

  constructor(seed: number) {
    this.rand = prng(seed ^ 0x5eed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }

  private user(): Record<string, unknown> {
    const n = Math.floor(this.rand() * 40);
    return {
      username: `actor${n}@corp.example`,
      groups: ["oidc:engineering", "system:authenticated"],
    };
  }

  private event(at: number, shape: Record<string, unknown>): void {
    const id = (this.serial++).toString(16).padStart(12, "0");
    this.pending.push({
      at,
      event: {
        kind: "Event",
        apiVersion: "audit.k8s.io/v1",
        level: "Metadata",
        auditID: `00000000-0000-4000-8000-${id}`,
        stage: "ResponseComplete",
        userAgent: "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
        sourceIPs: ["10.12.9.44"],
        ...shape,
        requestReceivedTimestamp: iso(at - 3),
        stageTimestamp: iso(at),
      },
    });
  }

  /** Starts an episode at `now` (ms); its events wait in `pending` until the log reaches them. */
  start(now: number): void {
    const user = this.user();
    const kind = this.pick(["burst", "tokens", "mint", "node"]);
    let t = now;
    const step = (lo: number, hi: number): number =>
      (t += Math.floor(lo + this.rand() * (hi - lo)));
    switch (kind) {
      case "burst":
        for (let i = 0, n = 15 + Math.floor(this.rand() * 11); i < n; i++)
          this.event(step(2_000, 20_000), {
            verb: "get",
            requestURI: "/api/v1/namespaces/payments/secrets/db-credentials",
            user,
            objectRef: {
              resource: "secrets",
              namespace: "payments",
              name: "db-credentials",
              apiVersion: "v1",
            },
            responseStatus: { metadata: {}, status: "Failure", reason: "Forbidden", code: 403 },
          });
        return;
      case "tokens":
        for (let i = 0, n = 3 + Math.floor(this.rand() * 6); i < n; i++) {
          const sa = this.pick(SERVICE_ACCOUNTS);
          this.event(step(10_000, 120_000), {
            verb: "create",
            requestURI: `/api/v1/namespaces/payments/serviceaccounts/${sa}/token`,
            user,
            objectRef: {
              resource: "serviceaccounts",
              namespace: "payments",
              name: sa,
              apiVersion: "v1",
              subresource: "token",
            },
            responseStatus: { metadata: {}, code: 201 },
          });
        }
        return;
      case "mint":
        this.event(t, {
          verb: "create",
          requestURI: "/api/v1/namespaces/payments/serviceaccounts/backup/token",
          user,
          objectRef: {
            resource: "serviceaccounts",
            namespace: "payments",
            name: "backup",
            apiVersion: "v1",
            subresource: "token",
          },
          responseStatus: { metadata: {}, code: 201 },
        });
        this.event(step(20_000, 200_000), {
          verb: "list",
          requestURI: "/api/v1/secrets?limit=500",
          user,
          objectRef: { resource: "secrets", apiVersion: "v1" },
          responseStatus: { metadata: {}, code: 200 },
        });
        return;
      case "node":
        for (const technique of [
          this.pick(["exec", "proxy", "imp"]),
          this.pick(["exec", "proxy", "imp"]),
        ]) {
          const at = step(30_000, 900_000);
          if (technique === "exec")
            this.event(at, {
              verb: "create",
              stage: "ResponseStarted",
              requestURI:
                "/api/v1/namespaces/kube-system/pods/coredns-5d78c9869d-x2x7k/exec?command=sh&stdin=true&tty=true",
              user,
              objectRef: {
                resource: "pods",
                namespace: "kube-system",
                name: "coredns-5d78c9869d-x2x7k",
                apiVersion: "v1",
                subresource: "exec",
              },
              responseStatus: { metadata: {}, code: 101 },
            });
          else if (technique === "proxy")
            this.event(at, {
              verb: "get",
              requestURI: "/api/v1/nodes/ip-10-0-1-5.ec2.internal/proxy/runningpods/",
              user,
              objectRef: {
                resource: "nodes",
                name: "ip-10-0-1-5.ec2.internal",
                apiVersion: "v1",
                subresource: "proxy",
              },
              responseStatus: { metadata: {}, code: 200 },
            });
          else
            this.event(at, {
              verb: "list",
              requestURI: "/api/v1/namespaces/default/configmaps?limit=500",
              user,
              impersonatedUser: {
                username: "system:node:ip-10-0-1-5.ec2.internal",
                groups: ["system:nodes"],
              },
              objectRef: { resource: "configmaps", namespace: "default", apiVersion: "v1" },
              responseStatus: { metadata: {}, code: 200 },
            });
        }
        return;
    }
  }

  /** The episode events due by `now`, in time order. */
  due(now: number): string[] {
    this.pending.sort((a, b) => a.at - b.at);
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.at <= now) n++;
    return this.pending.splice(0, n).map((p) => JSON.stringify(p.event));
  }

  rest(): string[] {
    return this.due(Infinity);
  }

  chance(p: number): boolean {
    return this.rand() < p;
  }
}

/** The lines (without newline): `events` background events plus the episodes' events. */
export function* generateCorrelationLog(options: CorrelationLogOptions): Generator<string> {
  const episodes = new Episodes(options.seed);
  const every = options.episodeEvery ?? 400;
  for (const line of generateEvents({ events: options.events, seed: options.seed })) {
    const m = STAMP.exec(line);
    const now = m === null ? NaN : Date.parse(m[1]!);
    if (!Number.isNaN(now)) {
      yield* episodes.due(now);
      if (episodes.chance(1 / every)) episodes.start(now);
    }
    yield line;
  }
  yield* episodes.rest();
}

/** Writes the log under .cache/bench/ unless it exists; returns its path. */
export async function ensureCorrelationLog(options: CorrelationLogOptions): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(
    CACHE_DIR,
    `correlations-${options.events}-s${options.seed}-e${options.episodeEvery ?? 400}.ndjson`,
  );
  if (existsSync(path) && statSync(path).size > 0) return path;
  const temp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temp);
  let batch: string[] = [];
  for (const line of generateCorrelationLog(options)) {
    batch.push(line);
    if (batch.length === 2000) {
      if (!out.write(batch.join("\n") + "\n")) await once(out, "drain");
      batch = [];
    }
  }
  if (batch.length > 0) out.write(batch.join("\n") + "\n");
  out.end();
  await once(out, "finish");
  renameSync(temp, path);
  return path;
}

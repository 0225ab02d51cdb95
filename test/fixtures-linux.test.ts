import { describe, expect, it } from "vitest";
import { hasErrors } from "../src/diagnostics.js";
import { evaluate } from "../src/sigma/evaluate.js";
import { inLogsource, sigmaEvent } from "../src/sigma/logsource-membership.js";
import { loadFixtures } from "../src/verify/fixtures.js";
import { corpusRules } from "./helpers/corpus-rules.js";
import { HAVE_CORPUS, SKIP_REASON } from "./helpers/shared-data.js";

/**
 * The Linux family fixtures (test/fixtures/linux/): their shape, and the label check — for every
 * fixture and every corpus rule it is labelled for, the reference evaluator on the raw record
 * (inside the rule's logsource) gives the hand-written label.
 */

const { fixtures, diagnostics } = loadFixtures(["test/fixtures/linux"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;
const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

describe("Linux fixture files", () => {
  it("load without diagnostics, with ids, reasons and labels", () => {
    expect(diagnostics).toEqual([]);
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    const bad: string[] = [];
    for (const f of fixtures) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(f.id)) bad.push(`${f.id}: id is not lower-case kebab`);
      if (f.why.trim().length < 20) bad.push(`${f.id}: why must explain the label`);
      if (f.labelled === undefined || f.labelled.length === 0)
        bad.push(`${f.id}: a family fixture names the rules it labels`);
      for (const id of f.labelled ?? [])
        if (!UUID.test(id)) bad.push(`${f.id}: ${id} is no rule id`);
    }
    expect(bad).toEqual([]);
  });

  it("events are Sysmon for Linux records or audit records (README: Linux events)", () => {
    const bad: string[] = [];
    for (const f of fixtures) {
      const e = f.event;
      if (!isRecord(e)) {
        bad.push(`${f.id}: event is not an object`);
        continue;
      }
      if (e.Channel === "Linux-Sysmon/Operational") {
        if (!Number.isInteger(e.EventID)) bad.push(`${f.id}: EventID must be a number`);
        if (e.Provider_Name !== "Linux-Sysmon") bad.push(`${f.id}: provider is Linux-Sysmon`);
        for (const k of ["ProcessGuid", "ParentProcessGuid", "LogonGuid"])
          if (k in e && (typeof e[k] !== "string" || !GUID.test(e[k])))
            bad.push(`${f.id}: ${k} is not a braced GUID`);
        // Sysmon for Linux names the user without a domain.
        if (typeof e.User === "string" && e.User.includes("\\"))
          bad.push(`${f.id}: a Linux user has no domain`);
        for (const [k, v] of Object.entries(e))
          if (v === null || typeof v === "object")
            bad.push(`${f.id}: ${k} is not a rendered value`);
      } else {
        if (typeof e.type !== "string" || !/^[A-Z_]+$/.test(e.type))
          bad.push(`${f.id}: an audit record's type is upper case`);
        if (typeof e.msg !== "string" || !/^audit\(\d+\.\d{3}:\d+\)$/.test(e.msg))
          bad.push(`${f.id}: msg is the audit(<epoch>:<serial>) header`);
        for (const [k, v] of Object.entries(e)) {
          if (typeof v !== "string" && typeof v !== "number") bad.push(`${f.id}: ${k} is no text`);
          // auditd writes a value holding a space, a quote or a control character as hex.
          if (typeof v === "string" && k !== "msg" && /[\s"\x00-\x1f]/.test(v))
            bad.push(`${f.id}: ${k} would be hex-encoded by auditd`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe.skipIf(!HAVE_CORPUS)("Linux fixture labels (reference evaluator, SigmaHQ corpus)", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  const labelledIds = new Set(fixtures.flatMap((f) => f.labelled ?? []));
  const { rules, missing } = HAVE_CORPUS
    ? corpusRules(labelledIds)
    : { rules: new Map(), missing: [] };

  it("every labelled id names a corpus rule that compiles", () => {
    expect(missing).toEqual([]);
    const broken = [...rules.values()]
      .filter((r) => hasErrors(r.diagnostics))
      .map((r) => r.rule.source.path);
    expect(broken).toEqual([]);
  });

  it("every labelled rule gives the label on the raw event", () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const f of fixtures)
      for (const id of f.labelled ?? []) {
        const r = rules.get(id);
        if (r === undefined) continue;
        checked++;
        const got =
          inLogsource(r.rule.logsource, f.event) &&
          evaluate(r.ir, sigmaEvent(r.rule.logsource, f.event));
        const want = f.matches.includes(id);
        if (got !== want)
          wrong.push(`${f.id} × ${r.rule.title} (${id}): label ${want}, reference ${got}`);
      }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(fixtures.length);
  });
});

import { describe, expect, it } from "vitest";
import { hasErrors } from "../src/diagnostics.js";
import { evaluate } from "../src/sigma/evaluate.js";
import { inLogsource, sigmaEvent } from "../src/sigma/logsource-membership.js";
import { loadFixtures } from "../src/verify/fixtures.js";
import { corpusRules } from "./helpers/corpus-rules.js";
import { HAVE_CORPUS, SKIP_REASON } from "./helpers/shared-data.js";

/**
 * The Windows family fixtures (test/fixtures/windows/): their shape, and the label check — for
 * every fixture and every corpus rule it is labelled for, the reference evaluator on the raw event
 * (inside the rule's logsource) gives the hand-written label.
 */

const { fixtures, diagnostics } = loadFixtures(["test/fixtures/windows"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
/** Values of the GUID type (win:GUID) in Sysmon and Security records: rendered with braces. */
const GUID_FIELDS = new Set([
  "ProcessGuid",
  "ParentProcessGuid",
  "LogonGuid",
  "SourceProcessGUID",
  "TargetProcessGUID",
  "SourceProcessGuid",
  "TargetProcessGuid",
  "TargetLogonGuid",
  "Provider_Guid",
]);

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

describe("Windows fixture files", () => {
  it("load without diagnostics, with ids, reasons and labels", () => {
    expect(diagnostics).toEqual([]);
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

  it("events are real-shaped Windows records (README: Windows events)", () => {
    const bad: string[] = [];
    for (const f of fixtures) {
      const e = f.event;
      if (!isRecord(e)) {
        bad.push(`${f.id}: event is not an object`);
        continue;
      }
      if (!Number.isInteger(e.EventID))
        bad.push(`${f.id}: EventID must be the number Windows writes`);
      for (const k of ["Channel", "Computer", "Provider_Name", "TimeCreated_SystemTime"])
        if (typeof e[k] !== "string" || e[k] === "") bad.push(`${f.id}: ${k} missing`);
      if (!Number.isInteger(e.EventRecordID)) bad.push(`${f.id}: EventRecordID must be a number`);
      for (const [k, v] of Object.entries(e)) {
        // GUIDs are written as Windows renders them, with braces.
        if (GUID_FIELDS.has(k) && (typeof v !== "string" || !GUID.test(v)))
          bad.push(`${f.id}: ${k} is not a braced GUID`);
        if (v === null || (typeof v === "object" && !Array.isArray(v)))
          bad.push(`${f.id}: ${k} is not a rendered value`);
      }
      // Sysmon writes the User of a process as DOMAIN\name.
      if (e.Channel === "Microsoft-Windows-Sysmon/Operational" && typeof e.User === "string")
        if (!e.User.includes("\\")) bad.push(`${f.id}: Sysmon User without a domain`);
    }
    expect(bad).toEqual([]);
  });

  it("record numbers are unique per computer", () => {
    const seen = new Set<string>();
    const dupes: string[] = [];
    for (const f of fixtures) {
      const e = f.event as Record<string, unknown>;
      const key = `${String(e.Computer)}/${String(e.Channel)}/${String(e.EventRecordID)}`;
      if (seen.has(key)) dupes.push(`${f.id}: ${key}`);
      seen.add(key);
    }
    expect(dupes).toEqual([]);
  });
});

describe.skipIf(!HAVE_CORPUS)(
  "Windows fixture labels (reference evaluator, SigmaHQ corpus)",
  () => {
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
  },
);

import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { elasticView } from "../../src/verify/views/elastic.js";

/**
 * What Elastic's PowerShell data holds, as the backend claims it (the seen event) and as the view
 * reproduces the integration: the powershell_operational pipeline trims the script block (its
 * `trim` processor: Java's String.trim, code units up to U+0020), and PowerShell 7's
 * PowerShellCore/Operational channel, part of Sigma's ps_script logsource, is collected by no
 * data stream the query reads.
 */

const text = [
  "title: Script block ends in a space",
  "id: 0b7f3c1e-6a2d-4c58-9e41-3f5a7d2c8b90",
  "logsource:",
  "    product: windows",
  "    category: ps_script",
  "detection:",
  "    selection:",
  "        ScriptBlockText|contains: 'Enable-PSRemoting '",
  "    condition: selection",
].join("\n");
const rule = loadSigmaFile({ path: "ps.yml", text }).documents[0] as SigmaRule;

const raw = (Channel: string, ScriptBlockText: string) => ({
  EventID: 4104,
  Channel,
  Computer: "WS-1.corp.example",
  Provider_Name: "Microsoft-Windows-PowerShell",
  ScriptBlockText,
  ScriptBlockId: "5c1e8a2f-4406-4f1b-9d3a-6b2e8c7f1a0d",
});
const OPERATIONAL = "Microsoft-Windows-PowerShell/Operational";

describe("Elastic's PowerShell script blocks, in every Elastic language", () => {
  for (const format of ["query", "eql", "esql"])
    it(`${format}: the seen block is trimmed and PowerShell 7's events are not stored, or the text field is refused`, async () => {
      const out = await compileForTarget(compileRuleIR(rule), "elastic", { format });
      const codes = out.diagnostics.map((d) => d.code);
      // KQL cannot say `contains` on a text field and EQL cannot search one: refused with a
      // code; ES|QL reads the whole value, and the data notes come with it.
      if (format !== "esql") {
        expect(codes.some((c) => c.startsWith("UNSUPPORTED_TEXT_FIELD"))).toBe(true);
        return;
      }
      expect(codes).toEqual(expect.arrayContaining(["FIDELITY_NOT_COLLECTED"]));
      const seen = out.seen(raw(OPERATIONAL, "\t$x = 1\r\nEnable-PSRemoting \r\n\u0000"));
      expect(seen).toMatchObject({ ScriptBlockText: "$x = 1\r\nEnable-PSRemoting" });
      // Only code units up to U+0020: a no-break space is kept, as Java keeps it.
      expect(out.seen(raw(OPERATIONAL, "Enable-PSRemoting\u00a0"))).toMatchObject({
        ScriptBlockText: "Enable-PSRemoting\u00a0",
      });
      expect(out.seen(raw("PowerShellCore/Operational", "Enable-PSRemoting "))).toBeNull();
    });

  it("ES|QL notes the trim at the predicate", async () => {
    const out = await compileForTarget(compileRuleIR(rule), "elastic", { format: "esql" });
    const trimmed = out.diagnostics.find((d) => d.code === "FIDELITY_VALUE_TRIMMED");
    expect(trimmed?.loc?.line).toBe(8);
  });

  it("the view stores what the claim says: the trimmed block, and PowerShell 7 elsewhere", () => {
    const doc = elasticView.document(raw(OPERATIONAL, " Get-Process \u00a0\r\n")) as {
      powershell?: { file?: { script_block_text?: string } };
    };
    expect(doc.powershell?.file?.script_block_text).toBe("Get-Process \u00a0");
    const core = elasticView.document(raw("PowerShellCore/Operational", "Get-Process")) as {
      data_stream?: { dataset?: string };
    };
    expect(core.data_stream?.dataset).not.toBe("windows.powershell_operational");
  });
});

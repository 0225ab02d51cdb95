/**
 * How many Splunk queries of a rule folder give the search command no index term, and why.
 *
 *   npm run splunk:terms [-- <rules dir>]     (default: the SigmaHQ corpus beside the checkout)
 *
 * A query that begins with `*` makes Splunk read every event of its scope and leave the filtering
 * to `| where`. A mapped logsource's scope (`source=… EventCode=1`) hides that in the text, so
 * each rule is also compiled without a scope (`--option scope=`): the queries that then begin with
 * `*` have no term of their own. Those are listed by the reason the rule has no literal that every
 * match must contain (src/backends/splunk/prefilter.ts).
 */
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prefilterOf } from "../src/backends/splunk/prefilter.js";
import { searchable } from "../src/backends/splunk/print-search.js";
import { compileForTarget, compileRuleIR } from "../src/compile.js";
import { hasErrors } from "../src/diagnostics.js";
import { and } from "../src/ir.js";
import { loadRuleSet } from "../src/rule-set.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = process.argv[2] ?? `${ROOT}../shared/corpus/sigmahq`;
const set = loadRuleSet([dir]);
let queries = 0;
let withScope = 0;
const byReason = new Map<string, string[]>();
for (const rule of set.rules) {
  const ruleIR = compileRuleIR(rule);
  if (hasErrors(ruleIR.diagnostics)) continue;
  const out = await compileForTarget(ruleIR, "splunk");
  if (hasErrors(out.diagnostics)) continue;
  queries++;
  if (out.query.startsWith("*")) withScope++;
  const bare = await compileForTarget(ruleIR, "splunk", { targetOptions: { scope: "" } });
  if (!bare.query.startsWith("*")) continue;
  const e = bare.effective;
  const rest = (e.kind === "and" ? e.items : [e]).filter((x) => !searchable(x));
  const p = prefilterOf(and(rest));
  const reason = p.kind === "none" ? p.reason : "terms found but not printed (a bug)";
  const list = byReason.get(reason) ?? [];
  list.push(relative(resolve(dir), resolve(rule.source.path)));
  byReason.set(reason, list);
}
const star = [...byReason.values()].reduce((n, l) => n + l.length, 0);
process.stdout.write(
  `${queries} Splunk queries: ${withScope} begin with '*'; without their scope clause ${star} do (no index term of the rule):\n`,
);
for (const [reason, files] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
  process.stdout.write(`\n${files.length}  ${reason}\n`);
  for (const f of files.sort()) process.stdout.write(`      ${f}\n`);
}

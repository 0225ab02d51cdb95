import { DuckDBInstance } from '@duckdb/node-api';
import { planHunt } from './dist/src/hunt/plan.js';
import { loadRuleSet } from './dist/src/rule-set.js';
import { readJsonColumns } from './dist/src/verify/sql/audit-table.js';
const set = loadRuleSet(['rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml']);
const plan = planHunt(set.rules, []);
const cond = plan.groups[0].rules[0].condition; const st = plan.groups[0].structure;
const f = '.cache/bench/audit-20000-s1-p0.0005.ndjson';
const c = await (await DuckDBInstance.create(':memory:')).connect();
const qs = {
 objects_count: `select count(*) from read_ndjson_objects('${f}')`,
 objects_transform: `select count(*) from (select unnest(json_transform(json, '${st}')) from read_ndjson_objects('${f}')) where ${cond}`,
 read_json_cols: `select count(*) from read_json('${f}', format='newline_delimited', columns=${readJsonColumns()}) where ${cond}`,
 read_json_ord: `select ordinality from read_json('${f}', format='newline_delimited', columns=${readJsonColumns()}) with ordinality where ${cond}`,
 raw_cast: `select count(*) from (select cast(json as varchar) r from read_ndjson_objects('${f}'))`,
};
for (const [k, q] of Object.entries(qs)) { const t = performance.now(); const r = await c.runAndReadAll(q); console.log(k, (performance.now()-t).toFixed(0), 'ms', JSON.stringify(r.getRows()[0], (_, v) => typeof v === 'bigint' ? Number(v) : v)); }

import { test } from "vitest";
import { interpreterFor } from "../../src/verify/registry.js";
test("x", () => {
  for (const q of ['sourcetype!="kube:apiserver-audit" AND verb="create"', 'verb!="create"', 'sourcetype="a" AND verb!=create | where isnotnull(\'user.username\')']) {
    try { interpreterFor("splunk").compile(q); console.log("ok", q); } catch (e) { console.log("ERR", q, (e as Error).message); }
  }
});

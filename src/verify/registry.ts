import type { TargetName } from "../target-names.js";
import type { Interpreter, TargetView } from "./types.js";
import { elasticView } from "./views/elastic.js";
import { falcoView } from "./views/falco.js";
import { jsView } from "./views/js.js";
import { splunkView } from "./views/splunk.js";
import { kqlInterpreter } from "./kql/index.js";
import { splInterpreter } from "./spl/index.js";
import { falcoInterpreter } from "./falco/index.js";
import { jsInterpreter } from "./js/index.js";

const INTERPRETERS: Readonly<Record<TargetName, Interpreter>> = {
  elastic: kqlInterpreter,
  splunk: splInterpreter,
  falco: falcoInterpreter,
  js: jsInterpreter,
};

const VIEWS: Readonly<Record<TargetName, TargetView>> = {
  elastic: elasticView,
  splunk: splunkView,
  falco: falcoView,
  js: jsView,
};

/** The artifact the parity check reads: the query for the SIEMs, the whole file for Falco and JS. */
const PARITY_FORMATS: Readonly<Record<TargetName, string>> = {
  elastic: "query",
  splunk: "query",
  falco: "rules",
  js: "module",
};

export const interpreterFor = (t: TargetName): Interpreter => INTERPRETERS[t];
export const viewFor = (t: TargetName): TargetView => VIEWS[t];
export const parityFormat = (t: TargetName): string => PARITY_FORMATS[t];

export { eqlInterpreter, createEqlInterpreter } from "./interpret.js";
export { parseEql, decodeEqlString } from "./parse.js";
export type { EqlNode, EqlQuery, Span, CompareOp, PredicateOp } from "./ast.js";

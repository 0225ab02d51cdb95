export { esqlInterpreter, createEsqlInterpreter } from "./interpret.js";
export { parseEsql, decodeEsqlString } from "./parse.js";
export type { EsqlExpr, EsqlQuery, Span, CompareOp } from "./ast.js";

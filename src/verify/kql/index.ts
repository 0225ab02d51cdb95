export { kqlInterpreter, createKqlInterpreter, valuesAt, type FieldTypeOf } from "./interpret.js";
export { parseKql, describeValue } from "./parse.js";
export type { KqlNode, KqlValue, WildcardPart, RangeOp, Span } from "./ast.js";

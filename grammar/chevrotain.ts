import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/**
 * chevrotain, loaded from the single-file bundle its package ships (lib/chevrotain.min.mjs).
 * The package entry pulls in some 250 ES modules (lodash-es) and costs ~200 ms at start-up; the
 * bundle is the same code in one file and loads in ~25 ms, which keeps `sigprism convert` of one
 * rule under the 150 ms cold-start budget. The package's exports map does not list the bundle,
 * so it is found next to the entry that `require.resolve` reports.
 */
const entry = createRequire(import.meta.url).resolve("chevrotain");
const bundle = join(dirname(entry), "..", "chevrotain.min.mjs");
const chevrotain = (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;

export const { CstParser, EmbeddedActionsParser, Lexer, createToken } = chevrotain;
export type { CstElement, CstNode, CustomPatternMatcherFunc, IToken, TokenType } from "chevrotain";

// @runikraft/rkparam: typed kernel command-line parameters (uklibparam).
export type * from './api';
export { CmdlineError, lex, type RkRedirectOp, type RkToken, tokenize } from './cmdline';
export { parseCommandList, type RkCommand, type RkRedirect } from './commands';
export { parseParams, type RkParamParseOptions } from './parse';
export { type Converted, convertValue } from './value';

// @runikraft/rkparam: typed kernel command-line parameters (uklibparam).
export type * from './api';
export { CmdlineError, tokenize } from './cmdline';
export { parseCommandList, type RkCommand } from './commands';
export { parseParams, type RkParamParseOptions } from './parse';
export { type Converted, convertValue } from './value';

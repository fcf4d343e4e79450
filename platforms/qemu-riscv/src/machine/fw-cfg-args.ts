// `-fw_cfg [name=]NAME,file=PATH|string=TEXT` (QEMU vl.c qemu_fw_cfg_opts + parse_fw_cfg): the option's
// syntax, QEMU's checks and messages, and the host file read. gen_id needs QOM objects the model lacks.
import { readFileSync } from 'node:fs';
import { splitOpts } from './backends/net/qemu-opts';
import { checkUserItem, type FwCfgUserItem } from './devices/fw-cfg-items';

/** A parsed `-fw_cfg` and the warning QEMU prints for it (a name outside `opt/`). */
export interface FwCfgArg {
  readonly item: FwCfgUserItem;
  readonly warning?: string;
}

const KEYS = new Set(['name', 'file', 'string', 'gen_id']);
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

/**
 * Parses one `-fw_cfg` argument and loads its blob (a file's bytes, or the string without a NUL).
 * @throws Error with QEMU's message: "Invalid parameter 'k'", "name, plus exactly one of file, string and
 * gen_id, are needed", "name too long (max. 55 char)", "can't load PATH: ...", "Cannot find object ID".
 */
export function parseFwCfgArg(text: string): FwCfgArg {
  const o = splitOpts('-fw_cfg', text);
  const v = new Map(o.values);
  if (o.head !== null) {
    if (v.has('name')) throw new Error("-fw_cfg: Parameter 'name' is given twice");
    v.set('name', o.head);
  }
  for (const k of v.keys()) if (!KEYS.has(k)) throw new Error(`-fw_cfg: Invalid parameter '${k}'`);
  const name = v.get('name') ?? '';
  const given = ['file', 'string', 'gen_id'].filter((k) => (v.get(k) ?? '') !== '');
  if (name === '' || given.length !== 1)
    throw new Error('-fw_cfg: name, plus exactly one of file, string and gen_id, are needed');
  if (given[0] === 'gen_id') throw new Error(`-fw_cfg: Cannot find object ID '${v.get('gen_id')}'`);
  let warning: string | undefined;
  try {
    warning = checkUserItem({ name, data: new Uint8Array(0) });
  } catch (e) {
    throw new Error(`-${(e as Error).message}`);
  }
  const str = v.get('string');
  let data: Uint8Array;
  if (str) data = new TextEncoder().encode(str);
  else {
    const file = v.get('file') as string;
    try {
      data = new Uint8Array(readFileSync(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      throw new Error(
        `-fw_cfg: can't load ${file}: Failed to open file “${file}”: ${STRERROR[code] ?? code}`,
      );
    }
  }
  const item = { name, data };
  return warning ? { item, warning } : { item };
}

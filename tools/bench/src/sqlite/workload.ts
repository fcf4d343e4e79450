// The SQL bench:sqlite and bench:sqlite-runs feed the sqlite3 shell's `.read` (see main.ts's header).
import { writeCpio } from '../../../../packages/rkcpio/src/index';

/** unikraft: Unikraft's app-sqlite-test, one autocommit INSERT per row; transaction: one BEGIN…COMMIT. */
export type SqliteWorkload = 'unikraft' | 'transaction';

/** `value` checked as a workload name; `variable` names the setting in the error. */
export function parseWorkload(variable: string, value: string): SqliteWorkload {
  if (value !== 'unikraft' && value !== 'transaction')
    throw new Error(`${variable}: '${value}' is neither 'unikraft' nor 'transaction'`);
  return value;
}

/** The script of `rows` inserts, ending with a `SELECT count(*)` that prints `rows`. */
export function workloadScript(workload: SqliteWorkload, rows: number): string {
  const sql: string[] = [];
  if (workload === 'unikraft') {
    sql.push('CREATE TABLE tab(id INTEGER PRIMARY KEY, v TEXT);');
    for (let i = 0; i < rows; i++) sql.push("INSERT INTO tab VALUES (null, 'value');");
    sql.push('SELECT count(*) FROM tab;', '');
  } else {
    sql.push('CREATE TABLE t(a INTEGER, b TEXT, c REAL);', 'BEGIN;');
    for (let i = 0; i < rows; i++) sql.push(`INSERT INTO t VALUES(${i}, 'name-${i}', ${i * 1.5});`);
    sql.push('COMMIT;', 'SELECT count(*) FROM t;', '');
  }
  return sql.join('\n');
}

/**
 * A cpio initrd holding `files` (name: text) at its root: booted with `vfs.rootfs=initrd`, the
 * guest's `/` is a ramfs holding them, so the shell reads its script from guest RAM as node:wasi
 * reads it from the host's tmpfs.
 */
export function scriptsInitrd(files: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  return writeCpio(
    Object.entries(files).map(([name, text]) => ({ name, mode: 0o100644, data: enc.encode(text) })),
  );
}

// files: reads /etc/config from the initrd, appends three lines to the log file it names (on
// ramfs), reads the log back and prints everything through /dev/console (fd 1, from devfs).
import type { RkMainArgs } from '@runikraft/rkboot';
import { O_APPEND, O_CREAT, O_RDONLY, O_WRONLY } from '@runikraft/vfscore';

export default async function main({ registry }: RkMainArgs): Promise<number> {
  const vfs = registry.get('vfscore');
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const say = (s: string) => vfs.write(1, enc.encode(`${s}\n`));
  const slurp = async (path: string): Promise<string | number> => {
    const fd = await vfs.open(path, O_RDONLY);
    if (fd < 0) return fd;
    const buf = new Uint8Array(4096);
    let text = '';
    for (let n = await vfs.read(fd, buf); n > 0; n = await vfs.read(fd, buf))
      text += dec.decode(buf.subarray(0, n));
    await vfs.close(fd);
    return text;
  };
  const config = await slurp('/etc/config.link');
  if (typeof config === 'number') {
    await say(`files: /etc/config: errno ${-config}`);
    return 1;
  }
  const kv = new Map(
    config
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('=', 2) as [string, string]),
  );
  await say(`config: greeting=${kv.get('greeting')}`);
  const log = kv.get('log') ?? '/tmp/app.log';
  const dir = log.slice(0, log.lastIndexOf('/'));
  for (let at = dir.indexOf('/', 1); ; at = dir.indexOf('/', at + 1)) {
    await vfs.mkdir(at < 0 ? dir : dir.slice(0, at), 0o755);
    if (at < 0) break;
  }
  for (let i = 1; i <= 3; i++) {
    const fd = await vfs.open(log, O_CREAT | O_WRONLY | O_APPEND, 0o644);
    if (fd < 0) return 2;
    await vfs.write(fd, enc.encode(`entry ${i}: ${kv.get('greeting')}\n`));
    await vfs.close(fd);
  }
  const back = await slurp(log);
  const st = await vfs.stat(log);
  if (typeof back === 'number' || typeof st === 'number') return 3;
  await say(`log: ${log} ${st.size} bytes, ${back.split('\n').filter(Boolean).length} lines`);
  await say(back.trimEnd());
  return 0;
}

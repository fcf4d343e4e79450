// The baselines measured in the same run: nginx with one worker and a Node `http` server, both
// serving httpreply's 612-byte page on 127.0.0.1, and redis-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { INDEX_PAGE, INDEX_PAGE_MTIME } from '../../../../apps/httpreply/src/http/index-page';
import {
  freePort,
  type RunningNginx,
  startNginx,
} from '../../../../apps/httpreply/test/support/nginx';
import { type RunningRedis, startRedis } from '../../../../apps/kvstore/test/support/redis';

export { type RunningRedis, startRedis };

export function startNginxBaseline(): Promise<RunningNginx> {
  return startNginx({ '/index.html': INDEX_PAGE }, INDEX_PAGE_MTIME);
}

export interface RunningNode {
  port: number;
  stop(): Promise<void>;
}

/** A Node `http` server in its own process answering every request with the 612 bytes. */
export async function startNodeHttp(): Promise<RunningNode> {
  const port = await freePort();
  const page = Buffer.from(INDEX_PAGE).toString('base64');
  const src = `const b=Buffer.from('${page}','base64');require('http').createServer((q,r)=>{r.writeHead(200,{'Content-Type':'text/html','Content-Length':b.length});r.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`;
  const child: ChildProcess = spawn(process.execPath, ['-e', src], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`node http baseline exited (${c})`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const done = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await done;
      }
    },
  };
}

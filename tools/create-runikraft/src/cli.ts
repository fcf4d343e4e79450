// The command line: `create-runikraft [dir] [--template helloworld|http] [--component <iface>] [--name <pkg>]`.
import { relative } from 'node:path';
import { CreateError, scaffold } from './scaffold';
import { APP_TEMPLATES, appTemplate, COMPONENT_TEMPLATES, componentTemplate } from './templates';
import { ownVersion } from './versions';

const usage = (): string =>
  [
    `create-runikraft ${ownVersion()} — start a Runikraft unikernel or component`,
    '',
    'usage: npm create runikraft@latest [dir] [-- options]',
    '       create-runikraft [dir] [options]',
    '',
    'options:',
    '  --template NAME     an app (default helloworld):',
    ...APP_TEMPLATES.map((t) => `                        ${t.name.padEnd(11)} ${t.summary}`),
    '  --component IFACE   a package providing an interface, its conformance kit in its tests:',
    ...COMPONENT_TEMPLATES.map((t) => `                        ${t.iface.padEnd(11)} ${t.summary}`),
    '  --name PKG          the package name (default: the folder name)',
    '  -h, --help          this text',
    '',
  ].join('\n');

export interface CreateIo {
  out(s: string): void;
  err(s: string): void;
  cwd: string;
}

/** Runs one command line. @returns the exit status: 0, 1 (refused), 2 (usage error). */
export function createMain(args: readonly string[], io: CreateIo): number {
  let dir: string | undefined;
  let template: string | undefined;
  let component: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('-'))
        throw new CreateError(`create-runikraft: ${a} needs a value`);
      return v;
    };
    try {
      if (a === '-h' || a === '--help') {
        io.out(usage());
        return 0;
      } else if (a === '--template' || a === '-t') template = value();
      else if (a === '--component') component = value();
      else if (a === '--name') name = value();
      else if (a.startsWith('-'))
        throw new CreateError(`create-runikraft: unknown option ${a} (see --help)`);
      else if (dir === undefined) dir = a;
      else throw new CreateError(`create-runikraft: one folder only (got ${dir} and ${a})`);
    } catch (e) {
      io.err(`${(e as Error).message}\n`);
      return 2;
    }
  }
  if (template !== undefined && component !== undefined) {
    io.err('create-runikraft: --template and --component exclude each other\n');
    return 2;
  }
  const t =
    component !== undefined ? componentTemplate(component) : appTemplate(template ?? 'helloworld');
  if (t === undefined) {
    const known =
      component !== undefined
        ? COMPONENT_TEMPLATES.map((c) => c.iface)
        : APP_TEMPLATES.map((c) => c.name);
    io.err(
      `create-runikraft: no ${component !== undefined ? `component template for '${component}'` : `template '${template}'`} (known: ${known.join(', ')})\n`,
    );
    return 2;
  }
  const target = dir ?? (t.kind === 'app' ? 'my-unikernel' : `my-${t.iface}`);
  try {
    const made = scaffold(t, target, name);
    const shown = relative(io.cwd, made.dir) || '.';
    const next =
      t.kind === 'app'
        ? ['npm install', 'npx rk run']
        : ['npm install', `npm test    # the conformance kit of ${t.iface}`];
    io.out(
      [
        `Created ${made.packageName} in ${shown} (${t.kind === 'app' ? `${t.name} template` : `${t.iface} component`}).`,
        'Next:',
        `  cd ${shown}`,
        ...next.map((c) => `  ${c}`),
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (!(e instanceof CreateError)) throw e;
    io.err(`${e.message}\n`);
    return 1;
  }
}

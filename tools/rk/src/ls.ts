// `rk ls` / `rk config`: which package provides each API for an app, and why.
import { composeApp } from './compose';
import { table } from './report';

/** The text `rk ls` prints for the app in `appDir`. @throws RkUsageError as `rk build` does. */
export function listComposition(appDir: string): string {
  const { app, composition: c } = composeApp(appDir);
  const reason = (r: string) =>
    r === 'selected'
      ? 'selected in package.json'
      : r === 'only'
        ? 'only provider'
        : "the app's direct dependency";
  const rows = c.choices.map((x) => [
    x.api,
    `${x.provider.name}@${x.provider.version}`,
    reason(x.reason),
    x.requiredBy.join(', '),
  ]);
  for (const api of c.builtins) rows.push([api, '@runikraft/rkboot', 'built into the core', '']);
  const out = [
    `${app.name}@${app.version} (${app.manifestPath})`,
    '',
    table(['API', 'provider', 'why', 'required by'], rows),
  ];
  out.push('', `init order: ${c.libraries.map((l) => l.name).join(' → ')}`);
  if (c.unused.length > 0) {
    out.push('', 'not chosen:');
    for (const u of c.unused)
      out.push(`  ${u.name}@${u.version} (provides ${u.provides.join(', ')})`);
  }
  return out.join('\n');
}

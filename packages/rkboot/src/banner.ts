// The boot banner, in the spirit of Unikraft's "Powered by Unikraft" art.
import type { RkLibrary } from './api';

const ART = [
  ' ___          _ _            __ _   ',
  '| _ \\_  _ _ _(_) |___ _ __ _/ _| |_ ',
  "|   / || | ' \\ | / / '_/ _` |  _|  _|",
  '|_|_\\\\_,_|_||_|_|_\\_\\_| \\__,_|_|  \\__|',
];

/** Renders the banner: art, kernel version, app and the composed libraries with versions. */
export function renderBanner(
  app: { name: string; version: string },
  kernelVersion: string,
  libs: readonly RkLibrary<any>[],
): string {
  const lines = [
    'Powered by',
    ...ART,
    `${' '.repeat(22)}Runikraft ${kernelVersion}`,
    `app: ${app.name} ${app.version}`,
  ];
  lines.push(`libraries: ${libs.map((l) => `${l.name}@${l.version}`).join(' ') || '(none)'}`);
  return `${lines.join('\n')}\n`;
}

// Content types by file extension: the common entries of nginx's mime.types, so the same file gets
// the same Content-Type from httpreply as from nginx; anything else is application/octet-stream.

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  shtml: 'text/html',
  css: 'text/css',
  xml: 'text/xml',
  txt: 'text/plain',
  js: 'application/javascript',
  json: 'application/json',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  svgz: 'image/svg+xml',
  ico: 'image/x-icon',
  webp: 'image/webp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  mp4: 'video/mp4',
};

/** The Content-Type nginx's default mime.types gives a path (by its extension, case-insensitive). */
export function contentTypeOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash) return 'application/octet-stream';
  return TYPES[path.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

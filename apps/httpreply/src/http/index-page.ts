// The page httpreply serves at / when no directory is configured: exactly 612 bytes, the size of
// nginx's classic default page, so benchmarks against nginx move the same number of body bytes.

/** Modification time reported for the built-in page (seconds since the epoch): the app's release. */
export const INDEX_PAGE_MTIME = 1_767_225_600; // 2026-01-01T00:00:00Z

const text = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to httpreply!</title>
<style>
body { width: 40rem; margin: 0 auto; font-family: sans-serif; }
</style>
</head>
<body>
<h1>Welcome to httpreply!</h1>
<p>This page was served by httpreply, an HTTP/1.1 server running inside
a Runikraft unikernel on its own TCP/IP stack (rknet).</p>

<p>It is the counterpart of nginx in the unikernel benchmarks: the page
has the same size as nginx's classic default page, 612 bytes, so both
servers move the same number of bytes per request.</p>

<p><em>Thank you for trying Runikraft, a TypeScript unikernel!</em></p>
</body>
</html>
`;

/** The index page's bytes (ASCII, 612 of them; encoded by hand: module code runs before rkboot installs TextEncoder). */
export const INDEX_PAGE: Uint8Array = Uint8Array.from(text, (c) => c.charCodeAt(0));

// Status lines and error pages as nginx 1.22 writes them (ngx_http_special_response.c), so clients
// and differential tests see the same bytes. 494 is nginx's internal "header too large" code: it
// goes out as 400 with its own page.

/** Reason phrases of the statuses httpreply produces (nginx's spelling). */
export const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  206: 'Partial Content',
  304: 'Not Modified',
  301: 'Moved Permanently',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  416: 'Requested Range Not Satisfiable',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/** nginx's internal status for a request header line or header set that does not fit its buffers. */
export const STATUS_HEADER_TOO_LARGE = 494;

/** The status code that goes on the wire (494 is sent as 400). */
export const wireStatus = (status: number): number =>
  status === STATUS_HEADER_TOO_LARGE ? 400 : status;

/** "HTTP/1.1 <code> <reason>" for a status. */
export function statusLine(status: number): string {
  const code = wireStatus(status);
  return `HTTP/1.1 ${code} ${REASONS[code] ?? 'Unknown'}`;
}

/**
 * The HTML body nginx sends with an error or redirect status; `server` is the token in its footer
 * ("nginx" with server_tokens off; httpreply uses its own name).
 */
export function errorPage(status: number, server: string): string {
  const tail = `<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
  if (status === STATUS_HEADER_TOO_LARGE)
    return (
      '<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n' +
      '<center><h1>400 Bad Request</h1></center>\r\n' +
      `<center>Request Header Or Cookie Too Large</center>\r\n${tail}`
    );
  const title = `${status} ${REASONS[status] ?? 'Unknown'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n${tail}`;
}

/** Statuses after which nginx never keeps the connection (ngx_http_special_response_handler). */
export function statusForcesClose(status: number): boolean {
  return status === 400 || status === 413 || status === 414 || status === 494 || status >= 500;
}

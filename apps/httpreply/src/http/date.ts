// IMF-fixdate (RFC 9110 §5.6.7) for Date and Last-Modified, from guest wall-clock seconds.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** "Thu, 01 Jan 2026 00:00:00 GMT" for `seconds` since the epoch (UTC). */
export function httpDate(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`
  );
}

// The errno an ICMP error means to the socket that sent the quoted datagram (Linux's
// icmp_err_convert table, RFC 1122 §4.1.3.3 / §4.2.3.9 for which are hard errors).
import { Errno } from '@runikraft/errno';

/**
 * @returns the positive errno for ICMP `type`/`code`, and whether it is a hard error (reported to
 * a connected datagram socket; TCP aborts a connection attempt on it). 0 when the message is none
 * of these (source quench, redirect).
 */
export function icmpErrno(type: number, code: number): { errno: number; hard: boolean } {
  if (type === 3) {
    switch (code) {
      case 0:
        return { errno: Errno.ENETUNREACH, hard: true };
      case 1:
        return { errno: Errno.EHOSTUNREACH, hard: true };
      case 2:
        return { errno: Errno.ENOPROTOOPT, hard: true };
      case 3:
        return { errno: Errno.ECONNREFUSED, hard: true };
      case 4:
        return { errno: Errno.EMSGSIZE, hard: false };
      default:
        return { errno: Errno.EHOSTUNREACH, hard: true };
    }
  }
  if (type === 11) return { errno: Errno.EHOSTUNREACH, hard: false };
  if (type === 12) return { errno: Errno.EPROTO, hard: true };
  return { errno: 0, hard: false };
}

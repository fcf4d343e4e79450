// Errors of the 9P codec: every malformed or unexpected message names the message, the field and
// what was wrong, and carries the errno a caller sees (EBADMSG malformed, EPROTO out of protocol).
import { Errno, RkError } from '@runikraft/errno';

/** A 9P message that could not be encoded or decoded. `errno` is positive. */
export class P9WireError extends RkError {
  /** A malformed message is a bug on one side: keep where it was found. */
  static override stackFrames = 10;
  constructor(
    errno: number,
    /** The message being handled ("Rwalk"). */
    readonly msg: string,
    /** The field ("nwqid", "wqid[3].path"), or "" for the whole message. */
    readonly field: string,
    reason: string,
  ) {
    super(errno, `9P ${msg}${field ? `.${field}` : ''}: ${reason}`);
    this.name = 'P9WireError';
  }
}

/** The error a server reported in Rlerror. `errno` is the server's Linux errno. */
export class P9RemoteError extends RkError {
  constructor(
    errno: number,
    /** The request it answers ("Tlopen"). */
    readonly request: string,
  ) {
    super(errno, `${request} refused by the server`);
    this.name = 'P9RemoteError';
  }
}

export const badMsg = (msg: string, field: string, reason: string) =>
  new P9WireError(Errno.EBADMSG, msg, field, reason);

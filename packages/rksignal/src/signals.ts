// Signal numbers and default actions (POSIX.1-2017 <signal.h>, Linux numbering as Unikraft's).

export const SIG = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
} as const;

export const NSIG = 32;

/** What the default action does. Stop/continue have no job control in a unikernel: ignored. */
export type RkSigDefault = 'term' | 'core' | 'ign';

const IGNORED = new Set<number>([
  SIG.SIGCHLD,
  SIG.SIGCONT,
  SIG.SIGURG,
  SIG.SIGWINCH,
  SIG.SIGSTOP,
  SIG.SIGTSTP,
  SIG.SIGTTIN,
  SIG.SIGTTOU,
]);
const CORE = new Set<number>([
  SIG.SIGQUIT,
  SIG.SIGILL,
  SIG.SIGTRAP,
  SIG.SIGABRT,
  SIG.SIGBUS,
  SIG.SIGFPE,
  SIG.SIGSEGV,
  SIG.SIGXCPU,
  SIG.SIGXFSZ,
  SIG.SIGSYS,
]);

export function defaultAction(sig: number): RkSigDefault {
  if (IGNORED.has(sig)) return 'ign';
  return CORE.has(sig) ? 'core' : 'term';
}

/** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
export function isUncatchable(sig: number): boolean {
  return sig === SIG.SIGKILL || sig === SIG.SIGSTOP;
}

export function validSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 1 && sig < NSIG;
}

export const sigbit = (sig: number) => 1 << sig;

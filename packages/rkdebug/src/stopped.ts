// Recognises the hart's "stopped" unwinding error without importing the platform (kernel catch blocks rethrow it).

/** True for the error a hart throws once the machine has powered off or reset. */
export function isHartStoppedError(e: unknown): boolean {
  return e instanceof Error && e.name === 'HartStopped';
}

// Names for the negative errno values the addon returns (native-addon.ts), from Node's own
// table, so messages read like Node's system errors ("EAGAIN", "resource temporarily unavailable").

import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

// Linux errno values a TUN returns that Node's (POSIX) table lacks: a TUN fd whose device was
// detached or deleted reads and writes -EBADFD (asm-generic/errno.h).
const linuxOnly = new Map<number, [string, string]>([[-77, ['EBADFD', 'file descriptor in bad state']]]);

/** The negative values the device code compares against. */
export const Errno = {
  EAGAIN: -constants.errno.EAGAIN,
  EBADF: -constants.errno.EBADF,
  EBADFD: -77,
  EINVAL: -constants.errno.EINVAL,
  EMSGSIZE: -constants.errno.EMSGSIZE,
  ENODEV: -constants.errno.ENODEV,
} as const;

// Node's table also holds libuv's own codes (-3000 and below, e.g. UV_EOF = -4095); kernel errno
// values, what the addon returns, are all below 512.
const largestErrno = 511;

function lookUp(result: number): [string, string] | undefined {
  if (!Number.isInteger(result) || result >= 0 || result < -largestErrno) return undefined;
  return getSystemErrorMap().get(result) ?? linuxOnly.get(result);
}

/** "EAGAIN" for -11; "errno 4095" for a value neither table knows. */
export function errnoName(result: number): string {
  return lookUp(result)?.[0] ?? `errno ${-result}`;
}

/** "EAGAIN (resource temporarily unavailable)" for -11. */
export function describeErrno(result: number): string {
  const entry = lookUp(result);
  return entry === undefined ? `errno ${-result}` : `${entry[0]} (${entry[1]})`;
}

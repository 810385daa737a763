// The Internet checksum (RFC 1071) and its incremental update (RFC 1624). Sums are kept as plain
// numbers of 16-bit big-endian words, folded only when needed; a sum of a whole 64 KiB packet stays
// far below 2^53, so no intermediate folding is required for correctness.

/** Adds the 16-bit big-endian words of `bytes[start, end)` to `sum` (an odd last byte is padded with 0). */
export function sumWords(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds a sum of words to 16 bits with end-around carry. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for data whose word sum (checksum field counted as 0) is `sum`. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). `removedSum` and `addedSum` are word sums of the data
 * taken out of and put into the covered bytes. A checksum that was wrong stays wrong by exactly as much.
 */
export function adjustChecksum(checksum: number, removedSum: number, addedSum: number): number {
  const sum = (~checksum & 0xffff) + (~foldSum(removedSum) & 0xffff) + foldSum(addedSum);
  return ~foldSum(sum) & 0xffff;
}

/** True when data including its checksum field sums to 0xffff (or the equivalent 0). */
export function checksumIsValid(sum: number): boolean {
  const folded = foldSum(sum);
  return folded === 0xffff || folded === 0;
}

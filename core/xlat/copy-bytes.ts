// Copying packet bytes without allocating. `Uint8Array.prototype.set` needs a source view, and a
// `subarray` per packet is an allocation; when source and destination share one ArrayBuffer (the
// engine's arena, the benchmark) `copyWithin` moves the bytes with no new object.

/** Copies `length` bytes from `src[srcStart]` to `dst[dstStart]`. The ranges must not overlap. */
export function copyBytes(src: Uint8Array, srcStart: number, dst: Uint8Array, dstStart: number, length: number): void {
  if (length <= 0) return;
  if (src.buffer === dst.buffer) {
    const relative = src.byteOffset - dst.byteOffset + srcStart;
    if (relative >= 0 && relative + length <= dst.length) {
      dst.copyWithin(dstStart, relative, relative + length);
      return;
    }
  }
  if (length <= 32) {
    for (let i = 0; i < length; i++) dst[dstStart + i] = src[srcStart + i];
    return;
  }
  dst.set(src.subarray(srcStart, srcStart + length), dstStart);
}

// What the packet loop tells the observers (counters, flows, traces) about every packet it
// handled: the input, the verdict, and what the translator wrote. Observers run on the packet
// path, so they must be cheap and allocate nothing per packet; the bytes are valid only during the
// call (the loop reuses its buffers), so an observer copies what it keeps.

import type { XlatOutput } from '../xlat/output.js';

export interface PacketObserver {
  /**
   * @param input the packet as read: `input[start, start + length)`; IPv4 came from the host
   *   (direction 46), IPv6 from the network (direction 64)
   * @param verdict the translator's verdict (core/xlat/verdict.ts)
   * @param out what the translator wrote: `out.count` packets (translations, or an ICMP error it
   *   generated, `out.generated[i] === 1`), each on `out.family[i]`'s side
   * @param nowMs performance.now() when the packet was handled (monotonic, fractional ms)
   */
  observe(input: Uint8Array, start: number, length: number, verdict: number, out: XlatOutput, nowMs: number): void;
}

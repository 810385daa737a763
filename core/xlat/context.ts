// What both translation directions share: the configuration, the address maps, and the few
// pieces of state a stateless translator still has (the IPv4 Identification counter, scratch space,
// the per-direction translation state of xlation.ts).

import type { SiitConfig } from './config.js';
import { AddressMap } from './address-map.js';
import { XlatOutput } from './output.js';
import type { XlatRecorder } from './recorder.js';
import { Xlation } from './xlation.js';

export class XlatContext {
  readonly addresses: AddressMap;
  /** RFC 7915 §5.1 / RFC 6864: Identification for IPv4 packets that may be fragmented. */
  private ipv4Id = 0;
  /** Intermediate IPv4 packets of hairpinned translations (RFC 7757 §4). */
  readonly hairpinOutput = new XlatOutput();
  /**
   * The recording mode (recorder.ts): null on the packet path, where every note is skipped by one
   * branch; set only by explain.ts, off the packet path.
   */
  recorder: XlatRecorder | null = null;
  /** The state of the translation under way, one per direction, reset for each packet. */
  readonly xlation46: Xlation;
  readonly xlation64: Xlation;

  constructor(readonly config: SiitConfig) {
    this.addresses = new AddressMap(config);
    this.xlation46 = new Xlation(this, this.hairpinOutput);
    this.xlation64 = new Xlation(this, this.hairpinOutput);
  }

  /** The next `nextIpv4Id()` returns `id` (explain.ts: a re-run takes the counter from the recorded twin). */
  setNextIpv4Id(id: number): void {
    this.ipv4Id = (id - 1) & 0xffff;
  }

  nextIpv4Id(): number {
    this.ipv4Id = (this.ipv4Id + 1) & 0xffff;
    return this.ipv4Id;
  }
}

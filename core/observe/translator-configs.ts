// Which translator configuration was in force when: the data path notes each configuration it
// starts translating with (a new prefix, a new uplink MTU), on the same monotonic clock the trace
// ring stamps pairs with, so a pair that sits in the ring while the prefix changes is explained
// with the configuration that translated it. Bounded: the oldest generations go first.

import type { SiitConfig } from '../xlat/config.js';

export const maxGenerations = 64;

interface Generation {
  /** performance.now() when the data path began using it. */
  readonly sinceMs: number;
  readonly config: SiitConfig;
}

export class TranslatorConfigs {
  private readonly generations: Generation[] = [];

  /** The data path translates with `config` from `sinceMs` (performance.now()) on. */
  note(config: SiitConfig, sinceMs: number): void {
    this.generations.push({ sinceMs, config });
    if (this.generations.length > maxGenerations) this.generations.shift();
  }

  /**
   * The configurations that may have translated a packet handled at `timeMs`, likeliest first:
   * the one in force then, and the one before it (a worker thread takes a new configuration a
   * moment after the main thread notes it). Empty when none is known that old.
   */
  candidatesAt(timeMs: number): SiitConfig[] {
    for (let i = this.generations.length - 1; i >= 0; i--) {
      if (this.generations[i].sinceMs <= timeMs) {
        return i > 0 ? [this.generations[i].config, this.generations[i - 1].config] : [this.generations[i].config];
      }
    }
    return [];
  }
}

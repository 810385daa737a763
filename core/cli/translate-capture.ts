// The work of `clatter translate`, without files or a terminal: every packet of a capture through
// the translator, every packet that comes out into a pcapng writer, and a report of what happened
// to each. IPv4 packets enter on the IPv4 side and IPv6 packets on the IPv6 side, as the engine
// would hand them over; the version nibble decides.

import type { Capture } from '../capture/read-capture.js';
import type { PcapngWriter } from '../capture/pcapng-writer.js';
import { XlatOutput } from '../xlat/output.js';
import { Verdict, verdictName } from '../xlat/verdict.js';

/** What the loop needs of the translator (core/xlat/translator.ts's `Translator` is one). */
export interface PacketTranslator {
  translate(packet: Uint8Array, out: XlatOutput): number;
}

export interface OutputReport {
  /** The side it leaves by. */
  readonly family: 4 | 6;
  readonly length: number;
  /** An ICMP error the translator generated, rather than the translation of the input. */
  readonly generated: boolean;
}

export interface PacketReport {
  /** The input packet's number in its capture file. */
  readonly index: number;
  /** By the version nibble; null when it is neither 4 nor 6. */
  readonly family: 4 | 6 | null;
  /** A verdict name (core/xlat/verdict.ts), or `unknown(n)` for a number outside the table. */
  readonly verdict: string;
  readonly outputs: readonly OutputReport[];
}

export interface TranslationReport {
  readonly packets: readonly PacketReport[];
  /** Packets translated (verdict `translated`). */
  readonly translated: number;
  /** Output packets written, on each side, and how many of them the translator generated. */
  readonly outputs: { readonly ipv4: number; readonly ipv6: number; readonly generated: number };
  /** How many input packets got each verdict, in verdict-table order, zero counts left out. */
  readonly verdicts: ReadonlyMap<string, { readonly verdict: number; readonly count: number }>;
}

/** Interface names in the output file. */
export const ipv4SideName = 'ipv4-side';
export const ipv6SideName = 'ipv6-side';

/**
 * Translates every packet of `capture` and appends each output packet to `writer` (which gets two
 * interfaces, the IPv4 and the IPv6 side, added here), stamped with its input's time and a comment
 * naming the input. Throws only if the translator does, naming the packet.
 */
export function translateCapture(capture: Capture, translator: PacketTranslator, writer: PcapngWriter): TranslationReport {
  const ipv4Side = writer.addInterface(ipv4SideName);
  const ipv6Side = writer.addInterface(ipv6SideName);
  const out = new XlatOutput();
  const packets: PacketReport[] = [];
  const counts = new Map<number, number>();
  const outputs = { ipv4: 0, ipv6: 0, generated: 0 };
  for (const input of capture.packets) {
    let verdict: number;
    try {
      verdict = translator.translate(input.data, out);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`the translator threw on input packet #${input.index}: ${message}`, { cause: error });
    }
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
    const name = verdictName(verdict) ?? `unknown(${verdict})`;
    // A verdict other than `translated` may still come with packets (the ICMP error sent back),
    // so every output is written, whatever the verdict.
    let translations = 0;
    for (let i = 0; i < out.count; i++) if (out.generated[i] === 0) translations++;
    const reports: OutputReport[] = [];
    let part = 0;
    for (let i = 0; i < out.count; i++) {
      const family = out.family[i] === 4 ? 4 : 6;
      const generated = out.generated[i] !== 0;
      let comment: string;
      if (generated) {
        comment = `ICMP error generated for input packet #${input.index} (${name})`;
        outputs.generated++;
      } else {
        part++;
        comment = `from input packet #${input.index} (${name}${translations > 1 ? `, part ${part} of ${translations}` : ''})`;
      }
      writer.addPacket(family === 4 ? ipv4Side : ipv6Side, input.timestampNs, out.packet(i), comment);
      if (family === 4) outputs.ipv4++;
      else outputs.ipv6++;
      reports.push({ family, length: out.length[i], generated });
    }
    const version = input.data.length > 0 ? input.data[0] >> 4 : 0;
    packets.push({ index: input.index, family: version === 4 || version === 6 ? version : null, verdict: name, outputs: reports });
  }
  const verdicts = new Map<string, { verdict: number; count: number }>();
  for (const verdict of [...counts.keys()].sort((a, b) => a - b)) {
    verdicts.set(verdictName(verdict) ?? `unknown(${verdict})`, { verdict, count: counts.get(verdict) ?? 0 });
  }
  return { packets, translated: counts.get(Verdict.translated) ?? 0, outputs, verdicts };
}

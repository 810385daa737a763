// Warming the translator up before the first real packet. V8 optimizes a function once it has run
// long enough, in proportion to its size, and the translator's functions are large: at the rate of
// a ping or a voice call (tens of packets a second) they would run for minutes in V8's baseline
// tier, where every property access is a call into an inline-cache stub; measured in the lab, a
// packet then takes about 100 µs of the engine's time instead of a few. So the data path, as it
// starts, runs the translator over a few thousand synthetic packets of every common kind, both
// ways, on objects of the same classes as the packet loop's (a Translator, one arena, an
// XlatOutput, and with offloads a VnetTranslation), which is what V8's optimizer keys on. It
// costs tens of milliseconds once per `up`; nothing leaves the process.

import { finishChecksum, sumWords } from '../wire/checksum.js';
import { write16, write32 } from '../wire/bytes.js';
import { virtioNetHeader } from '../wire/virtio-net-header.js';
import { outputBufferBytes, XlatOutput } from '../xlat/output.js';
import type { Translator } from '../xlat/translator.js';
import { Verdict } from '../xlat/verdict.js';
import { VnetTranslation } from '../xlat/vnet-translate.js';
import { protocol } from '../wire/protocol.js';

/** Enough for V8 to optimize the largest of the translator's functions (about 2000 calls, measured). */
export const warmUpRounds = 3000;

const { icmp, tcp, udp } = protocol;
const kinds = [icmp, udp, tcp] as const;

/**
 * From 192.0.0.1 (the CLAT's IPv4 address, RFC 7335) to 192.31.196.1, in AS112's blackhole range
 * (RFC 7535). The remote must be a global address: a network using the well-known prefix
 * 64:ff9b::/96 refuses all others (RFC 6052 §3.1), documentation addresses included, and the
 * warm-up would then warm only the refusal. These packets are never written anywhere.
 */
const clatIpv4 = 0xc0000001;
const remoteIpv4 = 0xc01fc401;

/**
 * Translates `rounds` rounds of an ICMP echo request, a UDP datagram and a TCP segment from the
 * CLAT's IPv4 address, and each one's IPv6 translation sent back with addresses and ports swapped.
 * `withVnet`: through the offload step (vnet-translate.ts), as the packet loop with offloads does.
 * Returns how many packets translated (all of them, 6 a round, with the CLAT's translator).
 */
export function warmUpTranslator(translator: Translator, withVnet: boolean, rounds = warmUpRounds): number {
  const head = virtioNetHeader.bytes;
  const at = head;
  const outBase = 2048;
  const arena = new Uint8Array(outBase + outputBufferBytes(head));
  const out = new XlatOutput(arena, head, outBase);
  const vnet = new VnetTranslation();
  const translate = (length: number): number => {
    arena.fill(0, at - head, at);
    return withVnet ? vnet.translate(translator, arena, at, length, out) : translator.translateAt(arena, at, length, out);
  };
  let translated = 0;
  for (let round = 0; round < rounds; round++) {
    for (const protocol of kinds) {
      if (translate(writeIpv4(arena, at, protocol, round)) !== Verdict.translated || out.count !== 1 || out.family[0] !== 6) continue;
      translated++;
      const length = out.length[0];
      arena.copyWithin(at, out.start[0], out.start[0] + length);
      swapIpv6Endpoints(arena, at, protocol !== icmp);
      if (translate(length) === Verdict.translated) translated++;
    }
  }
  return translated;
}

/** An IPv4 packet of `protocol` from 192.0.0.1 with valid checksums; returns its length. */
function writeIpv4(b: Uint8Array, at: number, protocol: number, round: number): number {
  const payloadBytes = 56 + (round & 63);
  const l4Bytes = protocol === tcp ? 20 : 8;
  const length = 20 + l4Bytes + payloadBytes;
  b.fill(0, at, at + length);
  b[at] = 0x45;
  write16(b, at + 2, length);
  write16(b, at + 4, round & 0xffff);
  write16(b, at + 6, 0x4000); // DF
  b[at + 8] = 64;
  b[at + 9] = protocol;
  write32(b, at + 12, clatIpv4);
  write32(b, at + 16, remoteIpv4);
  write16(b, at + 10, finishChecksum(sumWords(b, at, at + 20)));
  const l4 = at + 20;
  for (let i = l4 + l4Bytes; i < at + length; i++) b[i] = (i * 7 + round) & 0xff;
  if (protocol === icmp) {
    b[l4] = 8; // echo request
    write16(b, l4 + 4, 0x1234);
    write16(b, l4 + 6, round & 0xffff);
    write16(b, l4 + 2, finishChecksum(sumWords(b, l4, at + length)));
    return length;
  }
  write16(b, l4, 40_000 + (round & 1023));
  write16(b, l4 + 2, protocol === tcp ? 443 : 3478);
  if (protocol === tcp) {
    write32(b, l4 + 4, round * 1448);
    write32(b, l4 + 8, 1);
    b[l4 + 12] = 0x50; // 5 words of header
    b[l4 + 13] = 0x18; // PSH, ACK
    write16(b, l4 + 14, 64_240);
  } else {
    write16(b, l4 + 4, l4Bytes + payloadBytes);
  }
  // The pseudo-header (RFC 768, RFC 9293): addresses, protocol, transport length.
  const pseudo = sumWords(b, at + 12, at + 20) + protocol + l4Bytes + payloadBytes;
  write16(b, l4 + (protocol === tcp ? 16 : 6), finishChecksum(sumWords(b, l4, at + length, pseudo)));
  return length;
}

/** Swaps an IPv6 packet's addresses (and its ports): its checksum stays valid, as the sum is the same. */
function swapIpv6Endpoints(b: Uint8Array, at: number, ports: boolean): void {
  for (let i = 0; i < 16; i++) swap(b, at + 8 + i, at + 24 + i);
  if (!ports) return;
  swap(b, at + 40, at + 42);
  swap(b, at + 41, at + 43);
}

function swap(b: Uint8Array, i: number, j: number): void {
  const t = b[i];
  b[i] = b[j];
  b[j] = t;
}

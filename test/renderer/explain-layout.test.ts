// The explanation panel's pure parts: where a field lies in the bytes (bits lit), how an IPv6
// address shows the IPv4 it embeds, which side each packet goes on, the rows and their headings,
// moving between pairs, and the store letting go of answers that came too late.

import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv6 } from '../../core/wire/address.js';
import { embedIpv4 } from '../../core/xlat/rfc6052.js';
import { bitsOf, fieldBytes, fieldRecorded } from '../../renderer/features/explain/field-bits.js';
import { adjacentPair, shownPairIds } from '../../renderer/features/explain/pair-navigation.js';
import { firstInterestingStep, sidesOf, tableRows, type StepRow } from '../../renderer/features/explain/step-rows.js';
import { rowsOfPair } from '../../renderer/features/traces/trace-rows.js';
import { useExplain } from '../../renderer/stores/explain-store.js';
import { embeddedIpv4Indices, embeddedIpv4Text, ipv6Parts } from '../../renderer/ui/ipv6-parts.js';
import { echoExplanation, generatedExplanation, refusedExplanation, timeExceededExplanation } from './explanation-fixture.js';
import { droppedPair, echoPair } from './fixtures.js';

const litBits = (mask: number) => bitsOf(0, mask).filter((bit) => bit.lit).length;

describe('field bits', () => {
  it('lights the bits of fields that start or end inside a byte', () => {
    expect(fieldBytes(0, 4)).toEqual([{ index: 0, mask: 0xf0 }]); // IPv4 Version
    expect(fieldBytes(4, 4)).toEqual([{ index: 0, mask: 0x0f }]); // IHL
    expect(fieldBytes(48, 3)).toEqual([{ index: 6, mask: 0xe0 }]); // Flags
    expect(fieldBytes(51, 13)).toEqual([{ index: 6, mask: 0x1f }, { index: 7, mask: 0xff }]); // Fragment Offset
    expect(fieldBytes(4, 8)).toEqual([{ index: 0, mask: 0x0f }, { index: 1, mask: 0xf0 }]); // IPv6 Traffic Class
    expect(fieldBytes(12, 20)).toEqual([{ index: 1, mask: 0x0f }, { index: 2, mask: 0xff }, { index: 3, mask: 0xff }]); // Flow Label
    expect(fieldBytes(64, 8)).toEqual([{ index: 8, mask: 0xff }]); // TTL
  });

  it('a 128-bit address lights its sixteen bytes whole', () => {
    const bytes = fieldBytes(192, 128);
    expect(bytes.map((byte) => byte.index)).toEqual([...Array(16).keys()].map((i) => 24 + i));
    expect(bytes.every((byte) => byte.mask === 0xff)).toBe(true);
  });

  it('lights exactly the field: as many bits as it is long, contiguous, from its first bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 160 }), (offset, length) => {
        const bytes = fieldBytes(offset, length);
        expect(bytes.reduce((sum, byte) => sum + litBits(byte.mask), 0)).toBe(length);
        // Bit by bit, lit exactly inside [offset, offset + length).
        const lit = new Map(bytes.map((byte) => [byte.index, byte.mask]));
        for (let bit = Math.max(0, offset - 9); bit < offset + length + 9; bit++) {
          const on = ((lit.get(bit >> 3) ?? 0) & (0x80 >> (bit & 7))) !== 0;
          expect(on).toBe(bit >= offset && bit < offset + length);
        }
      }),
    );
  });

  it('bits read top bit first; a field past the recorded bytes is known not to be there', () => {
    expect(bitsOf(0x45, 0xf0).map((bit) => `${bit.value}${bit.lit ? '*' : ''}`).join(' ')).toBe('0* 1* 0* 0* 0 1 0 1');
    expect(fieldRecorded(192, 128, 40)).toBe(true);
    expect(fieldRecorded(192, 128, 39)).toBe(false);
    expect(fieldBytes(8, 0)).toEqual([]);
  });
});

describe('IPv6 address parts', () => {
  it('a /96 address: the prefix, then the embedded IPv4 marked', () => {
    const bytes = parseIpv6('2001:db8:64::cb00:710a')!;
    expect(ipv6Parts(bytes, new Set([12, 13, 14, 15]))).toEqual([
      { text: '2001:db8:64::', marked: false },
      { text: 'cb00:710a', marked: true },
    ]);
    expect(embeddedIpv4Text(bytes, [12, 13, 14, 15])).toBe('203.0.113.10');
  });

  it('a /64 address: the IPv4 after the u-octet, marked digit by digit', () => {
    const bytes = new Uint8Array(16);
    embedIpv4({ address: parseIpv6('2001:db8:1:2::')!, length: 64 }, 0xcb00710a, bytes, 0);
    expect(formatIpv6(bytes)).toBe('2001:db8:1:2:cb:71:a00:0');
    const indices = embeddedIpv4Indices(64);
    expect(indices).toEqual([9, 10, 11, 12]);
    // "cb" is byte 9 (byte 8, the u-octet, is the leading zeros); "a" is byte 12, "00" byte 13.
    expect(ipv6Parts(bytes, new Set(indices))).toEqual([
      { text: '2001:db8:1:2:', marked: false },
      { text: 'cb:71:a', marked: true },
      { text: '00:0', marked: false },
    ]);
    expect(embeddedIpv4Text(bytes, indices)).toBe('203.0.113.10');
  });

  it('the embedded bytes for each RFC 6052 prefix length (§2.2), skipping the u-octet (byte 8)', () => {
    expect(embeddedIpv4Indices(32)).toEqual([4, 5, 6, 7]);
    expect(embeddedIpv4Indices(40)).toEqual([5, 6, 7, 9]);
    expect(embeddedIpv4Indices(48)).toEqual([6, 7, 9, 10]);
    expect(embeddedIpv4Indices(56)).toEqual([7, 9, 10, 11]);
    expect(embeddedIpv4Indices(96)).toEqual([12, 13, 14, 15]);
  });

  it('the parts always spell what formatIpv6 prints, whatever is marked', () => {
    const address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => {
      // Zero runs are where RFC 5952's `::` choices live: make them common.
      for (let i = 0; i < 16; i++) if (bytes[i] < 128) bytes[i] = 0;
      return bytes;
    });
    fc.assert(
      fc.property(address, fc.uniqueArray(fc.integer({ min: 0, max: 15 })), (bytes, marked) => {
        const parts = ipv6Parts(bytes, new Set(marked));
        expect(parts.map((part) => part.text).join('')).toBe(formatIpv6(bytes));
        // Parts alternate: neighbours never share a mark.
        for (let i = 1; i < parts.length; i++) expect(parts[i].marked).not.toBe(parts[i - 1].marked);
      }),
    );
  });
});

describe('the explanation table', () => {
  it('out (46): IPv4 input on the left, IPv6 output on the right, arrows to the right', () => {
    const explanation = echoExplanation(7);
    expect(sidesOf(explanation)).toMatchObject({ left: { packet: 'input', family: 4 }, right: { packet: 'output', family: 6 } });
    const steps = tableRows(explanation).filter((row): row is StepRow => row.kind === 'step');
    const ttl = steps.find((row) => row.left?.name === 'Time to Live')!;
    expect([ttl.right?.name, ttl.arrow, ttl.action, ttl.cite]).toEqual(['Hop Limit', '→', 'decremented', 'RFC 7915 §4.1']);
    // A synthesised field has only its output side; a dropped one only its input side; no arrow.
    expect(steps.find((row) => row.right?.name === 'Flow Label')).toMatchObject({ left: null, arrow: '' });
    expect(steps.find((row) => row.left?.name === 'Flags')).toMatchObject({ right: null, arrow: '' });
  });

  it('in (64): the IPv4 output on the left, arrows to the left; the quoted packet under its own headings, depth 1', () => {
    const explanation = timeExceededExplanation(8);
    expect(sidesOf(explanation)).toMatchObject({ left: { packet: 'output', family: 4 }, right: { packet: 'input', family: 6 } });
    const rows = tableRows(explanation);
    const steps = rows.filter((row): row is StepRow => row.kind === 'step');
    expect(steps.every((row) => row.arrow === '←')).toBe(true);
    expect(steps.map((row) => row.depth)).toEqual([0, 0, 1, 1]);
    const headings = rows.filter((row) => row.kind === 'heading').map((row) => (row.kind === 'heading' ? `${row.depth} ${row.text}` : ''));
    expect(headings).toEqual(['0 IPv4 header ⇄ IPv6 header', '0 ICMP ⇄ ICMPv6', '1 Quoted packet: IPv4 header ⇄ IPv6 header', '1 Quoted packet: ICMP ⇄ ICMPv6']);
  });

  it('a generated error stays input left, its error right; a refused packet has no output side', () => {
    expect(sidesOf(generatedExplanation(9))).toMatchObject({ left: { packet: 'input', family: 4 }, right: { packet: 'output', family: 4, title: 'IPv4 · ICMP error sent back' } });
    expect(sidesOf(refusedExplanation(10)).right).toEqual({ packet: 'output', family: null, title: 'No output' });
  });

  it('one heading per layer and depth, naming the headers on each side', () => {
    const headings = tableRows(echoExplanation(1)).filter((row) => row.kind === 'heading');
    expect(headings.map((row) => (row.kind === 'heading' ? row.text : ''))).toEqual(['IPv4 header ⇄ IPv6 header', 'ICMP ⇄ ICMPv6']);
  });

  it('lights first the address that embeds the IPv4, else the TTL, else a mapping', () => {
    expect(echoExplanation(1).steps[firstInterestingStep(echoExplanation(1))!].to?.name).toBe('Destination Address');
    const noAddress = { ...echoExplanation(1), steps: echoExplanation(1).steps.filter((step) => step.to?.embeddedIpv4Bytes === undefined) };
    expect(noAddress.steps[firstInterestingStep(noAddress)!].to?.name).toBe('Hop Limit');
    expect(firstInterestingStep({ ...echoExplanation(1), steps: [] })).toBeNull();
  });
});

describe('moving between pairs', () => {
  const rows = [echoPair(3), echoPair(5), droppedPair(4), echoPair(9)].flatMap(rowsOfPair);
  const v4 = rows.filter((row) => row.family === 4);
  const v6 = rows.filter((row) => row.family === 6);

  it('the pairs on screen, once each, ascending, the filter applied', () => {
    expect(shownPairIds(null, v4, v6)).toEqual([3, 4, 5, 9]);
    expect(shownPairIds(new Set([5, 9]), v4, v6)).toEqual([5, 9]);
  });

  it('down is the next pair, up the previous; the ends hold; a pair gone goes to its neighbour', () => {
    const ids = [3, 4, 5, 9];
    expect(adjacentPair(ids, 4, 1)).toBe(5);
    expect(adjacentPair(ids, 4, -1)).toBe(3);
    expect(adjacentPair(ids, 9, 1)).toBe(9);
    expect(adjacentPair(ids, 3, -1)).toBe(3);
    expect(adjacentPair(ids, 7, 1)).toBe(9);
    expect(adjacentPair(ids, 7, -1)).toBe(5);
    expect(adjacentPair(ids, null, -1)).toBe(9);
    expect(adjacentPair([], 4, 1)).toBeNull();
  });
});

describe('explain store', () => {
  beforeEach(() => useExplain.getState().close());

  it('shows the answer for the pair it asked about, with the first step lit', () => {
    const store = useExplain.getState();
    store.open(7);
    expect(useExplain.getState().view).toEqual({ state: 'loading', pairId: 7 });
    store.answer(7, { ok: true, explanation: echoExplanation(7), firstStep: 2 });
    expect(useExplain.getState().view.state).toBe('ready');
    expect(useExplain.getState().selectedStep).toBe(2);
  });

  it('lets go of an answer that arrives after the selection moved on', () => {
    const store = useExplain.getState();
    store.open(7);
    store.open(8);
    store.answer(7, { ok: true, explanation: echoExplanation(7), firstStep: 0 });
    expect(useExplain.getState().view).toEqual({ state: 'loading', pairId: 8 });
    store.answer(8, { ok: false, message: 'pair 8 is no longer in the ring' });
    expect(useExplain.getState().view).toEqual({ state: 'failed', pairId: 8, message: 'pair 8 is no longer in the ring' });
  });
});

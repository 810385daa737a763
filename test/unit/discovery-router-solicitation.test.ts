// Router Solicitations: the packet (RFC 4861 §4.1, checksum by RFC 4443 §2.3, worked out by hand
// below) and the burst of RFC 4861 §6.3.7 on fake timers: at most 3, 4 s apart, ended by an RA.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RouterSolicitations } from '../../core/discovery/node/router-solicitations.js';
import { routerSolicitationPacket } from '../../core/discovery/router-solicitation.js';
import { hex } from './packet-check.js';

describe('routerSolicitationPacket', () => {
  it('is the 48 bytes of an RS from :: to ff02::2 with hop limit 255', () => {
    // Checksum: the pseudo-header (:: and ff02::2, length 8, next header 58) and the message
    // 8500 0000 0000 0000 sum to 0xff02 + 0x0002 + 0x0008 + 0x003a + 0x8500 = 0x18446, folded 0x8447,
    // complemented 0x7bb8.
    expect(hex(routerSolicitationPacket())).toBe(
      '60000000' + '0008' + '3a' + 'ff' + '00'.repeat(16) + 'ff020000000000000000000000000002' + '85' + '00' + '7bb8' + '00000000',
    );
  });
});

describe('RouterSolicitations', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function solicitor(result: string | null = null) {
    const sent: [number, number][] = [];
    const log: string[] = [];
    const rs = new RouterSolicitations((ifindex) => {
      sent.push([Date.now(), ifindex]);
      return result;
    }, (line) => log.push(line));
    return { rs, sent, log };
  }

  it('sends at once, then every 4 s, 3 in all', async () => {
    const { rs, sent } = solicitor();
    rs.start(2);
    expect(sent).toEqual([[0, 2]]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toEqual([[0, 2], [4_000, 2], [8_000, 2]]);
    expect(rs.soliciting).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops when an RA arrives on that interface, not on another', async () => {
    const { rs, sent } = solicitor();
    rs.start(2);
    rs.heard(3);
    await vi.advanceTimersByTimeAsync(4_000);
    rs.heard(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toEqual([[0, 2], [4_000, 2]]);
  });

  it('a start on the interface already being solicited adds nothing; another interface starts afresh', async () => {
    const { rs, sent } = solicitor();
    rs.start(2);
    await vi.advanceTimersByTimeAsync(1_000);
    rs.start(2);
    expect(sent).toHaveLength(1);
    rs.start(5);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toEqual([[0, 2], [1_000, 5], [5_000, 5], [9_000, 5]]);
  });

  it('says once per burst that sending failed, and keeps trying (the link may come back)', async () => {
    const { rs, sent, log } = solicitor('sending on uplink failed (errno 100)');
    rs.start(2);
    await vi.advanceTimersByTimeAsync(20_000);
    // 20 quick retries (nothing went on the wire), then the three of RFC 4861, 4 s apart.
    expect(sent).toHaveLength(20 + 3);
    expect(sent.slice(0, 3).map(([atMs]) => atMs)).toEqual([0, 250, 500]);
    expect(log).toEqual(['Router Solicitation not sent: sending on uplink failed (errno 100)']);
  });

  it('retries an unsent solicitation soon, and counts only those sent: a link just back', async () => {
    const results: (string | null)[] = ['no route yet (errno 99)', 'no route yet (errno 99)'];
    const sent: number[] = [];
    const rs = new RouterSolicitations(() => {
      sent.push(Date.now());
      return results.shift() ?? null;
    }, () => {});
    rs.start(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toEqual([0, 250, 500, 4_500, 8_500]);
  });
});

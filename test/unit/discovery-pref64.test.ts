// RFC 8781 §4: the PREF64 option, field by field, and every way a receiver must ignore one.

import { describe, expect, it } from 'vitest';
import { parsePref64Option } from '../../core/discovery/pref64-option.js';
import { hex } from './packet-check.js';
import { concat, pref64Option, prefixText } from './discovery-fixtures.js';

describe('parsePref64Option', () => {
  // The same 96 bits under every code: each length keeps exactly its own bytes and zeros the rest.
  const bits = '2001:db8:1122:3344:0:6677::';
  const byCode: [number, string][] = [
    [0, '2001:db8:1122:3344:0:6677::/96'],
    [1, '2001:db8:1122:3344::/64'],
    [2, '2001:db8:1122:3300::/56'],
    [3, '2001:db8:1122::/48'],
    [4, '2001:db8:1100::/40'],
    [5, '2001:db8::/32'],
  ];
  for (const [plc, expected] of byCode) {
    it(`reads PLC ${plc} as ${expected.split('/')[1]} bits`, () => {
      const parsed = parsePref64Option(pref64Option({ prefix: bits, plc, scaledLifetime: 225 }), 0);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(prefixText(parsed.option.prefix)).toBe(expected);
      expect(parsed.option.prefix.address).toHaveLength(16);
    });
  }

  it('decodes literal bytes: 2001:db8:64::/96 for 1800 s', () => {
    // Type 38, Length 2, Scaled Lifetime 225 (225 × 8 = 1800 s) << 3 | PLC 0 = 0x0708.
    const bytes = Uint8Array.of(38, 2, 0x07, 0x08, 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, 0, 0, 0, 0, 0, 0);
    expect(hex(pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225 }))).toBe(hex(bytes));
    const parsed = parsePref64Option(bytes, 0);
    expect(parsed).toEqual({ ok: true, option: { prefix: expect.anything(), lifetimeS: 1800 } });
    if (parsed.ok) expect(prefixText(parsed.option.prefix)).toBe('2001:db8:64::/96');
  });

  it('ignores PLC 6 and 7 (RFC 8781 §4)', () => {
    for (const plc of [6, 7]) {
      expect(parsePref64Option(pref64Option({ prefix: '2001:db8:64::', plc, scaledLifetime: 225 }), 0))
        .toEqual({ ok: false, reason: 'bad-prefix-length-code' });
    }
  });

  it('ignores a Length other than 2 (RFC 8781 §4), however long the buffer', () => {
    for (const length of [1, 3, 4]) {
      const option = pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225, length });
      expect(parsePref64Option(option, 0)).toEqual({ ok: false, reason: 'bad-length' });
    }
    const zero = pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 225, length: 0 });
    expect(parsePref64Option(zero, 0)).toEqual({ ok: false, reason: 'bad-length' });
  });

  it('scales the lifetime by 8 s: 0, 1, and the 13-bit maximum', () => {
    const lifetime = (scaledLifetime: number) => {
      const parsed = parsePref64Option(pref64Option({ prefix: '2001:db8:64::', plc: 1, scaledLifetime }), 0);
      return parsed.ok ? parsed.option.lifetimeS : -1;
    };
    expect(lifetime(0)).toBe(0);
    expect(lifetime(1)).toBe(8);
    expect(lifetime(8191)).toBe(65528);
    // The PLC bits do not leak into the lifetime.
    const parsed = parsePref64Option(pref64Option({ prefix: '2001:db8:64::', plc: 5, scaledLifetime: 3 }), 0);
    expect(parsed.ok && parsed.option.lifetimeS).toBe(24);
  });

  it('zeros prefix bits beyond the prefix length', () => {
    const parsed = parsePref64Option(pref64Option({ prefix: '2001:db8:ffff:ffff:ffff:ffff::', plc: 5, scaledLifetime: 1 }), 0);
    expect(parsed.ok && prefixText(parsed.option.prefix)).toBe('2001:db8::/32');
  });

  it('reads at an offset, copies the prefix, and refuses other types and short buffers', () => {
    const bytes = concat(Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0), pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 10 }));
    const parsed = parsePref64Option(bytes, 8);
    expect(parsed.ok).toBe(true);
    bytes.fill(0xee);
    expect(parsed.ok && prefixText(parsed.option.prefix)).toBe('2001:db8:64::/96');
    expect(parsePref64Option(bytes, 0)).toEqual({ ok: false, reason: 'not-pref64' });
    const whole = pref64Option({ prefix: '2001:db8:64::', plc: 0, scaledLifetime: 10 });
    expect(parsePref64Option(whole.subarray(0, 15), 0)).toEqual({ ok: false, reason: 'truncated' });
    expect(parsePref64Option(whole, 15)).toEqual({ ok: false, reason: 'truncated' });
    expect(parsePref64Option(whole, -1)).toEqual({ ok: false, reason: 'truncated' });
  });
});

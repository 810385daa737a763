// Manual prefixes: what RFC 6052 accepts, and errors that say what is wrong.

import { describe, expect, it } from 'vitest';
import { checkNat64Prefix, parseNat64Prefix } from '../../core/discovery/nat64-prefix.js';
import { prefix, prefixText } from './discovery-fixtures.js';

describe('parseNat64Prefix', () => {
  it('accepts each RFC 6052 length', () => {
    for (const text of ['2001:db8::/32', '2001:db8:100::/40', '2001:db8:122::/48', '2001:db8:122:300::/56', '2001:db8:122:344::/64', '64:ff9b::/96']) {
      const checked = parseNat64Prefix(` ${text} `);
      expect(checked.ok && prefixText(checked.prefix)).toBe(text);
    }
  });

  it('explains each refusal', () => {
    const error = (text: string) => {
      const checked = parseNat64Prefix(text);
      return checked.ok ? 'accepted' : checked.error;
    };
    expect(error('2001:db8:64::/80')).toBe('prefix length /80 is not one of /32, /40, /48, /56, /64, /96 (RFC 6052 §2.2)');
    expect(error('2001:db8:64:0:100::/96')).toBe('bits 64 to 71 (the u-octet) must be zero (RFC 6052 §2.2)');
    expect(error('2001:db8:64::1/96')).toBe('"2001:db8:64::1/96" is not an IPv6 prefix (host bits must be zero)');
    expect(error('2001:db8:64::')).toBe('"2001:db8:64::" has no prefix length (write it as 2001:db8:64::/96)');
    expect(error('nonsense/96')).toBe('"nonsense/96" is not an IPv6 prefix (host bits must be zero)');
  });

  it('checks prefixes built from bytes too', () => {
    expect(checkNat64Prefix(prefix('64:ff9b::/96')).ok).toBe(true);
    expect(checkNat64Prefix({ address: prefix('2001:db8:64::/96').address, length: 32 })).toEqual({ ok: false, error: 'bits after /32 must be zero' });
    expect(checkNat64Prefix({ address: new Uint8Array(4), length: 32 }).ok).toBe(false);
  });
});

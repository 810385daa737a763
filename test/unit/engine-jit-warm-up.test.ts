// The translator's warm-up (core/engine/jit-warm-up.ts) must warm the paths real traffic takes:
// every synthetic packet, each kind both ways, translates with the CLAT's own translator, with
// and without the offload step, on a network-specific prefix and on the well-known one (which
// carries global IPv4 only); the count it returns is what translated, not what was tried.

import { describe, expect, it } from 'vitest';
import { clatTranslator } from '../../core/engine/clat-translator.js';
import { warmUpTranslator } from '../../core/engine/jit-warm-up.js';
import { parseIpv6Prefix, type Ipv6Prefix } from '../../core/wire/address.js';
import { parseSiitConfig } from '../../core/xlat/config.js';
import { Translator } from '../../core/xlat/translator.js';

const prefix = parseIpv6Prefix('2001:db8:64::/96') as Ipv6Prefix;

describe('JIT warm-up', () => {
  it.each([false, true])('translates all of its packets both ways (offload step: %s)', (withVnet) => {
    const translator = clatTranslator(prefix, '2001:db8:1:2::c1a7', 1500);
    // 3 kinds (ICMP echo, UDP, TCP) a round, each out and back.
    expect(warmUpTranslator(translator, withVnet, 50)).toBe(50 * 3 * 2);
  });

  it('translates them with the well-known prefix too, which carries global IPv4 only', () => {
    const wellKnown = parseIpv6Prefix('64:ff9b::/96') as Ipv6Prefix;
    expect(warmUpTranslator(clatTranslator(wellKnown, '2001:db8:1:2::c1a7', 1500), false, 10)).toBe(60);
  });

  it('counts only what translated: without the CLAT mapping, 192.0.0.1 is refused', () => {
    // No EAMT entry: the source 192.0.0.1 is non-global, which the well-known prefix refuses.
    const parsed = parseSiitConfig({ pool6: '64:ff9b::/96', selfIpv4: '192.0.0.2', selfIpv6: '2001:db8:1:2::1' });
    if (!parsed.ok) throw new Error(parsed.error);
    expect(warmUpTranslator(new Translator(parsed.config), false, 10)).toBe(0);
  });
});

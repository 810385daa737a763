// The data path's one configuration (core/engine/datapath-config.ts): what the main thread and each
// translating worker derive from it must be the same, and follow the delivery mode's rules.

import { describe, expect, it } from 'vitest';
import { asDeliveryAllows, clatAddressesOf, slotBytesOf, translatorConfigOf, type DatapathConfig } from '../../core/engine/datapath-config.js';
import { parseIpv6Prefix } from '../../core/wire/address.js';
import { uplinkWith } from './uplink-fixture.js';

const prefix = parseIpv6Prefix('64:ff9b::/96');
if (prefix === undefined) throw new Error('bad test prefix');

const config: DatapathConfig = {
  uplink: { ...uplinkWith([{ address: '2001:db8:1:2::5', prefixLength: 64, dynamic: true }]), mtu: 1500, ipv6Mtu: 1280 },
  tunName: 'clat',
  prefix,
  clatIpv6: '2001:db8:1:2::c1a7',
  ipv4DefaultRoute: true,
  delivery: 'ingress',
  offload: true,
  workers: 2,
  allowPrivateWkp: false,
};

describe('DatapathConfig', () => {
  it('keeps offloads and workers where the TUN is both ends of the path, and drops both for packet-socket delivery', () => {
    expect(asDeliveryAllows(config)).toEqual(config);
    expect(asDeliveryAllows({ ...config, delivery: 'nat66' })).toMatchObject({ offload: true, workers: 2 });
    expect(asDeliveryAllows({ ...config, delivery: 'packet-socket' })).toMatchObject({ offload: false, workers: 0 });
  });

  it('sizes a slot for the larger of the uplink MTU and 1500, with 256 bytes to spare', () => {
    expect(slotBytesOf(config)).toBe(1756);
    expect(slotBytesOf({ ...config, uplink: { ...config.uplink, mtu: 9000 } })).toBe(9256);
  });

  it("gives the CLAT's addresses: 192.0.0.1 and its IPv6 address as bytes", () => {
    const clat = clatAddressesOf(config);
    expect(clat.ipv4).toBe(0xc0000001);
    expect(Array.from(clat.ipv6.subarray(8))).toEqual([0, 0, 0, 0, 0, 0, 0xc1, 0xa7]);
  });

  it("configures the translator with the uplink's IPv6 MTU, and the hop decrement left to ingress delivery only", () => {
    const ingress = translatorConfigOf(config, prefix);
    expect(ingress.mtu).toEqual({ ipv4: 1280, ipv6: 1280 });
    expect(ingress.hopDecrementedDownstream).toBe(true);
    expect(translatorConfigOf({ ...config, delivery: 'force-forwarding' }, prefix).hopDecrementedDownstream).toBe(false);
    expect(translatorConfigOf({ ...config, allowPrivateWkp: true }, prefix).allowPrivateWkp).toBe(true);
  });
});

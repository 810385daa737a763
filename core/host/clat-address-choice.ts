// Choosing the CLAT's IPv6 address on an uplink, and with it how the CLAT's IPv6 packets travel
// (the delivery mode, host-setup.ts): an address of its own in the uplink's SLAAC /64 when there is
// one (RFC 6877 §6.3: a dedicated address; clat-address.ts derives it, host-setup.ts proves it by
// DAD), or, on a network that hands out only DHCPv6 /128s, a private address behind NAT66 (which
// needs per-interface forwarding, Linux 6.17+). The /64 itself is chosen before (clat-subnet.ts).

import type { DeliveryMode } from '../api/status.js';
import { clatNat66Address, loadSecret } from './clat-address.js';
import type { Uplink } from './host-inspect.js';
import { hasForceForwarding, supportsIngressDelivery, type HostSetup } from './host-setup.js';

export type ChosenClatAddress = { ok: true; address: string; delivery: DeliveryMode } | { ok: false; error: string };

export class ClatAddressChoice {
  /** Whether this kernel and nft take ingress delivery's rules (asked once). */
  private ingressSupported: boolean | undefined;

  constructor(
    private readonly hostSetup: HostSetup,
    /** Where the per-host secret of the address is kept. */
    private readonly stateDir: string,
    /** The delivery mode asked for; 'auto': ingress where nftables takes its rules, else force-forwarding where the kernel has it, else packet-socket. */
    private readonly delivery: DeliveryMode | 'auto',
    private readonly log: (line: string) => void,
  ) {}

  /** The address on `uplink` in `subnet` (its /64; null: none yet), and the delivery mode for it. */
  async choose(uplink: Uplink, subnet: string | null): Promise<ChosenClatAddress> {
    const forced = this.delivery;
    const forwarding = hasForceForwarding(uplink.name);
    if (forced !== 'nat66' && subnet !== null) {
      const address = await this.hostSetup.chooseClatAddress(uplink, subnet, loadSecret(this.stateDir));
      if (!address.ok) return address;
      this.ingressSupported ??= await supportsIngressDelivery();
      const delivery = forced === 'auto' ? (this.ingressSupported ? 'ingress' : forwarding ? 'force-forwarding' : 'packet-socket') : forced;
      return { ok: true, address: address.value, delivery };
    }
    if (uplink.globalIpv6.length === 0) return { ok: false, error: `${uplink.name} has no global IPv6 address` };
    if (!forwarding) {
      return { ok: false, error: `${uplink.name} has no SLAAC /64 (DHCPv6 only?): the NAT66 fallback needs Linux 6.17 or later (per-interface forwarding)` };
    }
    this.log(`${uplink.name} has no SLAAC /64: the CLAT uses a private address behind NAT66`);
    return { ok: true, address: clatNat66Address(uplink.name, loadSecret(this.stateDir)), delivery: 'nat66' };
  }
}

/**
 * Whether a CLAT can start on `uplink` whose /64 for the CLAT is `subnet` (null: none), by choose's
 * rules: that /64, or, for the NAT66 fallback, any global address and per-interface forwarding.
 */
export function canCarryClat(uplink: Uplink, subnet: string | null): boolean {
  return subnet !== null || (uplink.globalIpv6.length > 0 && hasForceForwarding(uplink.name));
}

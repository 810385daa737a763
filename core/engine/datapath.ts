// The running CLAT's data path: the TUN device, the host set up around it (core/host), and the
// packet loop with a translator configured as a CLAT (RFC 6877 §6.3: pool6 is the NAT64 prefix,
// and one explicit mapping ties the host's 192.0.0.1 to the CLAT's own IPv6 address). A prefix
// change swaps the translator without touching the device.

import type { DeliveryMode, RunningClat } from '../api/status.js';
import { formatIpv6Prefix, parseIpv6, type Ipv6Prefix } from '../wire/address.js';
import type { Uplink } from '../host/host-inspect.js';
import { clatIpv4, clatTranslatorIpv4, type HostSetup } from '../host/host-setup.js';
import { openLinuxTun } from '../tun/linux-tun.js';
import type { NativeAddon } from '../tun/native-addon.js';
import { parseSiitConfig } from '../xlat/config.js';
import { Translator } from '../xlat/translator.js';
import type { Observatory } from './observatory.js';
import { PacketLoop, type PacketSinks, type PacketSource } from './packet-loop.js';
import { PacketSocketSource, RawIpv6Sink } from './packet-socket-path.js';
import { VnetPacketLoop } from './vnet-packet-loop.js';

export function clatTranslator(prefix: Ipv6Prefix, clatIpv6: string, uplinkMtu: number): Translator {
  const parsed = parseSiitConfig({
    pool6: formatIpv6Prefix(prefix),
    eamt: [{ ipv6: `${clatIpv6}/128`, ipv4: `${clatIpv4}/32` }],
    selfIpv4: clatTranslatorIpv4,
    selfIpv6: clatIpv6,
    mtu: { ipv4: uplinkMtu, ipv6: uplinkMtu },
  });
  // The prefix was checked by discovery and the address chosen by us: a refusal here is a bug.
  if (!parsed.ok) throw new Error(`CLAT translator configuration refused: ${parsed.error}`);
  return new Translator(parsed.config);
}

export interface DatapathParams {
  readonly uplink: Uplink;
  readonly prefix: Ipv6Prefix;
  readonly clatIpv6: string;
  readonly tunName: string;
  readonly ipv4DefaultRoute: boolean;
  readonly delivery: DeliveryMode;
  /**
   * TUN offloads (vnet-packet-loop.ts) where the TUN is both ends of the path (force-forwarding,
   * nat66); packet-socket delivery sends IPv6 through a raw socket, which takes no super-packets.
   */
  readonly offload: boolean;
}

/** What the data path needs of either packet loop. */
type TranslatingLoop = Pick<PacketLoop, 'addObserver' | 'setTranslator' | 'start' | 'stop'>;

export class Datapath {
  private constructor(
    readonly info: Omit<RunningClat, 'prefix' | 'sinceMs'>,
    private readonly loop: TranslatingLoop,
    private readonly close: () => void,
    private readonly uplinkMtu: number,
  ) {}

  /** Opens the TUN, sets the host up around it and starts translating. */
  static async start(
    params: DatapathParams, addon: NativeAddon, hostSetup: HostSetup, observatory: Observatory,
  ): Promise<{ ok: true; datapath: Datapath } | { ok: false; error: string }> {
    const offload = params.offload && params.delivery !== 'packet-socket';
    const opened = openLinuxTun({ name: params.tunName, offload }, addon);
    if (!opened.ok) return { ok: false, error: opened.error };
    const device = opened.device;
    const closers: (() => void)[] = [() => device.close()];
    const closeAll = () => {
      for (const close of closers.reverse()) close();
    };
    const applied = await hostSetup.applyTun({
      uplink: params.uplink,
      tun: device.name,
      clatIpv6: params.clatIpv6,
      ipv4DefaultRoute: params.ipv4DefaultRoute,
      delivery: params.delivery,
    });
    if (!applied.ok) {
      closeAll();
      return applied;
    }
    let sources: PacketSource[] = [device];
    let sinks: PacketSinks = { ipv4: device, ipv6: device };
    if (params.delivery === 'packet-socket') {
      const sink = RawIpv6Sink.open(addon, params.uplink.name, params.clatIpv6);
      if (!sink.ok) {
        closeAll();
        return sink;
      }
      closers.push(() => sink.sink.close());
      const source = PacketSocketSource.open(addon, params.uplink.name, params.clatIpv6);
      if (!source.ok) {
        closeAll();
        return source;
      }
      closers.push(() => source.source.close());
      sources = [device, source.source];
      sinks = { ipv4: device, ipv6: sink.sink };
    }
    const translator = clatTranslator(params.prefix, params.clatIpv6, params.uplink.mtu);
    // A slot holds the largest packet either side sends, with room to spare for a TUN that is
    // given a larger MTU later.
    const clatAddresses = { ipv4: 0xc0000001, ipv6: parseIpv6(params.clatIpv6) ?? new Uint8Array(16) };
    const loop: TranslatingLoop = offload
      ? new VnetPacketLoop(device, translator, observatory.counters, clatAddresses)
      : new PacketLoop(sources, sinks, translator, observatory.counters, Math.max(params.uplink.mtu, 1500) + 256, clatAddresses);
    loop.addObserver(observatory);
    loop.start();
    return {
      ok: true,
      datapath: new Datapath(
        {
          uplink: params.uplink.name,
          tun: device.name,
          clatIpv4,
          clatIpv6: params.clatIpv6,
          mtu: applied.value.mtu4,
          delivery: params.delivery,
          offloads: device.offloads,
        },
        loop,
        closeAll,
        params.uplink.mtu,
      ),
    };
  }

  setPrefix(prefix: Ipv6Prefix): void {
    this.loop.setTranslator(clatTranslator(prefix, this.info.clatIpv6, this.uplinkMtu));
  }

  /** Stops translating and closes the TUN (its routes and addresses go with it); host undo is the engine's. */
  stop(): void {
    this.loop.stop();
    this.close();
  }
}

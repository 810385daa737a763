// A worker thread that translates the packets of one TUN queue (IFF_MULTI_QUEUE; queue-workers.ts
// starts it). It runs the same packet loop as the main thread does with one queue, on a descriptor
// the main thread opened and owns: it counts into shared counters and shows its packets to the
// main thread's observers through an observation ring (core/observe/observation-ring.ts), and
// never waits for either.
//
// Messages in: a new translator ('prefix'), and 'stop', after which it stops polling and ends; the
// main thread closes the descriptor only then, so libuv never polls a closed (or reused) descriptor.

import { parentPort, workerData } from 'node:worker_threads';
import type { Ipv6Prefix } from '../wire/address.js';
import { LinuxTun } from '../tun/linux-tun.js';
import type { PacketBatch } from '../tun/tun-device.js';
import { nativeAddon } from '../tun/native-addon.js';
import { ObservationWriter } from '../observe/observation-ring.js';
import { TrafficCounters } from '../observe/traffic-counters.js';
import { clatAddressesOf, slotBytesOf, translatorOf, type DatapathConfig } from './datapath-config.js';
import { warmUpTranslator } from './jit-warm-up.js';
import { PacketLoop } from './packet-loop.js';
import { VnetPacketLoop } from './vnet-packet-loop.js';

export interface QueueWorkerData {
  /** The TUN queue the main thread opened, and closes after the worker has ended. */
  readonly queue: {
    readonly fd: number;
    readonly tunName: string;
    readonly batchSize: number;
    /** 10 with offloads (virtio-net headers), else 0. */
    readonly vnetHeaderBytes: number;
  };
  readonly config: DatapathConfig;
  readonly counters: SharedArrayBuffer;
  readonly observations: SharedArrayBuffer;
  /** The main thread's performance.timeOrigin: observation times are given on its clock. */
  readonly mainTimeOrigin: number;
}

export type QueueWorkerMessage = { readonly type: 'prefix'; readonly prefix: Ipv6Prefix } | { readonly type: 'stop' };
export type QueueWorkerReply = { readonly type: 'started' };

function run(port: NonNullable<typeof parentPort>, data: QueueWorkerData): void {
  const addon = nativeAddon();
  const { queue, config } = data;
  const device = new LinuxTun(addon, queue.fd, queue.tunName, queue.batchSize, queue.vnetHeaderBytes);
  const counters = new TrafficCounters(data.counters);
  const writer = new ObservationWriter(data.observations, performance.timeOrigin - data.mainTimeOrigin);
  // Observations are published once per read batch, not per packet: before each read (the last
  // batch's are all written by then) and after the drain. A drain may take 64 batches, as many
  // packets as the ring holds, so once per drain would lose observations an idle reader could take.
  const publishing = {
    batchSize: device.batchSize,
    read: (batch: PacketBatch) => {
      writer.publish();
      return device.read(batch);
    },
    write: device.write.bind(device),
    onReadable: (listener: () => void) =>
      device.onReadable(() => {
        listener();
        writer.publish();
      }),
  };
  const translator = translatorOf(config, config.prefix);
  // Each thread has its own V8 isolate, and so its own optimized code to warm up.
  warmUpTranslator(translator, queue.vnetHeaderBytes > 0);
  const clat = clatAddressesOf(config);
  const loop =
    queue.vnetHeaderBytes > 0
      ? new VnetPacketLoop(publishing, translator, counters, clat)
      : new PacketLoop([publishing], { ipv4: publishing, ipv6: publishing }, translator, counters, slotBytesOf(config), clat);
  loop.addObserver(writer);
  loop.start();
  port.on('message', (message: QueueWorkerMessage) => {
    if (message.type === 'prefix') {
      loop.setTranslator(translatorOf(config, message.prefix));
      return;
    }
    loop.stop();
    writer.publish();
    port.close();
  });
  port.postMessage({ type: 'started' } satisfies QueueWorkerReply);
}

if (parentPort !== null) run(parentPort, workerData as QueueWorkerData);

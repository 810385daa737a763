// Small text helpers of the observation commands (flows, report, trace).

import { protocol } from '../wire/protocol.js';

export function protocolText(number: number): string {
  if (number === protocol.tcp) return 'tcp';
  if (number === protocol.udp) return 'udp';
  if (number === protocol.icmp) return 'icmp';
  return `proto ${number}`;
}

export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

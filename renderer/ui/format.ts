// Numbers for people: SI rates (bits/s, packets/s), binary sizes, ages, clock times.

import { protocol } from '../../core/wire/protocol.js';

const siUnits = ['', 'k', 'M', 'G', 'T'];

/** 1234567 → "1.23 M" (three significant digits, SI prefixes). */
export function formatSi(value: number, unit: string): string {
  let scaled = Math.abs(value);
  let index = 0;
  while (scaled >= 1000 && index < siUnits.length - 1) {
    scaled /= 1000;
    index++;
  }
  const digits = scaled >= 100 || index === 0 ? 0 : scaled >= 10 ? 1 : 2;
  return `${(Math.sign(value) * scaled).toFixed(digits)} ${siUnits[index]}${unit}`;
}

export function formatBitRate(bytesPerSecond: number): string {
  return formatSi(bytesPerSecond * 8, 'bit/s');
}

export function formatPacketRate(packetsPerSecond: number): string {
  return formatSi(packetsPerSecond, 'pkt/s');
}

const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let scaled = bytes;
  let index = 0;
  while (scaled >= 1024 && index < binaryUnits.length - 1) {
    scaled /= 1024;
    index++;
  }
  return index === 0 ? `${bytes} B` : `${scaled.toFixed(scaled >= 100 ? 0 : 1)} ${binaryUnits[index]}`;
}

// One formatter for every count: toLocaleString builds a new one per call, which showed in profiles.
const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** How long ago `atMs` was, from `nowMs`: "now", "12 s", "3 min", "2 h". */
export function formatAge(atMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - atMs) / 1000));
  if (seconds < 2) return 'now';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** What is left until `atMs`: "in 29 min", or "expired". */
export function formatRemaining(atMs: number, nowMs: number): string {
  const seconds = Math.round((atMs - nowMs) / 1000);
  if (seconds <= 0) return 'expired';
  if (seconds < 120) return `${seconds} s left`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min left`;
  return `${Math.round(seconds / 3600)} h left`;
}

/** "14:03:07.123": a trace row's time of day, to the millisecond. */
export function formatClock(atMs: number): string {
  const date = new Date(atMs);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

const protocolNames: Record<number, string> = { [protocol.icmp]: 'ICMP', [protocol.tcp]: 'TCP', [protocol.udp]: 'UDP', [protocol.icmpv6]: 'ICMPv6' };

export function formatProtocol(protocol: number): string {
  return protocolNames[protocol] ?? `proto ${protocol}`;
}

/** "203.0.113.10:80", "[2001:db8::1]:80"; no port for ICMP (port 0). */
export function formatEndpoint(address: string, port: number): string {
  if (port === 0) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

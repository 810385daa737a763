// One packet's bytes in hex, 16 to a line, with the selected field's bytes lit (a byte only partly
// the field's is lit half as bright; an embedded IPv4 address's in the IPv4 colour), and under it
// the lit bytes' bits, the field's own bits lit.
// The trace ring keeps a packet's first bytes only: what was not recorded is said, not drawn.

import { memo } from 'react';
import { bitsOf, litByteMap } from './field-bits.js';

const bytesPerLine = 16;

function hex(value: number, width = 2): string {
  return value.toString(16).padStart(width, '0');
}

function BitStrip(props: { bytes: Uint8Array; lit: ReadonlyMap<number, number> }) {
  const shown = [...props.lit].filter(([index]) => index < props.bytes.length);
  if (shown.length === 0) return null;
  // A 128-bit address needs no bit strip: whole bytes are lit. Keep the strip for fields inside bytes.
  if (shown.every(([, mask]) => mask === 0xff) && shown.length > 4) return null;
  return (
    <div className="bit-strip" data-testid="bit-strip">
      {shown.map(([index, mask]) => (
        <span key={index} className="bit-byte" title={`byte ${index}`}>
          {bitsOf(props.bytes[index], mask).map((bit, i) => (
            <span key={i} className={bit.lit ? 'bit bit-lit' : 'bit'}>
              {bit.value}
            </span>
          ))}
        </span>
      ))}
    </div>
  );
}

export const HexDump = memo(function HexDump(props: {
  title: string;
  bytes: Uint8Array;
  /** The packet's length on the wire (more than `bytes` when it was snapped). */
  length: number;
  bitOffset: number | null;
  bitLength: number;
  /** Bytes of the packet (absolute indices) that hold an embedded IPv4 address, drawn in its colour. */
  embedded: ReadonlySet<number>;
  testId: string;
}) {
  const lit = props.bitOffset === null ? new Map<number, number>() : litByteMap(props.bitOffset, props.bitLength);
  const lines: number[] = [];
  for (let start = 0; start < props.bytes.length; start += bytesPerLine) lines.push(start);
  const notRecorded = props.length - props.bytes.length;
  return (
    <div className="hex" data-testid={props.testId}>
      <div className="hex-title">{props.title}</div>
      <div className="hex-lines">
        {lines.map((start) => (
          <div key={start} className="hex-line">
            <span className="hex-offset">{hex(start, 4)}</span>
            {Array.from(props.bytes.subarray(start, start + bytesPerLine), (value, i) => {
              const mask = lit.get(start + i);
              let className = mask === undefined ? 'hex-byte' : mask === 0xff ? 'hex-byte hex-lit' : 'hex-byte hex-lit-part';
              if (mask !== undefined && props.embedded.has(start + i)) className += ' hex-embedded';
              return (
                <span key={i} className={className} data-lit={mask !== undefined}>
                  {hex(value)}
                </span>
              );
            })}
          </div>
        ))}
      </div>
      {notRecorded > 0 && <div className="muted hex-snapped">{notRecorded} more bytes not recorded (the trace keeps a packet's first {props.bytes.length})</div>}
      <BitStrip bytes={props.bytes} lit={lit} />
    </div>
  );
});

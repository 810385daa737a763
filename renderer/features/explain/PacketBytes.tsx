// Both packets' bytes, the left side's above the right side's, with the selected step's field lit
// in each: the input field in the input's bytes, its counterpart in the output's.

import { useMemo } from 'react';
import { decodeBase64 } from '../../../core/api/base64.js';
import type { ExplainedPacket, Explanation, FieldPlace } from '../../../core/api/explanation.js';
import { useExplain } from '../../stores/explain-store.js';
import { HexDump } from './HexDump.js';
import { sidesOf, tableRows, type SideInfo, type StepRow } from './step-rows.js';

function packetOf(explanation: Explanation, side: SideInfo, field: FieldPlace | null): { packet: ExplainedPacket; index: number } | null {
  if (side.packet === 'input') return { packet: explanation.input, index: 0 };
  const index = field?.outputIndex ?? 0;
  const packet = explanation.outputs[index];
  return packet === undefined ? null : { packet, index };
}

const none: ReadonlySet<number> = new Set();

/** The packet's bytes that hold the IPv4 address a field's IPv6 address embeds. */
function embeddedBytes(field: FieldPlace | null): ReadonlySet<number> {
  if (field?.embeddedIpv4Bytes === undefined) return none;
  const first = field.bitOffset >> 3;
  return new Set(field.embeddedIpv4Bytes.map((index) => first + index));
}

function SideBytes(props: { explanation: Explanation; side: SideInfo; field: FieldPlace | null; testId: string }) {
  const found = packetOf(props.explanation, props.side, props.field);
  const bytes = useMemo(() => (found === null ? null : (decodeBase64(found.packet.bytes) ?? new Uint8Array(0))), [found?.packet.bytes]);
  if (found === null || bytes === null) return null;
  const several = props.side.packet === 'output' && props.explanation.outputs.length > 1 ? `, packet ${found.index + 1} of ${props.explanation.outputs.length}` : '';
  const fieldName = props.field === null ? '' : ` · ${props.field.name}`;
  return (
    <HexDump
      title={`${props.side.title}${several}: ${found.packet.length} bytes${fieldName}`}
      bytes={bytes}
      length={found.packet.length}
      bitOffset={props.field?.bitOffset ?? null}
      bitLength={props.field?.bitLength ?? 0}
      embedded={embeddedBytes(props.field)}
      testId={props.testId}
    />
  );
}

export function PacketBytes(props: { explanation: Explanation }) {
  const selected = useExplain((state) => state.selectedStep);
  const sides = sidesOf(props.explanation);
  const row = useMemo(
    () => tableRows(props.explanation).find((candidate): candidate is StepRow => candidate.kind === 'step' && candidate.index === selected) ?? null,
    [props.explanation, selected],
  );
  // With no step chosen, a refused packet lights the field that decided its verdict.
  const refused = row === null ? (props.explanation.refusal?.from ?? null) : null;
  const fieldOn = (side: SideInfo, chosen: FieldPlace | null) => chosen ?? (refused !== null && refused.packet === side.packet ? refused : null);
  return (
    <div className="packet-bytes" data-testid="explain-bytes">
      <SideBytes explanation={props.explanation} side={sides.left} field={fieldOn(sides.left, row?.left ?? null)} testId="hex-left" />
      <SideBytes explanation={props.explanation} side={sides.right} field={fieldOn(sides.right, row?.right ?? null)} testId="hex-right" />
    </div>
  );
}

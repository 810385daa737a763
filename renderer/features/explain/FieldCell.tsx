// One side of a step: the field's name as its RFC spells it, and its value; an IPv6 address that
// embeds an IPv4 one shows which bytes hold it (core/api/explanation.ts, `embeddedIpv4Bytes`).

import type { FieldPlace } from '../../../core/api/explanation.js';
import { parseIpv6 } from '../../../core/wire/address.js';
import { EmbeddedAddress } from '../../ui/EmbeddedAddress.js';
import { embeddedIpv4Text, ipv6Parts } from '../../ui/ipv6-parts.js';

function FieldValue(props: { field: FieldPlace }) {
  const { field } = props;
  const embedded = field.embeddedIpv4Bytes;
  const bytes = embedded === undefined ? undefined : parseIpv6(field.value);
  if (embedded === undefined || bytes === undefined) return <span className="field-value">{field.value}</span>;
  const parts = ipv6Parts(bytes, new Set(embedded)).map((part) => ({ text: part.text, embedded: part.marked }));
  return (
    <span className="field-value">
      <EmbeddedAddress parts={parts} ipv4={embeddedIpv4Text(bytes, embedded)} showIpv4 />
    </span>
  );
}

export function FieldCell(props: { field: FieldPlace | null; multipleOutputs: boolean }) {
  const { field } = props;
  if (field === null) return <div className="field-cell field-none">—</div>;
  const where = props.multipleOutputs && field.packet === 'output' ? ` (packet ${field.outputIndex + 1})` : '';
  return (
    <div className="field-cell" data-testid="field" data-name={field.name}>
      <span className="field-name">
        {field.name}
        {where}
      </span>
      <FieldValue field={field} />
    </div>
  );
}

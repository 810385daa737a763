// A trace row's text with its IPv6 addresses made readable (line-parts.ts): the NAT64 prefix and
// the embedded IPv4 in two colours, the CLAT's own address perhaps shortened in the middle. The
// addresses do not shrink; the rest of the line gives way (ellipsis) when the pane is narrow.

import { memo, useMemo } from 'react';
import { EmbeddedAddress } from '../../ui/EmbeddedAddress.js';
import { lineParts, type LineContext } from './line-parts.js';

export const TraceLine = memo(function TraceLine(props: { line: string; context: LineContext }) {
  const parts = useMemo(() => lineParts(props.line, props.context), [props.line, props.context]);
  return (
    <span className="trace-line">
      {parts.map((part, index) => {
        if (part.kind === 'clat') {
          return (
            <span key={index} className="addr-clat" title={`${part.full} (the CLAT's own address)`} data-testid="clat-address">
              {part.text}
            </span>
          );
        }
        if (part.kind === 'nat64') return <EmbeddedAddress key={index} parts={part.parts} ipv4={part.ipv4} />;
        return (
          <span key={index} className="trace-text">
            {part.text}
          </span>
        );
      })}
    </span>
  );
});

// A trace row's text with its IPv6 addresses made readable (line-parts.ts): the NAT64 prefix and
// the embedded IPv4 in two colours, the CLAT's own address perhaps shortened in the middle. The
// addresses do not shrink; the description after them gives way (ellipsis) when the pane is
// narrow, and the packet an ICMP error quotes, at the end, is shown whole or not at all: it sits
// in a one-line box that wraps it out of sight when it does not fit.

import { memo, useMemo } from 'react';
import { EmbeddedAddress } from '../../ui/EmbeddedAddress.js';
import { lineParts, splitQuote, type LineContext, type LinePart } from './line-parts.js';

function Parts(props: { parts: readonly LinePart[]; tail: boolean }) {
  const last = props.parts.length - 1;
  return props.parts.map((part, index) => {
    if (part.kind === 'clat') {
      return (
        <span key={index} className="addr-clat" title={`${part.full} (the CLAT's own address)`} data-testid="clat-address">
          {part.text}
        </span>
      );
    }
    if (part.kind === 'nat64') return <EmbeddedAddress key={index} parts={part.parts} ipv4={part.ipv4} />;
    return (
      <span key={index} className={props.tail && index === last ? 'trace-text trace-text-tail' : 'trace-text'}>
        {part.text}
      </span>
    );
  });
}

export const TraceLine = memo(function TraceLine(props: { line: string; context: LineContext }) {
  const { main, quote } = useMemo(() => {
    const split = splitQuote(props.line);
    return { main: lineParts(split.main, props.context), quote: split.quote === null ? null : lineParts(split.quote, props.context) };
  }, [props.line, props.context]);
  return (
    <span className="trace-line">
      <Parts parts={main} tail />
      {quote !== null && (
        <span className="trace-quote">
          <span className="trace-quote-spacer" />
          <span className="trace-quote-body">
            <Parts parts={quote} tail={false} />
          </span>
        </span>
      )}
    </span>
  );
});

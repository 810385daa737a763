// An IPv6 address with the IPv4 address it embeds (RFC 6052) in the IPv4 side's colour, the
// prefix in the IPv6 side's, and the IPv4 address dotted beside it when asked.

import { memo } from 'react';

export interface EmbeddedAddressProps {
  readonly parts: readonly { readonly text: string; readonly embedded: boolean }[];
  readonly ipv4: string;
  readonly showIpv4?: boolean;
}

export const EmbeddedAddress = memo(function EmbeddedAddress(props: EmbeddedAddressProps) {
  return (
    <span className="addr-embedding" title={`${props.ipv4} embedded (RFC 6052)`} data-testid="embedding-address">
      {props.parts.map((part, index) =>
        part.embedded ? (
          <mark key={index} className="addr-embedded" data-testid="embedded-ipv4">
            {part.text}
          </mark>
        ) : (
          <span key={index} className="addr-prefix">
            {part.text}
          </span>
        ),
      )}
      {props.showIpv4 === true && props.ipv4 !== '' && <span className="addr-dotted"> = {props.ipv4}</span>}
    </span>
  );
});

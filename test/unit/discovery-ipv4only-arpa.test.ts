// RFC 7050 §3: the prefix from the AAAA answers for ipv4only.arpa, against the shared RFC vectors.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefixFromIpv4onlyArpa } from '../../core/discovery/ipv4only-arpa.js';
import { conformanceDir } from '../conformance/jool-corpus.js';
import { addr, prefixText } from './discovery-fixtures.js';

interface Rfc7050Vector {
  prefix: string;
  aaaa: string[];
}

const vectors = (JSON.parse(readFileSync(join(conformanceDir(), 'rfc-vectors.json'), 'utf8')) as { rfc7050_ipv4only_arpa: Rfc7050Vector[] })
  .rfc7050_ipv4only_arpa;

describe('prefixFromIpv4onlyArpa', () => {
  it('has a vector for each RFC 6052 prefix length', () => {
    expect(vectors.map((vector) => Number(vector.prefix.split('/')[1])).sort((a, b) => a - b)).toEqual([32, 40, 48, 56, 64, 96, 96]);
  });

  for (const vector of vectors) {
    it(`finds ${vector.prefix} from both answers, and from each alone`, () => {
      const answers = vector.aaaa.map(addr);
      expect(prefixFromIpv4onlyArpa(answers).map(prefixText)).toEqual([vector.prefix]);
      expect(prefixFromIpv4onlyArpa([answers[0]]).map(prefixText)).toEqual([vector.prefix]); // 192.0.0.170
      expect(prefixFromIpv4onlyArpa([answers[1]]).map(prefixText)).toEqual([vector.prefix]); // 192.0.0.171
    });
  }

  it('finds nothing when no answer embeds a Well-Known address (no heuristics)', () => {
    expect(prefixFromIpv4onlyArpa([])).toEqual([]);
    expect(prefixFromIpv4onlyArpa([addr('2001:db8::1'), addr('64:ff9b::c000:201')])).toEqual([]);
    expect(prefixFromIpv4onlyArpa([addr('64:ff9b::c000:ac')])).toEqual([]); // 192.0.0.172
  });

  it('skips an address whose u-octet is not zero (RFC 6052 §2.2)', () => {
    expect(prefixFromIpv4onlyArpa([addr('2001:db8:122:344:1c0:0:aa00:0')])).toEqual([]);
    expect(prefixFromIpv4onlyArpa([addr('2001:db8:122:344:100::c000:aa')])).toEqual([]);
  });

  it('returns every distinct prefix, in answer order, each once', () => {
    const answers = ['64:ff9b::c000:aa', '2001:db8:122:344::c000:aa', '64:ff9b::c000:ab', '2001:db8:122:344::c000:ab'].map(addr);
    expect(prefixFromIpv4onlyArpa(answers).map(prefixText)).toEqual(['64:ff9b::/96', '2001:db8:122:344::/96']);
  });

  it('settles a prefix that itself contains 192.0.0.170 by the zero suffix', () => {
    // /32 prefix 2001:db8:: embedding 192.0.0.170, while a /96 reading finds c000:aa nowhere; and a /96
    // prefix containing c0.00.00.aa at the /32 position, whose /32 reading has a nonzero suffix.
    expect(prefixFromIpv4onlyArpa([addr('2001:db8:c000:aa::')]).map(prefixText)).toEqual(['2001:db8::/32']);
    expect(prefixFromIpv4onlyArpa([addr('2001:db8:c000:aa::c000:aa')]).map(prefixText)).toEqual(['2001:db8:c000:aa::/96']);
  });

  it('settles the rest with the second Well-Known address, the reason RFC 7050 has two', () => {
    // 192.0.0.170 sits at both the /32 and the /64 position and the last bit is set, so neither has a
    // zero suffix; only at /64 does the other answer hold 192.0.0.171 under the same prefix.
    const withTheOther = ['2001:db8:c000:aa:c0:0:aa00:1', '2001:db8:c000:aa:c0:0:ab00:1'].map(addr);
    expect(prefixFromIpv4onlyArpa(withTheOther).map(prefixText)).toEqual(['2001:db8:c000:aa::/64']);
    expect(prefixFromIpv4onlyArpa([withTheOther[0]])).toEqual([]); // alone it is ambiguous: no guess
  });

  it('ignores answers that are not 16 bytes', () => {
    expect(prefixFromIpv4onlyArpa([new Uint8Array(4), addr('64:ff9b::c000:ab')]).map(prefixText)).toEqual(['64:ff9b::/96']);
  });
});

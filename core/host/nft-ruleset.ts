// The host's nftables rule set as data: tables' chains with their hooks, priorities, policies and
// rules, read from `nft -j list ruleset` (libnftables-json(5)). iptables-nft (Docker's and ufw's
// rules) writes into the same rule set, but some of its matches (`-m conntrack --ctstate …`) stay
// opaque in the JSON (`{"xt": {"type": "match", "name": "conntrack"}}`); `nft -a list ruleset`
// writes them out as nft would (`ct state related,established`), with each rule's handle, so the
// listing, when given, completes the rules it belongs to. Pure: the caller runs nft.

export interface NftRule {
  readonly handle: number;
  /** The rule's statements (libnftables-json(5) "STATEMENTS"): matches, counters, verdicts. */
  readonly expr: readonly Readonly<Record<string, unknown>>[];
  /** The rule as `nft -a list ruleset` writes it (without counters and handle), when known. */
  readonly text: string | null;
}

export interface NftChain {
  readonly family: string;
  readonly table: string;
  readonly name: string;
  /** A base chain's hook (`forward`, `input`, …); null for a regular chain (reached by jump/goto). */
  readonly hook: string | null;
  readonly type: string | null;
  readonly priority: number;
  readonly policy: 'accept' | 'drop' | null;
  readonly rules: readonly NftRule[];
}

export class NftRuleset {
  private readonly byKey: ReadonlyMap<string, NftChain>;

  constructor(readonly chains: readonly NftChain[]) {
    this.byKey = new Map(chains.map((chain) => [chainKey(chain.family, chain.table, chain.name), chain]));
  }

  chain(family: string, table: string, name: string): NftChain | undefined {
    return this.byKey.get(chainKey(family, table, name));
  }

  /** The chains of one table. */
  tableChains(family: string, table: string): NftChain[] {
    return this.chains.filter((chain) => chain.family === family && chain.table === table);
  }
}

function chainKey(family: string, table: string, name: string): string {
  return `${family}\u0000${table}\u0000${name}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The rule set of `nft -j list ruleset` (parsed JSON), its rules completed by `listing` (the text
 * of `nft -a list ruleset`, same state) where given.
 */
export function parseNftRuleset(json: unknown, listing?: string): { ok: true; ruleset: NftRuleset } | { ok: false; error: string } {
  if (!isRecord(json) || !Array.isArray(json.nftables)) return { ok: false, error: 'not an nft -j rule set (no "nftables" array)' };
  const texts = listing === undefined ? new Map<string, string>() : parseNftListing(listing);
  const chains = new Map<string, { chain: Omit<NftChain, 'rules'>; rules: NftRule[] }>();
  for (const item of json.nftables) {
    if (!isRecord(item)) continue;
    const chain = item.chain;
    if (isRecord(chain) && typeof chain.family === 'string' && typeof chain.table === 'string' && typeof chain.name === 'string') {
      chains.set(chainKey(chain.family, chain.table, chain.name), {
        chain: {
          family: chain.family,
          table: chain.table,
          name: chain.name,
          hook: typeof chain.hook === 'string' ? chain.hook : null,
          type: typeof chain.type === 'string' ? chain.type : null,
          priority: typeof chain.prio === 'number' ? chain.prio : 0,
          policy: chain.policy === 'drop' ? 'drop' : chain.policy === 'accept' ? 'accept' : null,
        },
        rules: [],
      });
    }
    const rule = item.rule;
    if (isRecord(rule) && typeof rule.family === 'string' && typeof rule.table === 'string' && typeof rule.chain === 'string' && Array.isArray(rule.expr)) {
      const owner = chains.get(chainKey(rule.family, rule.table, rule.chain));
      if (owner === undefined) continue;
      const handle = typeof rule.handle === 'number' ? rule.handle : -1;
      owner.rules.push({
        handle,
        expr: rule.expr.filter(isRecord),
        text: texts.get(ruleKey(rule.family, rule.table, rule.chain, handle)) ?? null,
      });
    }
  }
  return { ok: true, ruleset: new NftRuleset([...chains.values()].map(({ chain, rules }) => ({ ...chain, rules }))) };
}

function ruleKey(family: string, table: string, chain: string, handle: number): string {
  return `${chainKey(family, table, chain)}\u0000${handle}`;
}

/**
 * The rules of `nft -a list ruleset` by family, table, chain and handle, each as its text without
 * counters and handle comment:
 *
 *   table ip6 filter { # handle 2
 *   	chain FORWARD { # handle 3
 *   		ct state related,established counter packets 0 bytes 0 accept # handle 55
 */
export function parseNftListing(listing: string): Map<string, string> {
  const rules = new Map<string, string>();
  let family: string | null = null;
  let table: string | null = null;
  let chain: string | null = null;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const tableHeader = /^table (\S+) (\S+) \{/.exec(line);
    if (tableHeader !== null) {
      [family, table, chain] = [tableHeader[1], tableHeader[2], null];
      continue;
    }
    const chainHeader = /^chain (\S+) \{/.exec(line);
    if (chainHeader !== null) {
      chain = chainHeader[1];
      continue;
    }
    const rule = /^(.*\S)\s+# handle (\d+)$/.exec(line);
    if (rule === null || family === null || table === null || chain === null || line.startsWith('type ')) continue;
    const text = rule[1].replace(/\s*counter packets \d+ bytes \d+/g, '').trim();
    rules.set(ruleKey(family, table, chain, Number(rule[2])), text);
  }
  return rules;
}

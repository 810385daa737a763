// An explanation's steps as the rows of a two-sided table: the IPv4 packet on the left and the IPv6
// one on the right, as in the trace panes, so an input field and its output counterpart share a
// row and the arrow between them points the way the packet went (→ out, 46; ← in, 64). When both
// packets are of one family (an ICMP error the translator sent back), the input is on the left.
// Rows come in the translator's order, grouped under a heading whenever the headers or the depth
// change (the quoted packet of an ICMP error is depth 1, shown indented under its own heading).

import type { Explanation, FieldPlace, StepAction, TranslationStep } from '../../../core/api/explanation.js';

export type Side = 'left' | 'right';

export interface SideInfo {
  readonly packet: 'input' | 'output';
  readonly family: 4 | 6 | null;
  readonly title: string;
}

export interface StepRow {
  readonly kind: 'step';
  /** The step's index in `explanation.steps`: its identity for selection. */
  readonly index: number;
  readonly depth: 0 | 1;
  readonly left: FieldPlace | null;
  readonly right: FieldPlace | null;
  /** From the input to the output: right (→) or left (←); none for a field only one side has. */
  readonly arrow: '→' | '←' | '';
  readonly action: StepAction;
  readonly rule: string;
  readonly cite: string;
}

export interface HeadingRow {
  readonly kind: 'heading';
  readonly key: string;
  readonly depth: 0 | 1;
  readonly text: string;
}

export type TableRow = StepRow | HeadingRow;

const headerNames: Record<FieldPlace['header'], string> = {
  ipv4: 'IPv4 header',
  'ipv4-options': 'IPv4 options',
  ipv6: 'IPv6 header',
  fragment: 'Fragment header',
  extension: 'IPv6 extension header',
  tcp: 'TCP',
  udp: 'UDP',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
};

export function headerName(header: FieldPlace['header']): string {
  return headerNames[header];
}

/** Which packet each side shows: the IPv4 one left when the families differ, else the input left. */
export function sidesOf(explanation: Explanation): { readonly left: SideInfo; readonly right: SideInfo } {
  const output = explanation.outputs[0];
  const input: SideInfo = { packet: 'input', family: explanation.input.family, title: `IPv${explanation.input.family} · input` };
  const out: SideInfo =
    output === undefined
      ? { packet: 'output', family: null, title: 'No output' }
      : { packet: 'output', family: output.family, title: `IPv${output.family} · ${explanation.generated !== null ? 'ICMP error sent back' : 'output'}${explanation.outputs.length > 1 ? ` (${explanation.outputs.length} packets)` : ''}` };
  const outputFirst = output !== undefined && output.family !== explanation.input.family && output.family === 4;
  return outputFirst ? { left: out, right: input } : { left: input, right: out };
}

function sideOfPlace(place: FieldPlace, sides: { left: SideInfo }): Side {
  return place.packet === sides.left.packet ? 'left' : 'right';
}

/** IP headers (with their options, Fragment and extension headers) form one layer; TCP, UDP, ICMP the other. */
function layerOf(header: FieldPlace['header']): 'ip' | 'transport' {
  return header === 'tcp' || header === 'udp' || header === 'icmp' || header === 'icmpv6' ? 'transport' : 'ip';
}

/** A group's heading: the headers on each side, left ⇄ right (`IPv4 header ⇄ IPv6 header + Fragment header`). */
function headingText(steps: readonly StepRow[]): string {
  const names = (side: 'left' | 'right') => [...new Set(steps.flatMap((row) => (row[side] === null ? [] : [headerName(row[side].header)])))].join(' + ');
  const left = names('left');
  const right = names('right');
  const quoted = steps[0].depth === 1 ? 'Quoted packet: ' : '';
  if (left === '' || right === '' || left === right) return `${quoted}${left || right}`;
  return `${quoted}${left} ⇄ ${right}`;
}

/**
 * The table's rows: steps in the translator's order, under a heading wherever the layer (IP or
 * transport) or the depth changes. Steps without a field are left out.
 */
export function tableRows(explanation: Explanation): TableRow[] {
  const sides = sidesOf(explanation);
  const groups: { key: string; steps: StepRow[] }[] = [];
  explanation.steps.forEach((step, index) => {
    const place = step.from ?? step.to;
    if (place === null) return;
    let left: FieldPlace | null = null;
    let right: FieldPlace | null = null;
    for (const field of [step.from, step.to]) {
      if (field === null) continue;
      if (sideOfPlace(field, sides) === 'left') left = field;
      else right = field;
    }
    const arrow = step.from === null || step.to === null ? '' : sideOfPlace(step.from, sides) === 'left' ? '→' : '←';
    const row: StepRow = { kind: 'step', index, depth: place.depth, left, right, arrow, action: step.action, rule: step.rule, cite: step.cite };
    const key = `${place.depth}:${layerOf(place.header)}`;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === key) last.steps.push(row);
    else groups.push({ key, steps: [row] });
  });
  return groups.flatMap((group): TableRow[] => [{ kind: 'heading', key: `h${group.steps[0].index}`, depth: group.steps[0].depth, text: headingText(group.steps) }, ...group.steps]);
}

/**
 * The step a panel lights first, what an audience looks for: an address that embeds an IPv4 one,
 * else the TTL decremented, else a field mapped, else any field turned into another.
 */
export function firstInterestingStep(explanation: Explanation): number | null {
  const { steps } = explanation;
  const both = (step: TranslationStep) => step.from !== null && step.to !== null;
  const wanted: ((step: TranslationStep) => boolean)[] = [
    (step) => both(step) && (step.to?.embeddedIpv4Bytes !== undefined || step.from?.embeddedIpv4Bytes !== undefined),
    (step) => both(step) && step.action === 'decremented',
    (step) => both(step) && step.action === 'mapped',
    (step) => both(step) && step.action !== 'copied',
  ];
  for (const test of wanted) {
    const index = steps.findIndex(test);
    if (index >= 0) return index;
  }
  return steps.length > 0 ? 0 : null;
}

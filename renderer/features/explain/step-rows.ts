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

function groupText(step: TranslationStep): string {
  const from = step.from === null ? null : headerName(step.from.header);
  const to = step.to === null ? null : headerName(step.to.header);
  const quoted = (step.from ?? step.to)!.depth === 1 ? 'Quoted packet: ' : '';
  if (from !== null && to !== null) return `${quoted}${from === to ? from : `${from} ⇄ ${to}`}`;
  return `${quoted}${from ?? to}`;
}

/** The table's rows: headings and steps, in the translator's order. Steps without a field are left out. */
export function tableRows(explanation: Explanation): TableRow[] {
  const sides = sidesOf(explanation);
  const rows: TableRow[] = [];
  let lastGroup = '';
  explanation.steps.forEach((step, index) => {
    const place = step.from ?? step.to;
    if (place === null) return;
    const group = groupText(step);
    if (group !== lastGroup) {
      rows.push({ kind: 'heading', key: `h${index}`, depth: place.depth, text: group });
      lastGroup = group;
    }
    let left: FieldPlace | null = null;
    let right: FieldPlace | null = null;
    for (const field of [step.from, step.to]) {
      if (field === null) continue;
      if (sideOfPlace(field, sides) === 'left') left = field;
      else right = field;
    }
    const arrow = step.from === null || step.to === null ? '' : sideOfPlace(step.from, sides) === 'left' ? '→' : '←';
    rows.push({ kind: 'step', index, depth: place.depth, left, right, arrow, action: step.action, rule: step.rule, cite: step.cite });
  });
  return rows;
}

/** The step a panel lights first: the first that turns a field into another (an address, a TTL). */
export function firstInterestingStep(explanation: Explanation): number | null {
  const index = explanation.steps.findIndex((step) => step.from !== null && step.to !== null && step.action !== 'copied');
  if (index >= 0) return index;
  return explanation.steps.length > 0 ? 0 : null;
}

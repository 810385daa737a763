// An explanation (core/api/explanation.ts) as terminal lines, one per step, the field and its
// value on each side, what happened, the rule's source and its reason:
//   Time to Live 64 → Hop Limit 63      decremented  RFC 7915 §4.1  (the translator is a router and decrements)
// Steps about the packet an ICMP error quotes are marked `quoted`; with several outputs
// (fragments), each step names the output it wrote. Refusals, generated errors and a re-run that
// disagrees with the recording are said in words first.

import type { Explanation, FieldPlace, TranslationStep } from '../api/explanation.js';

const fieldWidth = 58;
const actionWidth = 12;

/** A value, and where an IPv6 address holds an embedded IPv4 one (RFC 6052 §2.2). */
function value(place: FieldPlace): string {
  const bytes = place.embeddedIpv4Bytes;
  if (bytes === undefined) return place.value;
  const contiguous = bytes.every((byte, i) => i === 0 || byte === bytes[i - 1] + 1);
  return `${place.value} (IPv4 in bytes ${contiguous ? `${bytes[0]}–${bytes[bytes.length - 1]}` : bytes.join(', ')})`;
}

function field(place: FieldPlace): string {
  return `${place.name} ${value(place)}`;
}

/** `Time to Live 64 → Hop Limit 63`, `Source Port 40000 → 40000`, `Header Checksum 0x1c46 → ∅`. */
function change(step: TranslationStep): string {
  const { from, to } = step;
  if (from !== null && to !== null) return from.name === to.name ? `${field(from)} → ${value(to)}` : `${field(from)} → ${field(to)}`;
  if (from !== null) return `${field(from)} → ∅`;
  if (to !== null) return `∅ → ${field(to)}`;
  return step.rule;
}

function where(step: TranslationStep, outputs: number): string {
  const place = step.to ?? step.from;
  const quoted = place !== null && place.depth === 1 ? 'quoted ' : '';
  const output = outputs > 1 && step.to !== null ? `[${step.to.outputIndex + 1}/${outputs}] ` : '';
  return output + quoted;
}

/** The rule's reason, after the values it restates (`… → Hop Limit 63: the translator is a router and decrements`). */
function why(step: TranslationStep): string {
  // The reason follows the last value the rule quotes (an IPv6 address may end in "::").
  let reason = '';
  for (const value of [step.to?.value, step.from?.value]) {
    if (value === undefined) continue;
    const at = step.rule.indexOf(`${value}: `);
    if (at >= 0) {
      reason = step.rule.slice(at + value.length + 2);
      break;
    }
  }
  // A rule that quotes no value is all reason (`IPv4 options are not translated`).
  const quotes = [step.to?.value, step.from?.value].some((value) => value !== undefined && step.rule.includes(value));
  if (reason === '' && !quotes) reason = step.rule;
  return reason === '' || /^copied( unchanged)?$/.test(reason) ? '' : `  (${reason})`;
}

export function stepLine(step: TranslationStep, outputs: number, indent = '  '): string {
  const text = `${where(step, outputs)}${change(step)}`;
  return `${indent}${text.padEnd(fieldWidth)} ${step.action.padEnd(actionWidth)} ${step.cite}${why(step)}`;
}

/** The lines of `explanation`, each starting with `indent`. */
export function explanationLines(explanation: Explanation, indent = '  '): string[] {
  const lines: string[] = [];
  if (explanation.mismatch !== null) lines.push(`${indent}! the re-run does not match the recorded pair: ${explanation.mismatch}`);
  if (explanation.refusal !== null) lines.push(`${indent}not translated (${explanation.verdict}): ${explanation.refusal.rule}   ${explanation.refusal.cite}`);
  if (explanation.generated !== null) lines.push(`${indent}answered: ${explanation.generated.rule}   ${explanation.generated.cite}`);
  const outputs = explanation.outputs.length;
  for (const step of explanation.steps) lines.push(stepLine(step, outputs, indent));
  if (explanation.steps.length === 0 && explanation.refusal === null && explanation.mismatch === null) lines.push(`${indent}(no steps)`);
  return lines;
}

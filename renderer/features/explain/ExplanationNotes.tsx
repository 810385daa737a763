// What the steps do not say by themselves: why a packet was not translated (the rule and the field
// that decided it), why the translator sent an ICMP error and what it quotes, and where the re-run
// disagrees with what was recorded (said plainly, not shown as if it matched).

import type { Explanation, TranslationStep } from '../../../core/api/explanation.js';
import { verdictTable, type VerdictName } from '../../../core/xlat/verdict.js';

function fieldText(step: TranslationStep): string {
  const field = step.from ?? step.to;
  return field === null ? '' : `${field.name} = ${field.value}${field.depth === 1 ? ' (in the quoted packet)' : ''}`;
}

function Note(props: { kind: 'refusal' | 'generated' | 'mismatch'; title: string; step?: TranslationStep; text?: string }) {
  return (
    <div className={`explain-note explain-note-${props.kind}`} data-testid={`explain-${props.kind}`}>
      <span className="explain-note-title">{props.title}</span>{' '}
      {props.step !== undefined && (
        <>
          <span className="explain-note-rule">{props.step.rule}</span> {fieldText(props.step) !== '' && <span className="explain-note-field">· {fieldText(props.step)}</span>}{' '}
          <cite className="step-cite">{props.step.cite}</cite>
        </>
      )}
      {props.text !== undefined && <span>{props.text}</span>}
    </div>
  );
}

export function verdictText(verdict: string): string {
  return Object.hasOwn(verdictTable, verdict) ? verdictTable[verdict as VerdictName] : verdict;
}

export function ExplanationNotes(props: { explanation: Explanation }) {
  const { refusal, generated, mismatch, verdict } = props.explanation;
  return (
    <>
      {refusal !== null && <Note kind="refusal" title={`Not translated: ${verdictText(verdict)}.`} step={refusal} />}
      {generated !== null && <Note kind="generated" title="The translator sent an ICMP error back:" step={generated} />}
      {mismatch !== null && <Note kind="mismatch" title="The re-run does not match what was recorded:" text={mismatch} />}
    </>
  );
}

// The steps as aligned rows: the IPv4 field on the left, the IPv6 one on the right, the arrow
// between them the way the packet went with what happened (decremented, mapped…), and the rule
// with its RFC beside. Clicking a row lights its fields in both packets' bytes.

import { memo, useEffect, useRef } from 'react';
import type { Explanation } from '../../../core/api/explanation.js';
import { useExplain } from '../../stores/explain-store.js';
import { FieldCell } from './FieldCell.js';
import { tableRows, type StepRow } from './step-rows.js';

function StepLine(props: { row: StepRow; selected: boolean; multipleOutputs: boolean }) {
  const { row } = props;
  const select = () => useExplain.getState().selectStep(row.index);
  const element = useRef<HTMLDivElement>(null);
  // The step lit first may lie below the fold (presentation mode's large type): bring it into view.
  useEffect(() => {
    if (props.selected) element.current?.scrollIntoView({ block: 'nearest' });
  }, [props.selected]);
  return (
    <div
      ref={element}
      className={`step step-depth-${row.depth} step-${row.action}${props.selected ? ' step-selected' : ''}`}
      role="row"
      tabIndex={0}
      aria-selected={props.selected}
      data-testid="explain-step"
      data-action={row.action}
      data-depth={row.depth}
      data-left={row.left?.name ?? ''}
      data-right={row.right?.name ?? ''}
      onClick={select}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          select();
        }
      }}
    >
      <FieldCell field={row.left} multipleOutputs={props.multipleOutputs} />
      <div className="step-arrow">
        <span className="step-arrow-glyph">{row.arrow === '' ? '·' : row.arrow}</span>
        <span className="step-action">{row.action}</span>
      </div>
      <FieldCell field={row.right} multipleOutputs={props.multipleOutputs} />
      <div className="step-rule">
        <span>{row.rule}</span> <cite className="step-cite">{row.cite}</cite>
      </div>
    </div>
  );
}

export const StepTable = memo(function StepTable(props: { explanation: Explanation; leftTitle: string; rightTitle: string }) {
  const selected = useExplain((state) => state.selectedStep);
  const rows = tableRows(props.explanation);
  const multipleOutputs = props.explanation.outputs.length > 1;
  return (
    <div className="steps" role="table" data-testid="explain-steps">
      <div className="step step-titles" role="row">
        <div className="side-title-left">{props.leftTitle}</div>
        <div />
        <div className="side-title-right">{props.rightTitle}</div>
        <div>Rule</div>
      </div>
      {rows.map((row) =>
        row.kind === 'heading' ? (
          <div key={row.key} className={`step-heading step-depth-${row.depth}`} role="row" data-testid="explain-heading">
            {row.text}
          </div>
        ) : (
          <StepLine key={row.index} row={row} selected={row.index === selected} multipleOutputs={multipleOutputs} />
        ),
      )}
      {rows.length === 0 && <div className="muted">The translator took no steps on this packet.</div>}
    </div>
  );
});

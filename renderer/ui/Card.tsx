import type { ReactNode } from 'react';

export function Card(props: { title: string; actions?: ReactNode; className?: string; children: ReactNode; testId?: string }) {
  return (
    <section className={`card ${props.className ?? ''}`} data-testid={props.testId}>
      <header className="card-header">
        <h2>{props.title}</h2>
        {props.actions !== undefined && <div className="card-actions">{props.actions}</div>}
      </header>
      <div className="card-body">{props.children}</div>
    </section>
  );
}

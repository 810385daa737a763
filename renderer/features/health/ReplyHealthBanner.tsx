// The running CLAT's replies are not arriving: a banner under the link's, with what went
// unanswered and the likely causes in order (a firewall rule, the NAT64, a stale prefix). It goes
// away by itself when replies return (the engine's next status says so).

import { useSession } from '../../stores/session-store.js';
import { useNow } from '../../ui/use-now.js';
import { causeItems, noRepliesOf, noRepliesTitle, unansweredText, type NoReplies } from './health-text.js';

export function ReplyHealthBanner() {
  // Only while the engine is there to say so: a lost link keeps the last status, not a live one.
  const health = useSession((state) => (state.link.state === 'connected' ? noRepliesOf(state.status) : null));
  const now = useNow(1000);
  return health === null ? null : <ReplyHealthNotice health={health} nowMs={now} />;
}

export function ReplyHealthNotice(props: { health: NoReplies; nowMs: number }) {
  return (
    <div className="banner banner-error" role="alert" data-testid="health-banner" data-state={props.health.state}>
      <strong>{noRepliesTitle}</strong>
      <p>{unansweredText(props.health, props.nowMs)}</p>
      <p>Likely causes, in order:</p>
      <ol className="causes">
        {causeItems(props.health.causes).map((cause) => (
          <li key={cause.key} className={cause.found ? 'cause-found' : undefined} data-cause={cause.key} data-found={cause.found}>
            {cause.text}
          </li>
        ))}
      </ol>
    </div>
  );
}

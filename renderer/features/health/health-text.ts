// What the reply-health banner says: the running CLAT's replies are not arriving, what went
// unanswered, and the likely causes in the order to suspect them. Pure, for the banner and its tests.

import type { ClatStatus, LikelyCause, ReplyHealth } from '../../../core/api/status.js';

export type NoReplies = Extract<ReplyHealth, { state: 'no-replies' }>;

/** The running CLAT's health when replies are not arriving; null otherwise (off, arriving, an engine without the check). */
export function noRepliesOf(status: ClatStatus | null): NoReplies | null {
  return status?.state === 'running' && status.health?.state === 'no-replies' ? status.health : null;
}

export const noRepliesTitle = 'Replies are not arriving';

/** One sentence: what went unanswered, for how long. */
export function unansweredText(health: NoReplies, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - health.sinceMs) / 1000));
  const age = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  const count = health.unansweredDestinations.length;
  return (
    `For ${age}, ${health.unansweredRequests} request${health.unansweredRequests === 1 ? '' : 's'} (new TCP connections, pings) ` +
    `to ${count} IPv4 destination${count === 1 ? '' : 's'} (${health.unansweredDestinations.join(', ')}) went out through the CLAT ` +
    'and nothing has come back from anywhere.'
  );
}

/** The causes as the banner lists them: found ones marked. */
export function causeItems(causes: readonly LikelyCause[]): { key: string; text: string; found: boolean }[] {
  return causes.map((cause) => ({ key: cause.kind, text: cause.text, found: cause.found }));
}

// What a caller sees of an alert. Agencies see the sharing-rules view for their
// country — the same function that builds webhook bodies — so the API can never
// show more than a webhook would. Revision logs and desk notes are trimmed for
// the same reason: a revision lists countries and partners (which may be hidden
// from this agency) and only revisions that changed the agency's view are listed,
// and desk comments are free text written by operators who
// see everything. Admin keys see the stored record.
import type { Alert, AlertAction, AlertRevision } from '@tocsin/core';
import type { Principal } from '@tocsin/http';
import { shareDecision, viewFor, viewerRevisions, type AlertView } from '@tocsin/core';
import { isAdmin } from './principal';

export interface DeskSummary {
  acknowledged?: { by: string; at: string; comment?: string };
  assignee?: { to: string; by?: string; at: string };
  label?: { value: 'true_positive' | 'false_positive'; by?: string; at: string; comment?: string };
}

export interface AlertEntry {
  id: string;
  level: 'admin' | 'full' | 'aggregate';
  updated_at: string;
  alert: Readonly<Alert> | AlertView;
  desk: DeskSummary;
}

export interface AlertDetail extends AlertEntry {
  revisions: Array<Partial<AlertRevision>>;
  actions: Array<Partial<AlertAction>>;
}

/**
 * Whether entryFor() would give the caller anything, without building the view:
 * the rule of viewFor() (withheld when no contributing incident may be shown),
 * so a list can count and order thousands of alerts and view only one page.
 */
export function isVisibleTo(alert: Readonly<Alert>, principal: Principal): boolean {
  if (isAdmin(principal)) return true;
  // The engine replaces an alert on every change, never edits it: a decision per record stays true.
  let decided = visibleCache.get(alert);
  if (!decided) visibleCache.set(alert, (decided = new Map()));
  const viewer = `${principal.agency}|${principal.country}`;
  let visible = decided.get(viewer);
  if (visible === undefined) {
    const subscriber = { agency: principal.agency, country: principal.country };
    visible = alert.evidence.some((e) => shareDecision(e, subscriber).level !== 'none');
    decided.set(viewer, visible);
  }
  return visible;
}

/** isVisibleTo's decisions per alert record and viewer; a replaced record's entry goes with it. */
const visibleCache = new WeakMap<Readonly<Alert>, Map<string, boolean>>();

/** The caller's entry for `alert`, or null when the sharing rules withhold it entirely. */
export function entryFor(alert: Readonly<Alert>, principal: Principal): AlertEntry | null {
  if (isAdmin(principal)) {
    const { actions: _all, ...desk } = alert.desk;
    return { id: alert.id, level: 'admin', updated_at: alert.updated_at, alert, desk };
  }
  const view = viewFor(alert, { agency: principal.agency, country: principal.country });
  if (view.level === 'withheld') return null;
  const d = alert.desk;
  const desk: DeskSummary = {
    ...(d.acknowledged ? { acknowledged: { by: d.acknowledged.by, at: d.acknowledged.at } } : {}),
    ...(d.assignee ? { assignee: { to: d.assignee.to, at: d.assignee.at } } : {}),
    ...(d.label ? { label: { value: d.label.value, at: d.label.at } } : {}),
  };
  return { id: alert.id, level: view.level, updated_at: alert.updated_at, alert: view, desk };
}

export function detailFor(alert: Alert, principal: Principal): AlertDetail | null {
  const entry = entryFor(alert, principal);
  if (!entry) return null;
  if (entry.level === 'admin') return { ...entry, revisions: alert.history, actions: alert.desk.actions };
  // Only the revisions that changed this agency's view, in its own numbering (as in its webhooks).
  const { entries } = viewerRevisions(alert, (entry.alert as AlertView).countries);
  return {
    ...entry,
    revisions: entries.map((r) => ({ revision: r.revision, at: r.at, reason: r.reason, status: r.status, severity: r.severity })),
    actions: alert.desk.actions.map((a) => ({
      id: a.id,
      action: a.action,
      actor: a.actor,
      at: a.at,
      ...(a.label ? { label: a.label } : {}),
      ...(a.assignee ? { assignee: a.assignee } : {}),
    })),
  };
}

/** Countries the caller may filter on: the view's, so a hidden country cannot select an alert. */
export function entryCountries(entry: AlertEntry): readonly string[] {
  return entry.alert.countries;
}

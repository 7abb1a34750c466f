// Webhook bodies: { type, timestamp, data } as the Standard Webhooks spec
// recommends. The body of an alert notification is the subscriber's view
// (sharing/view.ts) and nothing else, so the sharing-rules property test can
// check exactly what goes on the wire.
import type { AlertView } from '@tocsin/core';

export type WebhookEventType = 'alert.opened' | 'alert.updated' | 'alert.resolved' | 'test';

export interface WebhookBody<T> {
  type: WebhookEventType;
  /** When the notification was created (not when an attempt was made; that is the webhook-timestamp header). */
  timestamp: string;
  data: T;
}

export interface AlertNotificationData {
  alert: AlertView;
  /** 0 for the first notification of this revision; n for the n-th repeat (repeat interval). */
  repeat: number;
}

export function alertBody(type: Exclude<WebhookEventType, 'test'>, view: AlertView, repeat: number, atMs: number): string {
  const body: WebhookBody<AlertNotificationData> = { type, timestamp: new Date(atMs).toISOString(), data: { alert: view, repeat } };
  return JSON.stringify(body);
}

export function testBody(subscriptionId: string, atMs: number): string {
  const body: WebhookBody<{ subscription_id: string; message: string }> = {
    type: 'test',
    timestamp: new Date(atMs).toISOString(),
    data: { subscription_id: subscriptionId, message: 'Test event from Tocsin: your endpoint is reachable and can verify our signature.' },
  };
  return JSON.stringify(body);
}

// Identifiers. Alert and delivery ids are derived from content, so the same input
// after a crash or restart yields the same id (the webhook-id receivers de-duplicate on).
import { createHash, randomBytes } from 'node:crypto';

const sha256hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** al_<24 hex>: stable for a (detector kind, dimension, bucket granularity) group across restarts, revisions and episodes. */
export function alertIdFor(detectorKind: string, dimensionType: string, dimensionKey: string, granularity: string): string {
  return `al_${sha256hex(`${detectorKind}\u0000${dimensionType}\u0000${dimensionKey}\u0000${granularity}`).slice(0, 24)}`;
}

/** msg_<32 hex>: one per (alert, revision, subscription, repeat); reused on every retry. */
export function deliveryIdFor(alertId: string, revision: number, subscriptionId: string, repeat: number): string {
  return `msg_${sha256hex(`${alertId}\u0000${revision}\u0000${subscriptionId}\u0000${repeat}`).slice(0, 32)}`;
}

/** A random id with a prefix, e.g. sub_…, sil_…, act_…. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function sha256Hex(text: string): string {
  return sha256hex(text);
}

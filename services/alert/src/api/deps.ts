// What the HTTP API needs from the alert engine: narrow views of the three
// engine parts, so the routes depend on capabilities rather than on how
// buildAlert() wires them (an AlertApp satisfies this as it is).
import type { Taxonomy } from '@tocsin/core';
import type { DeliveryService } from '../delivery/service';
import type { AlertEngine } from '../engine/engine';
import type { SubscriptionStore } from '../subscriptions/store';

export interface AlertApiDeps {
  subscriptions: Pick<SubscriptionStore, 'create' | 'update' | 'get' | 'list' | 'pause' | 'resume' | 'rotateSecret' | 'delete'>;
  engine: Pick<AlertEngine, 'get' | 'select' | 'acknowledge' | 'assign' | 'label' | 'silence' | 'silences' | 'expireSilence' | 'onChange'>;
  deliveries: Pick<DeliveryService, 'sendTest' | 'list' | 'deadLetters'>;
  /**
   * The taxonomy ingest checks incidents against (loadTaxonomy(TOCSIN_TAXONOMY_DIR)).
   * When given, filter codes for methods and technologies must be in it: a
   * misspelt code would otherwise be accepted and silently never match.
   * Its labels name dimensions in alert lists (the shipped taxonomy when absent).
   */
  taxonomy?: Pick<Taxonomy, 'has' | 'label'>;
}

// The taxonomy whose labels name dimensions in alert lists: the deployment's
// (AlertApiDeps.taxonomy) or, when none is given, the shipped files, loaded once.
import { loadTaxonomy, type Taxonomy } from '@tocsin/core';
import type { AlertApiDeps } from './deps';

let shipped: Taxonomy | null = null;

export function taxonomyOf(deps: Pick<AlertApiDeps, 'taxonomy'>): Pick<Taxonomy, 'label'> {
  if (deps.taxonomy) return deps.taxonomy;
  shipped ??= loadTaxonomy();
  return shipped;
}

// Term extraction for narrative observations. It runs in the explode stage so
// that the narrative text never leaves it: the observation carries only the
// candidate terms (pseudonyms, stop-words, taxonomy words and country names are
// already dropped by the extractor).
import { loadTaxonomy, type Incident, type Observation } from '@tocsin/core';
import { TermExtractor, taxonomyVocabulary } from '../emergence';

let shared: TermExtractor | null = null;

/** One extractor per process: it caches what each word becomes, which is most of its speed. */
export function defaultTermExtractor(): TermExtractor {
  shared ??= new TermExtractor({ knownVocabulary: taxonomyVocabulary(loadTaxonomy()) });
  return shared;
}

/** The terms of an incident's narrative, as a narrative observation carries them; null without a narrative. */
export function narrativeTerms(incident: Pick<Incident, 'narrative'>, extractor: TermExtractor = defaultTermExtractor()): NonNullable<Observation['terms']> | null {
  const narrative = incident.narrative;
  if (!narrative || narrative.text.length === 0) return null;
  const { lang, keys, surface } = extractor.extract(narrative.text, narrative.lang);
  // Same cap as the schema: a pathological narrative must not make an unsendable record.
  return { lang, keys: keys.slice(0, 1000), surface: surface.slice(0, 1000) };
}

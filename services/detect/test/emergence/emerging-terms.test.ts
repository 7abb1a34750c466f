import { describe, expect, it } from 'vitest';
import { EmergenceError, EmergingTerms, TermExtractor, discountDominantPartner, type EmergingTermsOptions, type TermDocument, type TermSignal } from '../../src/emergence';
import { seededRng, type TestRng } from './random';

// Everyday report vocabulary: each word is common, so its share is stable from day to day.
const VOCABULARY = (
  'seizure vessel harbour terminal inspection suspects arrested warehouse cargo declared invoice truck driver ' +
  'checkpoint passenger luggage scanner officers operation intelligence network organised shipment pallets ' +
  'bananas machinery hidden compartment analysis laboratory samples purity wholesale retail distribution ' +
  'payment transfer account courier phone messages encrypted contacts meeting motorway border crossing ' +
  'ferry airport flight ticket hotel rental vehicle garage workshop storage customs declaration broker ' +
  'exporter importer freight forwarder container seal tampered scanner alert risk profile'
).split(' ');
const PARTNERS = ['nl-police', 'be-customs', 'de-bka', 'fr-douane', 'es-gc'];
const COUNTRY: Record<string, string> = { 'nl-police': 'NL', 'be-customs': 'BE', 'de-bka': 'DE', 'fr-douane': 'FR', 'es-gc': 'ES' };

let serial = 0;
function doc(rng: TestRng, partner: string, extra = '', lang = 'en'): TermDocument {
  const words = Array.from({ length: 9 }, () => rng.pick(VOCABULARY));
  return { incidentId: `${partner}:${++serial}`, partner, country: COUNTRY[partner]!, lang, text: `${words.join(' ')}. ${extra}` };
}

/** A detector that has read `days` days of everyday reports (60 per day). */
function warmedUp(rng: TestRng, days: number, options: Partial<EmergingTermsOptions> = {}): EmergingTerms {
  const terms = new EmergingTerms(new TermExtractor({ dropCountryNames: false }), options);
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < 60; i++) terms.add(day, doc(rng, rng.pick(PARTNERS)));
    expect(terms.close(day).signals).toEqual([]);
  }
  return terms;
}

/** Whether a signal names the word, or lists it among the terms of the same finding. */
const mentions = (s: TermSignal, word: string): boolean => s.display === word || s.related.includes(word);

function everydayBucket(terms: EmergingTerms, rng: TestRng, day: number): void {
  for (let i = 0; i < 60; i++) terms.add(day, doc(rng, rng.pick(PARTNERS)));
}

describe('EmergingTerms', () => {
  it('stays silent on everyday reports (no false alarm in 2 × 100 days)', () => {
    for (const seed of [1, 2]) {
      const rng = seededRng(seed);
      warmedUp(rng, 100); // asserts every bucket returns no signal
    }
  });

  it('a genuine new term reported by 3 partners fires, with exactly its incidents as evidence', () => {
    const rng = seededRng(7);
    const terms = warmedUp(rng, 30);
    everydayBucket(terms, rng, 30);
    const ids: string[] = [];
    for (const partner of ['nl-police', 'be-customs', 'de-bka']) {
      for (let i = 0; i < 3; i++) {
        const d = doc(rng, partner, 'Buyers refer to it as tusi.');
        ids.push(d.incidentId);
        terms.add(30, d);
      }
    }
    const { signals, tested } = terms.close(30);
    // One finding: "tusi" and the new words quoted around it ("buyers refer to it as").
    expect(signals).toHaveLength(1);
    const tusi = signals[0]!;
    expect(mentions(tusi, 'tusi')).toBe(true);
    expect(tusi).toMatchObject({ observed: 9, tested: 9, newTerm: true, partners: ['be-customs', 'de-bka', 'nl-police'], countries: ['BE', 'DE', 'NL'] });
    expect(tusi.pValue).toBeLessThan(1e-4);
    expect(tusi.qValue).toBeLessThanOrEqual(0.01);
    expect([...tusi.incidentIds].sort()).toEqual([...ids].sort());
    expect(tested).toBeGreaterThan(100);
    // Reported once: the next buckets stay quiet while the term cools down.
    everydayBucket(terms, rng, 31);
    terms.add(31, doc(rng, 'es-gc', 'Buyers refer to it as tusi.'));
    expect(terms.close(31).signals).toEqual([]);
  });

  it('a one-partner spam burst of a term does NOT fire', () => {
    const rng = seededRng(11);
    const terms = warmedUp(rng, 30);
    everydayBucket(terms, rng, 30);
    for (let i = 0; i < 50; i++) terms.add(30, doc(rng, 'fr-douane', 'Product called zombiedust.'));
    terms.add(30, doc(rng, 'es-gc', 'Product called zombiedust.'));
    const { signals } = terms.close(30);
    expect(signals.filter((s) => mentions(s, 'zombiedust'))).toEqual([]);
  });

  it('the same spam fires when the partner rules are switched off — the rules are what stop it', () => {
    const rng = seededRng(11);
    const terms = warmedUp(rng, 30, { minPartners: 1, maxPartnerShare: 1 });
    everydayBucket(terms, rng, 30);
    for (let i = 0; i < 50; i++) terms.add(30, doc(rng, 'fr-douane', 'Product called zombiedust.'));
    terms.add(30, doc(rng, 'es-gc', 'Product called zombiedust.'));
    expect(terms.close(30).signals.some((s) => mentions(s, 'zombiedust'))).toBe(true);
  });

  it('where one partner alone writes a language, its new term fires under the stricter bound; a weak one does not', () => {
    const rng = seededRng(13);
    // Only nl-police reports (e.g. the only agency writing Dutch): two partners can never be met.
    const terms = new EmergingTerms(new TermExtractor({ dropCountryNames: false }));
    for (let day = 0; day < 30; day++) {
      for (let i = 0; i < 60; i++) terms.add(day, doc(rng, 'nl-police'));
      expect(terms.close(day).signals).toEqual([]);
    }
    for (let i = 0; i < 60; i++) terms.add(30, doc(rng, 'nl-police'));
    // 6 documents: enough with two partners (minDocuments 5), not alone (2 × 5).
    for (let i = 0; i < 6; i++) terms.add(30, doc(rng, 'nl-police', 'Sold as weakword.'));
    expect(terms.close(30).signals.filter((s) => mentions(s, 'weakword'))).toEqual([]);
    for (let i = 0; i < 60; i++) terms.add(31, doc(rng, 'nl-police'));
    for (let i = 0; i < 12; i++) terms.add(31, doc(rng, 'nl-police', 'Buyers call it kryolix.'));
    const fired = terms.close(31).signals.filter((s) => mentions(s, 'kryolix'));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ fewPartners: true, partners: ['nl-police'], tested: 12 });
    expect(fired[0]!.qValue).toBeLessThanOrEqual(0.001);
  });

  it('counts a verbatim street name across languages as one term', () => {
    const rng = seededRng(5);
    const terms = warmedUp(rng, 30);
    everydayBucket(terms, rng, 30);
    // Three languages, three documents each: too few for any per-language stem (minDocuments 5).
    for (let i = 0; i < 3; i++) {
      terms.add(30, doc(rng, 'nl-police', 'Kopers noemen het tusi.', 'nl'));
      terms.add(30, doc(rng, 'fr-douane', "Les acheteurs l'appellent tusi.", 'fr'));
      terms.add(30, doc(rng, 'de-bka', 'Abnehmer nennen es tusi.', 'de'));
    }
    const { signals } = terms.close(30);
    const tusi = signals.filter((s) => mentions(s, 'tusi'));
    expect(tusi).toHaveLength(1);
    expect(tusi[0]).toMatchObject({ key: '*:tusi', lang: '*', languages: ['de', 'fr', 'nl'], observed: 9 });
  });

  it('a term that is everyday by now does not fire again: the baseline learns it', () => {
    const rng = seededRng(9);
    const terms = warmedUp(rng, 20);
    let fired = 0;
    for (let day = 20; day < 80; day++) {
      everydayBucket(terms, rng, day);
      for (const partner of ['nl-police', 'be-customs', 'de-bka']) for (let i = 0; i < 3; i++) terms.add(day, doc(rng, partner, 'Sold as tusi.'));
      if (terms.close(day).signals.some((s) => mentions(s, 'tusi'))) fired++;
    }
    expect(fired).toBeGreaterThanOrEqual(1);
    expect(fired).toBeLessThanOrEqual(5);
    expect(terms.baselineShare('*:tusi')).toBeGreaterThan(0.1);
  });

  it('reports nothing during warm-up: the vocabulary is learnt first', () => {
    const rng = seededRng(3);
    const terms = new EmergingTerms(new TermExtractor({ dropCountryNames: false }), { warmupBuckets: 14 });
    for (let day = 0; day < 14; day++) {
      everydayBucket(terms, rng, day);
      for (const partner of ['nl-police', 'be-customs', 'de-bka']) for (let i = 0; i < 3; i++) terms.add(day, doc(rng, partner, `Sold as newword${String.fromCharCode(97 + day)}.`));
      expect(terms.close(day).signals).toEqual([]);
    }
  });

  it('survives a restart: state to JSON and back scores the next bucket the same', () => {
    const rng = seededRng(13);
    const terms = warmedUp(rng, 30);
    const extractor = new TermExtractor({ dropCountryNames: false });
    const restored = EmergingTerms.fromJSON(JSON.parse(JSON.stringify(terms.toJSON())), extractor);
    const day: TermDocument[] = [];
    for (let i = 0; i < 60; i++) day.push(doc(rng, rng.pick(PARTNERS)));
    for (const partner of ['nl-police', 'be-customs', 'de-bka']) for (let i = 0; i < 3; i++) day.push(doc(rng, partner, 'Sold as tusi.'));
    for (const d of day) {
      terms.add(30, d);
      restored.add(30, d);
    }
    const a = terms.close(30);
    const b = restored.close(30);
    expect(b).toEqual(a);
    expect(a.signals.length).toBeGreaterThan(0);
  });

  it('rejects records for closed buckets and closing out of order', () => {
    const terms = new EmergingTerms(new TermExtractor({ dropCountryNames: false }));
    terms.close(5);
    expect(() => terms.add(5, { incidentId: 'a:1', partner: 'a', country: 'NL', lang: 'en', text: 'late' })).toThrow(EmergenceError);
    expect(() => terms.close(4)).toThrow(expect.objectContaining({ code: 'BUCKET_ORDER' }));
    expect(() => new EmergingTerms(new TermExtractor(), { alpha: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('discountDominantPartner', () => {
  const occ = (counts: number[]) => ({ documents: counts.reduce((a, b) => a + b, 0), partnerDocuments: counts });
  it('caps the dominant partner at maxPartnerShare of the tested count', () => {
    expect(discountDominantPartner(occ([50, 1]), 0.6).tested).toBeCloseTo(2.5, 12);
    expect(discountDominantPartner(occ([10, 2]), 0.6).tested).toBeCloseTo(5, 12);
    expect(discountDominantPartner(occ([4, 3, 3]), 0.6).tested).toBe(10);
    expect(discountDominantPartner(occ([7]), 0.6).tested).toBe(0);
  });
});

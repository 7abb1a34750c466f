// Emerging terms: words and bigrams whose document frequency bursts above their
// own baseline (new street names of drugs, new tools).
//
// - Scored each time a bucket closes, over a sliding window of the last
//   `windowBuckets` buckets: a new street name shows up a few times a day, not
//   dozens.
// - The baseline is an EWMA of each term's share of documents, fed by buckets
//   only after they have left the window AND a guard band behind it (as EARS and
//   Farrington skip recent weeks): a term that ramps up slowly cannot become
//   "normal" before it is noticed. Shares, not counts: a busy day is not a burst.
// - The test is a negative-binomial upper tail (text is over-dispersed), then
//   Benjamini–Hochberg over every term counted in the window.
// - One partner may carry at most `maxPartnerShare` of the tested count and at
//   least `minPartners` must report it: one noisy partner cannot fire a term.
// - Terms that fire on the same documents (a street name and the words quoted
//   around it) are reported as one signal, named by the term with most documents;
//   a term firing days later on the documents of a recent finding adds nothing
//   and is not reported again.
// - A term that fired is quiet for `cooldownBuckets`.
import { benjaminiHochberg } from '../ranking/benjamini-hochberg';
import { EmergenceError, requireOption } from './errors';
import { negBinomialUpperTail } from './stats';
import { ALL_LANGUAGES, type ExtractedTerms, type TermExtractor } from './term-extractor';

export interface TermDocument {
  /** `<partner>:<incident id>` */
  incidentId: string;
  partner: string;
  country: string;
  lang: string;
  text: string;
}

export interface EmergingTermsOptions {
  /** Buckets scored together, ending with the bucket being closed (default 7: a week of days). */
  windowBuckets: number;
  /** Buckets between the window and the baseline (default 7). */
  guardBuckets: number;
  /** EWMA weight of each bucket entering a term's baseline share (default 0.1). */
  alpha: number;
  /** Lowest expected document count in the window, so never-seen terms have a baseline (default 0.5). */
  minExpected: number;
  /** Documents in the window that must contain the term (default 5). */
  minDocuments: number;
  /**
   * Distinct partners that must report it (default 2). When fewer partners than this
   * report anything in the window's language, this many cannot be met: the partners there
   * are enough, under `singlePartnerStrictness`.
   */
  minPartners: number;
  /**
   * For a language fewer than `minPartners` partners write in: p and q must be at most
   * fdr / this and the documents at least twice `minDocuments` (default 10).
   */
  singlePartnerStrictness: number;
  /** Largest share of the tested count one partner may carry (default 0.6); the excess is discounted. */
  maxPartnerShare: number;
  /** Negative-binomial size (dispersion) of the null model; larger is closer to Poisson (default 5). */
  dispersion: number;
  /** Report terms whose BH q-value over every term counted in the window is at most this (default 0.01). */
  fdr: number;
  /** Report only when the tested count ≥ this × expected (default 3). */
  minRatio: number;
  /** Buckets folded into the baselines before anything is reported (default 14). */
  warmupBuckets: number;
  /** Buckets a term stays quiet after it fired (default 28). */
  cooldownBuckets: number;
  /** Two signals sharing this fraction of the smaller one's documents are one finding (default 0.8). */
  clusterOverlap: number;
  /** Terms whose baseline is kept at most; the least recently seen go first (default 100,000). */
  maxTerms: number;
  /** Incident ids kept per term and bucket as evidence (default 50; a signal lists at most 200). */
  maxEvidence: number;
}

export const DEFAULT_EMERGING_TERMS_OPTIONS: EmergingTermsOptions = {
  windowBuckets: 7,
  guardBuckets: 7,
  alpha: 0.1,
  minExpected: 0.5,
  minDocuments: 5,
  minPartners: 2,
  singlePartnerStrictness: 10,
  maxPartnerShare: 0.6,
  dispersion: 5,
  fdr: 0.01,
  minRatio: 3,
  warmupBuckets: 14,
  cooldownBuckets: 28,
  clusterOverlap: 0.8,
  maxTerms: 100_000,
  maxEvidence: 50,
};

/** Signals list at most this many incident ids (Signal.evidence cap) and 50 terms (Signal.terms cap). */
const SIGNAL_EVIDENCE = 200;
const SIGNAL_TERMS = 50;

export interface TermSignal {
  /** `<lang>:<stem>`, `<lang>:<stem> <stem>` or `*:<word>` — the dimension key of a term signal. */
  key: string;
  /** Narrative language, or `*` for the cross-language view. */
  lang: string;
  /** Languages of the documents behind it. */
  languages: string[];
  /** The term as written (lower-cased), for display. */
  display: string;
  bigram: boolean;
  /** Other terms that fired on the same documents (displays), most documents first. */
  related: string[];
  /** No baseline worth the name: the expected count is the floor (`minExpected`). */
  newTerm: boolean;
  /** The bucket whose closing scored it; the window is [windowStart, bucket]. */
  bucket: number;
  windowStart: number;
  /** Documents in the window containing the term. */
  observed: number;
  /** `observed` after capping the dominant partner at `maxPartnerShare`; what the test uses. */
  tested: number;
  expected: number;
  pValue: number;
  /** BH q-value over the terms counted in the window. */
  qValue: number;
  /** Share of the documents from the partner with the most. */
  topPartnerShare: number;
  /** Fewer than `minPartners` partners report in the language: tested under the stricter rule. */
  fewPartners: boolean;
  partners: string[];
  countries: string[];
  incidentIds: string[];
  /** Documents behind the signal, including those beyond `incidentIds`. */
  incidentTotal: number;
}

export interface TermBucketResult {
  bucket: number;
  /** Documents in the window (all languages). */
  documents: number;
  /** Terms counted in the window: the m for Benjamini–Hochberg. */
  tested: number;
  signals: TermSignal[];
}

interface Baseline {
  /** EWMA of the term's share of documents, as of the end of `lastBucket`. */
  share: number;
  lastBucket: number;
  /** Bucket whose closing last reported the term. */
  signalled: number | null;
}

// Per term and bucket. Partners, countries and languages are a handful each:
// small arrays scan faster and allocate less than Maps and Sets.
interface Occurrence {
  display: string;
  documents: number;
  partners: string[];
  /** Documents per partner, same index as `partners`. */
  partnerDocuments: number[];
  countries: string[];
  languages: string[];
  incidents: string[];
}

interface Bucket {
  index: number;
  documents: number;
  terms: Map<string, Occurrence>;
}

/** A bucket in the guard band: only what the baseline needs. */
interface GuardBucket {
  index: number;
  documents: number;
  counts: Map<string, number>;
}

/** [key, display, documents, partners, partnerDocuments, countries, languages, incidents] */
type OccurrenceJson = [string, string, number, string[], number[], string[], string[], string[]];

export interface EmergingTermsState {
  version: 1;
  lastClosed: number | null;
  firstFolded: number | null;
  lastFolded: number | null;
  /** [term key, share, lastBucket, signalled] */
  baselines: Array<[string, number, number, number | null]>;
  /** Closed buckets still in the window. */
  window: Array<{ index: number; documents: number; terms: OccurrenceJson[] }>;
  /** Buckets in the guard band: [index, documents, [term key, documents][]]. */
  guard: Array<[number, number, Array<[string, number]>]>;
  /** Findings reported within the cooldown: [bucket, term key, incident ids]. */
  findings: Array<[number, string, string[]]>;
  /** Buckets with documents not closed yet (the detect service has no replay to rebuild them). */
  open?: Array<{ index: number; documents: number; terms: OccurrenceJson[] }>;
}

function addUnique(xs: string[], x: string): void {
  if (!xs.includes(x)) xs.push(x);
}

function countPartner(occ: Occurrence, partner: string, documents: number): void {
  const i = occ.partners.indexOf(partner);
  if (i >= 0) occ.partnerDocuments[i]! += documents;
  else {
    occ.partners.push(partner);
    occ.partnerDocuments.push(documents);
  }
}

export class EmergingTerms {
  readonly options: EmergingTermsOptions;
  private readonly baselines = new Map<string, Baseline>();
  private readonly open = new Map<number, Bucket>();
  /** Closed buckets inside the window, oldest first. */
  private window: Bucket[] = [];
  /** Buckets behind the window, not yet in the baselines, oldest first. */
  private guard: GuardBucket[] = [];
  /** Findings reported within the cooldown (naming term and evidence), oldest first. */
  private findings: Array<{ bucket: number; key: string; ids: Set<string> }> = [];
  private lastClosed: number | null = null;
  private firstFolded: number | null = null;
  private lastFolded: number | null = null;

  constructor(
    /** Null when documents arrive already extracted (addExtracted), as in the detect service. */
    private readonly extractor: TermExtractor | null,
    options: Partial<EmergingTermsOptions> = {},
  ) {
    const o = { ...DEFAULT_EMERGING_TERMS_OPTIONS, ...options };
    requireOption(Number.isInteger(o.windowBuckets) && o.windowBuckets >= 1, 'windowBuckets must be an integer ≥ 1', o.windowBuckets);
    requireOption(Number.isInteger(o.guardBuckets) && o.guardBuckets >= 0, 'guardBuckets must be an integer ≥ 0', o.guardBuckets);
    requireOption(o.alpha > 0 && o.alpha <= 1, 'alpha must be in (0, 1]', o.alpha);
    requireOption(o.minExpected > 0, 'minExpected must be > 0', o.minExpected);
    requireOption(o.minDocuments >= 1, 'minDocuments must be ≥ 1', o.minDocuments);
    requireOption(o.minPartners >= 1, 'minPartners must be ≥ 1', o.minPartners);
    requireOption(o.singlePartnerStrictness >= 1, 'singlePartnerStrictness must be ≥ 1', o.singlePartnerStrictness);
    requireOption(o.maxPartnerShare > 0 && o.maxPartnerShare <= 1, 'maxPartnerShare must be in (0, 1]', o.maxPartnerShare);
    requireOption(o.dispersion > 0, 'dispersion must be > 0', o.dispersion);
    requireOption(o.fdr > 0 && o.fdr < 1, 'fdr must be in (0, 1)', o.fdr);
    requireOption(o.clusterOverlap > 0 && o.clusterOverlap <= 1, 'clusterOverlap must be in (0, 1]', o.clusterOverlap);
    requireOption(o.maxTerms >= 100, 'maxTerms must be ≥ 100', o.maxTerms);
    this.options = o;
  }

  /** Count one document into bucket `bucket` (an integer index: epoch day or ISO week number). */
  add(bucket: number, doc: TermDocument): void {
    if (!this.extractor) throw new EmergenceError('INVALID_OPTION', 'this EmergingTerms has no extractor: use addExtracted');
    this.addExtracted(bucket, doc, this.extractor.extract(doc.text, doc.lang));
  }

  /** Count one document whose terms were extracted elsewhere (the detect service's explode stage). */
  addExtracted(bucket: number, doc: Omit<TermDocument, 'text' | 'lang'>, extracted: ExtractedTerms): void {
    if (this.lastClosed !== null && bucket <= this.lastClosed) {
      throw new EmergenceError('BUCKET_CLOSED', `bucket ${bucket} is closed (last closed ${this.lastClosed}); drop or dead-letter records past the allowed lateness`);
    }
    let open = this.open.get(bucket);
    if (!open) {
      open = { index: bucket, documents: 0, terms: new Map() };
      this.open.set(bucket, open);
    }
    open.documents++;
    const { lang, keys, surface } = extracted;
    const maxEvidence = this.options.maxEvidence;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let occ = open.terms.get(key);
      if (!occ) {
        occ = { display: surface[i]!, documents: 0, partners: [], partnerDocuments: [], countries: [], languages: [], incidents: [] };
        open.terms.set(key, occ);
      }
      occ.documents++;
      countPartner(occ, doc.partner, 1);
      addUnique(occ.countries, doc.country);
      addUnique(occ.languages, lang);
      if (occ.incidents.length < maxEvidence) occ.incidents.push(doc.incidentId);
    }
  }

  /** Buckets with documents not yet closed. */
  openBuckets(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }

  /**
   * Close bucket `bucket` and score the window ending with it. Buckets must be
   * closed in increasing order; a bucket without documents may be closed or skipped.
   */
  close(bucket: number): TermBucketResult {
    if (this.lastClosed !== null && bucket <= this.lastClosed) {
      throw new EmergenceError('BUCKET_ORDER', `bucket ${bucket} closed after ${this.lastClosed}`);
    }
    const o = this.options;
    const windowStart = bucket - o.windowBuckets + 1;
    const guardStart = windowStart - o.guardBuckets;
    // Buckets leaving the window enter the guard band; those leaving the guard
    // band feed the baselines, oldest first.
    while (this.window.length > 0 && this.window[0]!.index < windowStart) this.guard.push(toGuard(this.window.shift()!));
    while (this.guard.length > 0 && this.guard[0]!.index < guardStart) this.fold(this.guard.shift()!);
    this.window.push(this.open.get(bucket) ?? { index: bucket, documents: 0, terms: new Map() });
    this.open.delete(bucket);
    this.lastClosed = bucket;

    const counts = this.windowCounts();
    const documents = this.window.reduce((n, b) => n + b.documents, 0);
    const keep = 1 - o.alpha;
    const baselineAsOf = guardStart - 1;
    // Every EWMA started at zero when the detector started: divide by the weight
    // accumulated since (Adam-style bias correction), else the first weeks of
    // vocabulary look rarer than they are.
    const folded = this.firstFolded === null ? 0 : (this.lastFolded ?? 0) - this.firstFolded + 1;
    const startupWeight = folded > 0 ? 1 - keep ** folded : 1;
    const armed = folded >= o.warmupBuckets;
    const candidates: TermSignal[] = [];
    if (armed) {
      for (const [key, n] of counts) {
        if (n < o.minDocuments) continue;
        const base = this.baselines.get(key);
        if (base?.signalled != null && bucket - base.signalled < o.cooldownBuckets) continue;
        const share = base ? (base.share * keep ** Math.max(0, baselineAsOf - base.lastBucket)) / startupWeight : 0;
        const expected = Math.max(o.minExpected, share * documents);
        // The partner discount only lowers the count: terms failing on the raw
        // count are skipped before their occurrences are merged.
        if (n < expected * o.minRatio || negBinomialUpperTail(n, expected, o.dispersion) > o.fdr) continue;
        const occ = this.windowOccurrence(key);
        // Where fewer partners write the language than the rule asks for, those there suffice, under stricter bounds.
        const fewPartners = occ.partners.length < o.minPartners && this.windowPartners(o.minPartners) < o.minPartners;
        if (occ.partners.length < o.minPartners && !fewPartners) continue;
        if (fewPartners && n < 2 * o.minDocuments) continue;
        // The dominant-partner discount needs other partners to compare with.
        const { tested, topShare } = fewPartners ? { tested: occ.documents, topShare: 1 } : discountDominantPartner(occ, o.maxPartnerShare);
        if (tested < expected * o.minRatio) continue;
        const pValue = negBinomialUpperTail(tested, expected, o.dispersion);
        // Only p ≤ fdr can reach q ≤ fdr (q ≥ p).
        if (pValue > (fewPartners ? o.fdr / o.singlePartnerStrictness : o.fdr)) continue;
        const sep = key.indexOf(':');
        candidates.push({
          key,
          lang: key.slice(0, sep),
          languages: [...occ.languages].sort(),
          display: occ.display,
          bigram: key.includes(' ', sep),
          related: [],
          newTerm: expected === o.minExpected,
          bucket,
          windowStart,
          observed: occ.documents,
          tested,
          expected,
          pValue,
          qValue: 1,
          topPartnerShare: topShare,
          fewPartners,
          partners: [...occ.partners].sort(),
          countries: [...occ.countries].sort(),
          incidentIds: occ.incidents.slice(0, SIGNAL_EVIDENCE),
          incidentTotal: occ.documents,
        });
      }
    }
    // BH over every term counted in the window; terms that are not candidates
    // have larger p-values, so these q-values are exact or conservative.
    const q = benjaminiHochberg(
      candidates.map((s) => s.pValue),
      Math.max(counts.size, candidates.length),
    );
    candidates.forEach((s, i) => (s.qValue = q[i] ?? 1));
    const significant = candidates.filter((s) => s.qValue <= (s.fewPartners ? o.fdr / o.singlePartnerStrictness : o.fdr));
    // Every term of a finding goes quiet, not only the one that names it.
    for (const s of significant) {
      const base = this.baselines.get(s.key);
      if (base) base.signalled = bucket;
      else this.baselines.set(s.key, { share: 0, lastBucket: baselineAsOf, signalled: bucket });
    }
    this.findings = this.findings.filter((f) => bucket - f.bucket < o.cooldownBuckets);
    // A recent finding covers its evidence then and the documents its term is in now.
    const covered = this.findings.map((f) => {
      const ids = new Set(f.ids);
      for (const id of this.windowOccurrence(f.key).incidents) ids.add(id);
      return ids;
    });
    const fresh = clusterByEvidence(significant, o.clusterOverlap).filter((s) => !covered.some((ids) => overlaps(s.incidentIds, ids, o.clusterOverlap)));
    for (const s of fresh) this.findings.push({ bucket, key: s.key, ids: new Set(s.incidentIds) });
    return { bucket, documents, tested: counts.size, signals: fresh };
  }

  /** Distinct partners with any document in the window, counted up to `limit`. */
  private windowPartners(limit: number): number {
    const seen = new Set<string>();
    for (const b of this.window) {
      for (const occ of b.terms.values()) {
        for (const p of occ.partners) {
          seen.add(p);
          if (seen.size >= limit) return seen.size;
        }
      }
    }
    return seen.size;
  }

  // Documents per term over the window; the full occurrence (partners,
  // countries, evidence) is merged only for terms that pass on counts.
  private windowCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const b of this.window) for (const [key, occ] of b.terms) counts.set(key, (counts.get(key) ?? 0) + occ.documents);
    return counts;
  }

  private windowOccurrence(key: string): Occurrence {
    const merged: Occurrence = { display: '', documents: 0, partners: [], partnerDocuments: [], countries: [], languages: [], incidents: [] };
    for (const b of this.window) {
      const occ = b.terms.get(key);
      if (!occ) continue;
      // The newest spelling is shown.
      merged.display = occ.display;
      merged.documents += occ.documents;
      occ.partners.forEach((p, i) => countPartner(merged, p, occ.partnerDocuments[i]!));
      for (const c of occ.countries) addUnique(merged.countries, c);
      for (const l of occ.languages) addUnique(merged.languages, l);
      for (const id of occ.incidents) if (merged.incidents.length < SIGNAL_EVIDENCE) merged.incidents.push(id);
    }
    return merged;
  }

  // EWMA step for a bucket leaving the guard band; absent terms decay lazily.
  private fold(b: GuardBucket): void {
    const { alpha } = this.options;
    const keep = 1 - alpha;
    for (const [key, n] of b.counts) {
      const base = this.baselines.get(key);
      const share = base ? base.share * keep ** Math.max(0, b.index - 1 - base.lastBucket) : 0;
      const observed = b.documents > 0 ? n / b.documents : 0;
      this.baselines.set(key, { share: share * keep + alpha * observed, lastBucket: b.index, signalled: base?.signalled ?? null });
    }
    this.firstFolded ??= b.index;
    this.lastFolded = b.index;
    if (this.baselines.size > this.options.maxTerms) this.forgetStaleTerms();
  }

  /** Terms with a baseline. */
  get vocabularySize(): number {
    return this.baselines.size;
  }

  /** Baseline share of one term (decayed to `asOfBucket` when given). */
  baselineShare(key: string, asOfBucket?: number): number {
    const base = this.baselines.get(key);
    if (!base) return 0;
    const gap = asOfBucket === undefined ? 0 : Math.max(0, asOfBucket - base.lastBucket);
    return base.share * (1 - this.options.alpha) ** gap;
  }

  // Drops the 10 % of terms seen longest ago; their baselines have decayed most.
  private forgetStaleTerms(): void {
    const target = Math.floor(this.options.maxTerms * 0.9);
    const last = Float64Array.from(this.baselines.values(), (b) => b.lastBucket).sort();
    const cutoff = last[this.baselines.size - target - 1]!;
    let toDrop = this.baselines.size - target;
    for (const [key, b] of this.baselines) {
      if (toDrop === 0) break;
      if (b.lastBucket <= cutoff) {
        this.baselines.delete(key);
        toDrop--;
      }
    }
  }

  /**
   * Baselines, the closed buckets in the window and the guard band. Open buckets
   * are not included: the service rebuilds them by replaying records from its
   * committed offsets.
   */
  toJSON(): EmergingTermsState {
    return {
      version: 1,
      lastClosed: this.lastClosed,
      firstFolded: this.firstFolded,
      lastFolded: this.lastFolded,
      baselines: [...this.baselines].map(([k, b]) => [k, b.share, b.lastBucket, b.signalled]),
      window: this.window.map(bucketJson),
      guard: this.guard.map((g) => [g.index, g.documents, [...g.counts]]),
      findings: this.findings.map((f) => [f.bucket, f.key, [...f.ids]]),
      open: [...this.open.values()].map(bucketJson),
    };
  }

  static fromJSON(state: EmergingTermsState, extractor: TermExtractor | null, options: Partial<EmergingTermsOptions> = {}): EmergingTerms {
    if (state.version !== 1) throw new EmergenceError('STATE_VERSION', `emerging-terms state version ${String(state.version)}; this code reads 1`);
    const terms = new EmergingTerms(extractor, options);
    terms.lastClosed = state.lastClosed;
    terms.firstFolded = state.firstFolded;
    terms.lastFolded = state.lastFolded;
    for (const [key, share, lastBucket, signalled] of state.baselines) terms.baselines.set(key, { share, lastBucket, signalled });
    terms.window = state.window.map(bucketOf);
    for (const b of state.open ?? []) terms.open.set(b.index, bucketOf(b));
    terms.guard = state.guard.map(([index, documents, counts]) => ({ index, documents, counts: new Map(counts) }));
    terms.findings = state.findings.map(([bucket, key, ids]) => ({ bucket, key, ids: new Set(ids) }));
    return terms;
  }
}

function bucketJson(b: Bucket): { index: number; documents: number; terms: OccurrenceJson[] } {
  return {
    index: b.index,
    documents: b.documents,
    terms: [...b.terms].map(([k, o]): OccurrenceJson => [k, o.display, o.documents, o.partners, o.partnerDocuments, o.countries, o.languages, o.incidents]),
  };
}

function bucketOf(b: { index: number; documents: number; terms: OccurrenceJson[] }): Bucket {
  return {
    index: b.index,
    documents: b.documents,
    terms: new Map(
      b.terms.map(([k, display, documents, partners, partnerDocuments, countries, languages, incidents]) => [
        k,
        { display, documents, partners: [...partners], partnerDocuments: [...partnerDocuments], countries: [...countries], languages: [...languages], incidents: [...incidents] },
      ]),
    ),
  };
}

function toGuard(b: Bucket): GuardBucket {
  const counts = new Map<string, number>();
  for (const [key, occ] of b.terms) counts.set(key, occ.documents);
  return { index: b.index, documents: b.documents, counts };
}

/**
 * One finding, one signal. Signals are taken most documents first (then lowest
 * p, unigrams and the cross-language view first); one that shares at least
 * `overlap` of the smaller evidence list with a finding already named joins it
 * as a related term. "kryolix" names the finding; "street name", "sold under"
 * and the per-language stems of kryolix quoted in the same reports join it.
 */
export function clusterByEvidence(signals: readonly TermSignal[], overlap: number): TermSignal[] {
  const order = [...signals].sort(
    (a, b) =>
      b.observed - a.observed ||
      a.pValue - b.pValue ||
      Number(a.bigram) - Number(b.bigram) ||
      Number(b.lang === ALL_LANGUAGES) - Number(a.lang === ALL_LANGUAGES) ||
      (a.key < b.key ? -1 : 1),
  );
  const findings: Array<{ signal: TermSignal; ids: Set<string> }> = [];
  for (const s of order) {
    const home = findings.find((f) => overlaps(s.incidentIds, f.ids, overlap));
    if (home) {
      if (home.signal.related.length < SIGNAL_TERMS - 1 && !home.signal.related.includes(s.display) && s.display !== home.signal.display) home.signal.related.push(s.display);
      continue;
    }
    findings.push({ signal: { ...s, related: [] }, ids: new Set(s.incidentIds) });
  }
  return findings.map((f) => f.signal).sort((a, b) => a.pValue - b.pValue || (a.key < b.key ? -1 : 1));
}

/** Whether `ids` and `other` share at least `overlap` of the smaller of the two. */
function overlaps(ids: readonly string[], other: ReadonlySet<string>, overlap: number): boolean {
  let shared = 0;
  for (const id of ids) if (other.has(id)) shared++;
  return shared > 0 && shared >= overlap * Math.min(ids.length, other.size);
}

/**
 * The count the test uses: when the partner with the most documents holds more
 * than `maxShare` of them, it is cut down so that it holds exactly `maxShare`
 * (others' documents are kept). 50 spam reports from one partner plus 1 from
 * another test as 2.5 at maxShare 0.6; 4 + 3 + 3 stays 10.
 */
export function discountDominantPartner(occ: { documents: number; partnerDocuments: readonly number[] }, maxShare: number): { tested: number; topShare: number } {
  let top = 0;
  for (const n of occ.partnerDocuments) if (n > top) top = n;
  const topShare = top / occ.documents;
  if (topShare <= maxShare || maxShare >= 1) return { tested: occ.documents, topShare };
  const others = occ.documents - top;
  return { tested: others / (1 - maxShare), topShare };
}

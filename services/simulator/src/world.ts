// The simulated world: the corridors crime moves along, what moves on them, how,
// and which partner countries record it. Figures are plausible orders of magnitude
// for a demo, not statistics: they make the mix of categories, modalities and
// methods look like a real multi-agency feed.
import type { Incident } from '@tocsin/core';

export type Modality = Incident['modality'];
export type QuantityUnit = NonNullable<Incident['quantity']>['unit'];
export type PersonRole = NonNullable<NonNullable<Incident['persons']>[number]['role']>;

/** Which narrative templates and person roles a corridor uses. */
export type CrimeFamily = 'drugs' | 'migrants' | 'trafficking' | 'firearms' | 'fraud' | 'wildlife' | 'goods';

/** One method/technology combination on a corridor; each becomes its own baseline series. */
export interface Profile {
  methods: string[];
  technologies: string[];
  weight: number;
}

export interface Corridor {
  id: string;
  name?: string;
  family: CrimeFamily;
  category: string;
  commodities: string[];
  modality: Modality;
  origin: string;
  transit: string[];
  destination: string;
  /** Partner countries whose agencies record incidents on this corridor. */
  detectedIn: string[];
  /** Mean incidents per day over all detecting countries at the default volume. */
  ratePerDay: number;
  /** Negative-binomial dispersion (smaller = burstier). */
  dispersion: number;
  /** Annual seasonality: relative amplitude and the day of year of the peak. */
  season: { amplitude: number; peakDay: number };
  profiles: Profile[];
  quantity: { unit: QuantityUnit; median: number; sigma: number };
  roles: PersonRole[];
}

/** ISO 3166-1 countries that have partner agencies, with the languages their narratives use. */
export const PARTNER_COUNTRY_LANGS: Record<string, readonly string[]> = {
  NL: ['nl', 'en'],
  BE: ['nl', 'fr'],
  DE: ['de'],
  AT: ['de'],
  FR: ['fr'],
  ES: ['es'],
  PT: ['pt'],
  IT: ['it'],
  PL: ['en'],
  GR: ['en'],
  HR: ['en'],
  IE: ['en'],
  SE: ['en'],
};

const p = (methods: string[], technologies: string[], weight: number): Profile => ({ methods, technologies, weight });

export const CORRIDORS: readonly Corridor[] = [
  // --- Controlled drugs (ICCS 06012: trafficking) ---
  {
    id: 'andes-nl-container', name: 'Andes – Caribbean – Europe by container', family: 'drugs', category: '06012',
    commodities: ['drug.cocaine'], modality: 'sea', origin: 'EC', transit: ['PA'], destination: 'NL', detectedIn: ['NL'],
    ratePerDay: 14, dispersion: 4, season: { amplitude: 0.1, peakDay: 300 },
    profiles: [
      p(['concealment.container'], [], 5), p(['concealment.rip-on-rip-off'], ['encrypted-phone-network'], 3),
      p(['concealment.fresh-produce'], [], 3), p(['insider.port', 'concealment.rip-on-rip-off'], ['messenger.encrypted'], 1),
    ],
    quantity: { unit: 'kg', median: 60, sigma: 1.2 }, roles: ['suspect', 'courier'],
  },
  {
    id: 'andes-be-container', name: 'Andes – Caribbean – Europe by container', family: 'drugs', category: '06012',
    commodities: ['drug.cocaine'], modality: 'sea', origin: 'EC', transit: [], destination: 'BE', detectedIn: ['BE'],
    ratePerDay: 12, dispersion: 4, season: { amplitude: 0.1, peakDay: 300 },
    profiles: [
      p(['concealment.container'], [], 5), p(['concealment.rip-on-rip-off'], ['encrypted-phone-network'], 3),
      p(['concealment.fresh-produce'], [], 2), p(['insider.port'], ['messenger.encrypted'], 1),
    ],
    quantity: { unit: 'kg', median: 80, sigma: 1.2 }, roles: ['suspect'],
  },
  {
    id: 'caribbean-es-sea', name: 'Caribbean – Iberia', family: 'drugs', category: '06012',
    commodities: ['drug.cocaine'], modality: 'sea', origin: 'CO', transit: ['DO'], destination: 'ES', detectedIn: ['ES'],
    ratePerDay: 7, dispersion: 3, season: { amplitude: 0.15, peakDay: 250 },
    profiles: [p(['concealment.container'], [], 3), p(['mother-ship', 'fast-boat'], ['satellite-phone'], 2), p(['semi-submersible'], [], 0.3)],
    quantity: { unit: 'kg', median: 120, sigma: 1.3 }, roles: ['suspect'],
  },
  {
    id: 'brazil-pt-sea', name: 'West Africa – Atlantic', family: 'drugs', category: '06012',
    commodities: ['drug.cocaine'], modality: 'sea', origin: 'BR', transit: ['CV'], destination: 'PT', detectedIn: ['PT', 'ES'],
    ratePerDay: 5, dispersion: 3, season: { amplitude: 0.1, peakDay: 240 },
    profiles: [p(['concealment.container'], [], 2), p(['mother-ship'], ['satellite-phone', 'vessel.ais-spoofing'], 1)],
    quantity: { unit: 'kg', median: 150, sigma: 1.2 }, roles: ['suspect'],
  },
  {
    id: 'guiana-fr-air', family: 'drugs', category: '06012',
    commodities: ['drug.cocaine'], modality: 'air', origin: 'GF', transit: [], destination: 'FR', detectedIn: ['FR'],
    ratePerDay: 9, dispersion: 6, season: { amplitude: 0.2, peakDay: 200 },
    profiles: [p(['body-packing'], [], 4), p(['concealment.luggage'], [], 2), p(['recruitment.online-courier', 'body-packing'], ['social-media.ads'], 1)],
    quantity: { unit: 'kg', median: 1.2, sigma: 0.6 }, roles: ['courier'],
  },
  {
    id: 'morocco-es-hashish', name: 'Western Mediterranean', family: 'drugs', category: '06012',
    commodities: ['drug.cannabis'], modality: 'sea', origin: 'MA', transit: [], destination: 'ES', detectedIn: ['ES'],
    ratePerDay: 16, dispersion: 5, season: { amplitude: 0.3, peakDay: 180 },
    profiles: [p(['fast-boat'], ['gps.tracker'], 4), p(['concealment.vehicle'], [], 2), p(['drone.border'], ['drone'], 0.3)],
    quantity: { unit: 'kg', median: 400, sigma: 1.0 }, roles: ['suspect', 'courier'],
  },
  {
    id: 'spain-fr-cannabis', family: 'drugs', category: '06012',
    commodities: ['drug.cannabis'], modality: 'land', origin: 'ES', transit: [], destination: 'FR', detectedIn: ['FR'],
    ratePerDay: 10, dispersion: 6, season: { amplitude: 0.2, peakDay: 280 },
    profiles: [p(['concealment.vehicle'], [], 4), p(['smuggling.truck', 'concealment.fresh-produce'], [], 2)],
    quantity: { unit: 'kg', median: 50, sigma: 1.3 }, roles: ['courier'],
  },
  {
    id: 'balkan-heroin-at', name: 'Balkan route', family: 'drugs', category: '06012',
    commodities: ['drug.heroin'], modality: 'land', origin: 'AF', transit: ['IR', 'TR', 'BG', 'RS', 'HU'], destination: 'AT', detectedIn: ['AT', 'DE'],
    ratePerDay: 5, dispersion: 4, season: { amplitude: 0.1, peakDay: 150 },
    profiles: [p(['concealment.vehicle'], [], 3), p(['smuggling.truck'], ['encrypted-phone-network'], 1)],
    quantity: { unit: 'kg', median: 12, sigma: 1.0 }, roles: ['courier'],
  },
  {
    id: 'heroin-gr-it-sea', family: 'drugs', category: '06012',
    commodities: ['drug.heroin'], modality: 'sea', origin: 'IR', transit: ['TR', 'GR'], destination: 'IT', detectedIn: ['GR', 'IT'],
    ratePerDay: 3, dispersion: 3, season: { amplitude: 0.1, peakDay: 150 },
    profiles: [p(['concealment.container'], [], 2), p(['concealment.machinery'], [], 1)],
    quantity: { unit: 'kg', median: 20, sigma: 1.0 }, roles: ['suspect'],
  },
  {
    id: 'albania-it-cannabis', family: 'drugs', category: '06012',
    commodities: ['drug.cannabis'], modality: 'sea', origin: 'AL', transit: [], destination: 'IT', detectedIn: ['IT'],
    ratePerDay: 7, dispersion: 4, season: { amplitude: 0.3, peakDay: 210 },
    profiles: [p(['fast-boat'], [], 3), p(['concealment.vehicle'], [], 2)],
    quantity: { unit: 'kg', median: 200, sigma: 1.0 }, roles: ['suspect'],
  },
  {
    id: 'synthetics-nl-postal', family: 'drugs', category: '06012',
    commodities: ['drug.mdma'], modality: 'postal', origin: 'NL', transit: [], destination: 'IE', detectedIn: ['NL', 'IE', 'SE'],
    ratePerDay: 18, dispersion: 8, season: { amplitude: 0.25, peakDay: 340 },
    profiles: [p(['postal.parcel'], ['darkweb-market', 'crypto.currency'], 5), p(['postal.mail'], ['darkweb-market'], 2), p(['postal.parcel'], ['messenger.encrypted'], 2)],
    quantity: { unit: 'g', median: 250, sigma: 1.1 }, roles: ['suspect'],
  },
  {
    id: 'amphetamine-pl-se', family: 'drugs', category: '06012',
    commodities: ['drug.amphetamine'], modality: 'land', origin: 'PL', transit: ['DE', 'DK'], destination: 'SE', detectedIn: ['PL', 'DE', 'SE'],
    ratePerDay: 8, dispersion: 5, season: { amplitude: 0.1, peakDay: 330 },
    profiles: [p(['concealment.vehicle'], [], 3), p(['smuggling.truck'], [], 2)],
    quantity: { unit: 'kg', median: 6, sigma: 1.1 }, roles: ['courier'],
  },
  {
    id: 'precursors-cn-nl', family: 'drugs', category: '06012',
    commodities: ['drug.precursor'], modality: 'sea', origin: 'CN', transit: [], destination: 'NL', detectedIn: ['NL', 'BE'],
    ratePerDay: 4, dispersion: 2, season: { amplitude: 0.05, peakDay: 60 },
    profiles: [p(['concealment.container', 'front-company'], ['precursor.synthetic-drug'], 3), p(['postal.parcel'], ['precursor.synthetic-drug'], 1)],
    quantity: { unit: 'l', median: 800, sigma: 1.2 }, roles: ['suspect'],
  },
  {
    id: 'personal-use-de', family: 'drugs', category: '06011',
    commodities: ['drug.cannabis'], modality: 'land', origin: 'NL', transit: [], destination: 'DE', detectedIn: ['DE'],
    ratePerDay: 12, dispersion: 10, season: { amplitude: 0.2, peakDay: 200 },
    profiles: [p(['concealment.vehicle'], [], 3), p(['concealment.luggage'], [], 1)],
    quantity: { unit: 'g', median: 30, sigma: 0.8 }, roles: ['suspect'],
  },
  // --- Migrant smuggling (ICCS 08071) ---
  {
    id: 'central-med-ly', name: 'Central Mediterranean', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'sea', origin: 'LY', transit: [], destination: 'IT', detectedIn: ['IT'],
    ratePerDay: 14, dispersion: 2, season: { amplitude: 0.6, peakDay: 210 },
    profiles: [p(['smuggling.boat'], ['satellite-phone'], 4), p(['smuggling.boat', 'mother-ship'], [], 1)],
    quantity: { unit: 'persons', median: 45, sigma: 0.8 }, roles: ['suspect', 'other'],
  },
  {
    id: 'central-med-tn', name: 'Central Mediterranean', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'sea', origin: 'TN', transit: [], destination: 'IT', detectedIn: ['IT'],
    ratePerDay: 9, dispersion: 2, season: { amplitude: 0.6, peakDay: 210 },
    profiles: [p(['smuggling.boat'], [], 4), p(['smuggling.boat'], ['messenger.encrypted'], 1)],
    quantity: { unit: 'persons', median: 30, sigma: 0.7 }, roles: ['suspect', 'other'],
  },
  {
    id: 'eastern-med', name: 'Eastern Mediterranean', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'sea', origin: 'TR', transit: [], destination: 'GR', detectedIn: ['GR'],
    ratePerDay: 10, dispersion: 2.5, season: { amplitude: 0.5, peakDay: 220 },
    profiles: [p(['smuggling.boat'], ['messenger.encrypted'], 3), p(['fast-boat'], ['gps.tracker'], 1)],
    quantity: { unit: 'persons', median: 25, sigma: 0.7 }, roles: ['suspect', 'other'],
  },
  {
    id: 'balkan-hu-de', name: 'Balkan route', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'land', origin: 'TR', transit: ['BG', 'RS', 'HU', 'AT'], destination: 'DE', detectedIn: ['AT', 'DE'],
    ratePerDay: 14, dispersion: 3, season: { amplitude: 0.4, peakDay: 230 },
    profiles: [p(['smuggling.truck'], ['messenger.encrypted'], 4), p(['smuggling.on-foot'], ['gps.tracker'], 1), p(['concealment.vehicle'], [], 2)],
    quantity: { unit: 'persons', median: 12, sigma: 0.8 }, roles: ['suspect', 'other'],
  },
  {
    id: 'balkan-hr-de', name: 'Balkan route (western)', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'land', origin: 'TR', transit: ['BG', 'RS', 'BA', 'HR', 'SI', 'AT'], destination: 'DE', detectedIn: ['HR', 'AT', 'DE'],
    ratePerDay: 4, dispersion: 3, season: { amplitude: 0.4, peakDay: 230 },
    profiles: [p(['smuggling.on-foot'], ['gps.tracker'], 2), p(['smuggling.truck'], ['messenger.encrypted'], 2)],
    quantity: { unit: 'persons', median: 8, sigma: 0.8 }, roles: ['suspect', 'other'],
  },
  {
    id: 'atlantic-canaries', name: 'West Africa – Atlantic', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'sea', origin: 'SN', transit: ['MR'], destination: 'ES', detectedIn: ['ES'],
    ratePerDay: 8, dispersion: 2, season: { amplitude: 0.5, peakDay: 290 },
    profiles: [p(['smuggling.boat'], [], 4)],
    quantity: { unit: 'persons', median: 60, sigma: 0.6 }, roles: ['suspect', 'other'],
  },
  {
    id: 'channel-small-boats', name: 'English Channel', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'sea', origin: 'FR', transit: [], destination: 'GB', detectedIn: ['FR', 'BE'],
    ratePerDay: 8, dispersion: 2, season: { amplitude: 0.5, peakDay: 220 },
    profiles: [p(['smuggling.boat'], ['messenger.encrypted'], 4), p(['smuggling.truck'], [], 1)],
    quantity: { unit: 'persons', median: 40, sigma: 0.5 }, roles: ['suspect', 'other'],
  },
  {
    id: 'belarus-pl', name: 'Eastern land border', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'land', origin: 'BY', transit: [], destination: 'PL', detectedIn: ['PL'],
    ratePerDay: 9, dispersion: 2, season: { amplitude: 0.3, peakDay: 250 },
    profiles: [p(['smuggling.on-foot'], ['gps.tracker'], 3), p(['smuggling.truck'], ['messenger.encrypted'], 1)],
    quantity: { unit: 'persons', median: 10, sigma: 0.7 }, roles: ['suspect', 'other'],
  },
  {
    id: 'air-document-fraud', family: 'migrants', category: '08071',
    commodities: ['people.smuggled'], modality: 'air', origin: 'TR', transit: [], destination: 'DE', detectedIn: ['DE', 'NL', 'FR', 'SE'],
    ratePerDay: 10, dispersion: 6, season: { amplitude: 0.2, peakDay: 200 },
    profiles: [p(['document-fraud.look-alike'], [], 3), p(['document-fraud.forged-visa'], [], 2), p(['document-fraud.counterfeit'], ['ai.generated-document'], 0.3)],
    quantity: { unit: 'persons', median: 1.5, sigma: 0.4 }, roles: ['suspect', 'other'],
  },
  // --- Trafficking in persons (ICCS 0204) ---
  {
    id: 'thb-ng-it', family: 'trafficking', category: '0204',
    commodities: ['people.trafficked'], modality: 'land', origin: 'NG', transit: ['NE', 'LY'], destination: 'IT', detectedIn: ['IT', 'ES', 'FR'],
    ratePerDay: 5, dispersion: 5, season: { amplitude: 0.1, peakDay: 180 },
    profiles: [p(['recruitment.online-courier'], ['social-media.ads'], 2), p([], ['messenger.encrypted'], 2)],
    quantity: { unit: 'persons', median: 2, sigma: 0.6 }, roles: ['suspect', 'victim'],
  },
  {
    id: 'thb-ro-de', family: 'trafficking', category: '0204',
    commodities: ['people.trafficked'], modality: 'land', origin: 'RO', transit: ['HU', 'AT'], destination: 'DE', detectedIn: ['AT', 'DE', 'NL'],
    ratePerDay: 6, dispersion: 5, season: { amplitude: 0.15, peakDay: 150 },
    profiles: [p(['front-company'], ['social-media.ads'], 2), p([], ['messenger.encrypted'], 2)],
    quantity: { unit: 'persons', median: 3, sigma: 0.7 }, roles: ['suspect', 'victim'],
  },
  // --- Firearms (ICCS 0901) ---
  {
    id: 'firearms-balkans', name: 'Balkan route', family: 'firearms', category: '0901',
    commodities: ['firearm', 'ammunition'], modality: 'land', origin: 'RS', transit: ['HR', 'SI', 'AT'], destination: 'DE', detectedIn: ['HR', 'AT', 'DE'],
    ratePerDay: 4, dispersion: 3, season: { amplitude: 0.1, peakDay: 100 },
    profiles: [p(['concealment.vehicle'], [], 3), p(['smuggling.truck'], ['encrypted-phone-network'], 1)],
    quantity: { unit: 'units', median: 4, sigma: 0.9 }, roles: ['suspect'],
  },
  {
    id: 'firearm-parts-postal', family: 'firearms', category: '0901',
    commodities: ['firearm.part'], modality: 'postal', origin: 'US', transit: [], destination: 'IE', detectedIn: ['IE', 'SE', 'NL'],
    ratePerDay: 4, dispersion: 5, season: { amplitude: 0.1, peakDay: 330 },
    profiles: [p(['postal.parcel'], ['darkweb-market'], 3), p(['postal.parcel'], [], 2)],
    quantity: { unit: 'items', median: 3, sigma: 0.8 }, roles: ['suspect'],
  },
  // --- Fraud, forgery, proceeds of crime (ICCS 07) ---
  {
    id: 'investment-fraud', family: 'fraud', category: '0701',
    commodities: ['data'], modality: 'online', origin: 'GE', transit: [], destination: 'DE', detectedIn: ['DE', 'AT', 'NL', 'BE'],
    ratePerDay: 20, dispersion: 6, season: { amplitude: 0.15, peakDay: 20 },
    profiles: [p(['fraud.investment'], ['crypto.currency', 'social-media.ads'], 4), p(['fraud.investment'], ['deepfake.video', 'social-media.ads'], 1), p(['fraud.investment'], ['remote-access-trojan'], 1)],
    quantity: { unit: 'eur', median: 25000, sigma: 1.2 }, roles: ['victim', 'suspect'],
  },
  {
    id: 'romance-fraud', family: 'fraud', category: '0701',
    commodities: ['data'], modality: 'online', origin: 'NG', transit: [], destination: 'IE', detectedIn: ['IE', 'SE', 'PL', 'ES'],
    ratePerDay: 12, dispersion: 6, season: { amplitude: 0.2, peakDay: 40 },
    profiles: [p(['fraud.romance'], ['social-media.ads'], 3), p(['fraud.romance', 'money-mule'], ['crypto.currency'], 1)],
    quantity: { unit: 'eur', median: 9000, sigma: 1.2 }, roles: ['victim', 'suspect'],
  },
  {
    id: 'ceo-fraud', family: 'fraud', category: '0701',
    commodities: ['data'], modality: 'online', origin: 'IL', transit: [], destination: 'FR', detectedIn: ['FR', 'BE', 'IT'],
    ratePerDay: 7, dispersion: 4, season: { amplitude: 0.1, peakDay: 330 },
    profiles: [p(['fraud.ceo'], ['phishing-kit'], 3), p(['fraud.ceo'], ['deepfake.voice'], 0.5)],
    quantity: { unit: 'eur', median: 120000, sigma: 1.3 }, roles: ['victim', 'suspect'],
  },
  {
    id: 'sim-swap-iberia', family: 'fraud', category: '0701',
    commodities: ['data'], modality: 'online', origin: 'ES', transit: [], destination: 'PT', detectedIn: ['ES', 'PT'],
    ratePerDay: 8, dispersion: 5, season: { amplitude: 0.1, peakDay: 330 },
    profiles: [p(['money-mule'], ['sim-swap', 'phishing-kit'], 3), p(['money-mule'], ['sim-box'], 1)],
    quantity: { unit: 'eur', median: 4000, sigma: 1.0 }, roles: ['victim', 'suspect'],
  },
  {
    id: 'cash-couriers', family: 'fraud', category: '0704',
    commodities: ['cash'], modality: 'air', origin: 'NL', transit: [], destination: 'AE', detectedIn: ['NL', 'DE', 'BE'],
    ratePerDay: 5, dispersion: 4, season: { amplitude: 0.1, peakDay: 180 },
    profiles: [p(['cash-courier'], [], 3), p(['trade-based-laundering', 'front-company'], ['crypto.currency'], 1)],
    quantity: { unit: 'eur', median: 60000, sigma: 1.0 }, roles: ['courier'],
  },
  {
    id: 'counterfeit-medicine', family: 'goods', category: '0702',
    commodities: ['counterfeit.medicine'], modality: 'postal', origin: 'IN', transit: [], destination: 'BE', detectedIn: ['BE', 'NL', 'IE'],
    ratePerDay: 7, dispersion: 5, season: { amplitude: 0.1, peakDay: 30 },
    profiles: [p(['postal.parcel'], ['darkweb-market'], 2), p(['postal.parcel'], ['social-media.ads'], 2)],
    quantity: { unit: 'items', median: 300, sigma: 1.2 }, roles: ['suspect'],
  },
  {
    id: 'counterfeit-goods', family: 'goods', category: '0702',
    commodities: ['counterfeit.goods'], modality: 'sea', origin: 'CN', transit: [], destination: 'IT', detectedIn: ['IT', 'GR', 'ES', 'PL'],
    ratePerDay: 10, dispersion: 5, season: { amplitude: 0.2, peakDay: 300 },
    profiles: [p(['concealment.container', 'front-company'], [], 3)],
    quantity: { unit: 'items', median: 5000, sigma: 1.3 }, roles: ['suspect'],
  },
  {
    id: 'tobacco-smuggling', family: 'goods', category: '0705',
    commodities: ['tobacco'], modality: 'land', origin: 'BY', transit: ['LT'], destination: 'PL', detectedIn: ['PL', 'DE'],
    ratePerDay: 6, dispersion: 4, season: { amplitude: 0.1, peakDay: 330 },
    profiles: [p(['smuggling.truck'], [], 3), p(['drone.border'], ['drone'], 0.5)],
    quantity: { unit: 'units', median: 50000, sigma: 1.0 }, roles: ['courier'],
  },
  // --- Environment (ICCS 1002 waste, 1003 wildlife) ---
  {
    id: 'glass-eels', family: 'wildlife', category: '1003',
    commodities: ['wildlife'], modality: 'air', origin: 'FR', transit: ['ES'], destination: 'HK', detectedIn: ['FR', 'ES', 'PT'],
    ratePerDay: 3, dispersion: 2, season: { amplitude: 0.8, peakDay: 40 },
    profiles: [p(['concealment.luggage'], [], 3), p(['front-company'], [], 1)],
    quantity: { unit: 'kg', median: 40, sigma: 0.8 }, roles: ['courier'],
  },
  {
    id: 'wildlife-africa-be', family: 'wildlife', category: '1003',
    commodities: ['wildlife'], modality: 'air', origin: 'CD', transit: [], destination: 'BE', detectedIn: ['BE', 'FR'],
    ratePerDay: 2, dispersion: 3, season: { amplitude: 0.1, peakDay: 100 },
    profiles: [p(['concealment.luggage'], [], 2), p(['postal.parcel'], ['social-media.ads'], 1)],
    quantity: { unit: 'kg', median: 15, sigma: 1.0 }, roles: ['courier'],
  },
  {
    id: 'waste-de-pl', family: 'goods', category: '1002',
    commodities: ['waste'], modality: 'land', origin: 'DE', transit: [], destination: 'PL', detectedIn: ['PL', 'DE'],
    ratePerDay: 3, dispersion: 3, season: { amplitude: 0.1, peakDay: 150 },
    profiles: [p(['smuggling.truck', 'front-company'], [], 3)],
    quantity: { unit: 'kg', median: 20000, sigma: 0.9 }, roles: ['suspect'],
  },
  {
    id: 'stolen-vehicles', family: 'goods', category: '0502',
    commodities: ['vehicle.stolen'], modality: 'land', origin: 'DE', transit: ['PL'], destination: 'UA', detectedIn: ['DE', 'PL', 'NL', 'BE'],
    ratePerDay: 9, dispersion: 5, season: { amplitude: 0.15, peakDay: 320 },
    profiles: [p(['concealment.vehicle'], ['gps.jammer'], 2), p([], ['gps.jammer'], 2), p(['document-fraud.counterfeit'], [], 1)],
    quantity: { unit: 'units', median: 1.2, sigma: 0.3 }, roles: ['suspect'],
  },
];

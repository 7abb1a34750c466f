// Free-text narratives in the languages partner agencies write in. Built from
// sentence parts so that records read differently from each other (term detectors
// and the desk's search need variety), while a trend's slang term lands in text
// exactly as a reporting officer would quote it.
import type { CrimeFamily, Modality, QuantityUnit } from './world';
import type { Rng } from './prng';

export const NARRATIVE_LANGS = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] as const;
export type NarrativeLang = (typeof NARRATIVE_LANGS)[number];

type PerLang<T> = Record<NarrativeLang, T>;

/** What a narrative talks about. */
export interface NarrativeFacts {
  family: CrimeFamily;
  commodity: string;
  quantity?: { value: number; unit: QuantityUnit };
  origin: string;
  destination: string;
  country: string;
  modality: Modality;
  persons: number;
  /** A slang term the record quotes (new-term trends). */
  term?: string;
}

const COMMODITY_WORDS: Record<string, PerLang<string>> = {
  'drug.cocaine': { en: 'cocaine', fr: 'cocaïne', de: 'Kokain', es: 'cocaína', it: 'cocaina', nl: 'cocaïne', pt: 'cocaína' },
  'drug.cannabis': { en: 'cannabis resin', fr: 'résine de cannabis', de: 'Cannabisharz', es: 'hachís', it: 'hashish', nl: 'hasj', pt: 'haxixe' },
  'drug.heroin': { en: 'heroin', fr: 'héroïne', de: 'Heroin', es: 'heroína', it: 'eroina', nl: 'heroïne', pt: 'heroína' },
  'drug.mdma': { en: 'MDMA tablets', fr: 'comprimés de MDMA', de: 'MDMA-Tabletten', es: 'pastillas de MDMA', it: 'pasticche di MDMA', nl: 'xtc-pillen', pt: 'comprimidos de MDMA' },
  'drug.amphetamine': { en: 'amphetamine', fr: 'amphétamine', de: 'Amphetamin', es: 'anfetamina', it: 'anfetamina', nl: 'amfetamine', pt: 'anfetamina' },
  'drug.precursor': { en: 'drug precursors', fr: 'précurseurs de drogues', de: 'Drogenausgangsstoffe', es: 'precursores de drogas', it: 'precursori di droghe', nl: 'drugsprecursoren', pt: 'precursores de drogas' },
  'drug.nps': { en: 'new psychoactive substances', fr: 'nouvelles substances psychoactives', de: 'neue psychoaktive Stoffe', es: 'nuevas sustancias psicoactivas', it: 'nuove sostanze psicoattive', nl: 'nieuwe psychoactieve stoffen', pt: 'novas substâncias psicoativas' },
  'drug.synthetic-opioid': { en: 'synthetic opioids (nitazenes)', fr: 'opioïdes de synthèse (nitazènes)', de: 'synthetische Opioide (Nitazene)', es: 'opioides sintéticos (nitacenos)', it: 'oppioidi sintetici (nitazeni)', nl: 'synthetische opioïden (nitazenen)', pt: 'opioides sintéticos (nitazenos)' },
  'people.smuggled': { en: 'irregular migrants', fr: 'migrants en situation irrégulière', de: 'irreguläre Migranten', es: 'migrantes irregulares', it: 'migranti irregolari', nl: 'irreguliere migranten', pt: 'migrantes irregulares' },
  'people.trafficked': { en: 'presumed victims', fr: 'victimes présumées', de: 'mutmaßliche Opfer', es: 'presuntas víctimas', it: 'presunte vittime', nl: 'vermoedelijke slachtoffers', pt: 'presumíveis vítimas' },
  firearm: { en: 'firearms', fr: 'armes à feu', de: 'Schusswaffen', es: 'armas de fuego', it: 'armi da fuoco', nl: 'vuurwapens', pt: 'armas de fogo' },
  'firearm.part': { en: 'firearm parts', fr: "pièces d'armes à feu", de: 'Waffenteile', es: 'piezas de armas', it: 'parti di armi', nl: 'wapenonderdelen', pt: 'peças de armas' },
  data: { en: 'victims’ funds', fr: 'fonds des victimes', de: 'Gelder der Opfer', es: 'fondos de las víctimas', it: 'fondi delle vittime', nl: 'geld van slachtoffers', pt: 'fundos das vítimas' },
  cash: { en: 'undeclared cash', fr: 'espèces non déclarées', de: 'nicht angemeldetes Bargeld', es: 'efectivo no declarado', it: 'contanti non dichiarati', nl: 'niet-aangegeven contant geld', pt: 'numerário não declarado' },
  'counterfeit.medicine': { en: 'falsified medicines', fr: 'médicaments falsifiés', de: 'gefälschte Arzneimittel', es: 'medicamentos falsificados', it: 'farmaci falsificati', nl: 'vervalste geneesmiddelen', pt: 'medicamentos falsificados' },
  'counterfeit.goods': { en: 'counterfeit goods', fr: 'marchandises contrefaites', de: 'gefälschte Markenware', es: 'mercancía falsificada', it: 'merce contraffatta', nl: 'namaakgoederen', pt: 'mercadorias contrafeitas' },
  tobacco: { en: 'cigarettes', fr: 'cigarettes', de: 'Zigaretten', es: 'cigarrillos', it: 'sigarette', nl: 'sigaretten', pt: 'cigarros' },
  wildlife: { en: 'protected species', fr: 'espèces protégées', de: 'geschützte Arten', es: 'especies protegidas', it: 'specie protette', nl: 'beschermde soorten', pt: 'espécies protegidas' },
  waste: { en: 'hazardous waste', fr: 'déchets dangereux', de: 'gefährliche Abfälle', es: 'residuos peligrosos', it: 'rifiuti pericolosi', nl: 'gevaarlijk afval', pt: 'resíduos perigosos' },
  'vehicle.stolen': { en: 'stolen vehicles', fr: 'véhicules volés', de: 'gestohlene Fahrzeuge', es: 'vehículos robados', it: 'veicoli rubati', nl: 'gestolen voertuigen', pt: 'veículos furtados' },
};

const MODALITY_WORDS: PerLang<Record<Modality, string>> = {
  en: { air: 'by air', sea: 'by sea', land: 'by road', rail: 'by rail', postal: 'by post', online: 'online', unknown: 'by unknown means' },
  fr: { air: 'par voie aérienne', sea: 'par voie maritime', land: 'par la route', rail: 'par le rail', postal: 'par colis postal', online: 'en ligne', unknown: 'par un moyen inconnu' },
  de: { air: 'auf dem Luftweg', sea: 'auf dem Seeweg', land: 'auf der Straße', rail: 'per Bahn', postal: 'per Post', online: 'online', unknown: 'auf unbekanntem Weg' },
  es: { air: 'por vía aérea', sea: 'por vía marítima', land: 'por carretera', rail: 'por ferrocarril', postal: 'por correo postal', online: 'en línea', unknown: 'por un medio desconocido' },
  it: { air: 'per via aerea', sea: 'via mare', land: 'su strada', rail: 'per ferrovia', postal: 'per posta', online: 'online', unknown: 'con mezzi sconosciuti' },
  nl: { air: 'door de lucht', sea: 'over zee', land: 'over de weg', rail: 'per spoor', postal: 'per post', online: 'online', unknown: 'op onbekende wijze' },
  pt: { air: 'por via aérea', sea: 'por via marítima', land: 'por estrada', rail: 'por ferrovia', postal: 'por via postal', online: 'online', unknown: 'por meio desconhecido' },
};

type Opening = (f: { what: string; qty: string; from: string; to: string; how: string; n: number }) => string;

// Openings by family: the first sentence says what was found or reported.
const OPENINGS: Record<CrimeFamily, PerLang<Opening[]>> = {
  drugs: {
    en: [(f) => `Seizure of ${f.qty} of ${f.what} shipped ${f.how} from ${f.from}.`, (f) => `Officers intercepted ${f.qty} of ${f.what} arriving ${f.how} from ${f.from}, destined for ${f.to}.`, (f) => `Consignment from ${f.from} found to contain ${f.qty} of ${f.what}.`],
    fr: [(f) => `Saisie de ${f.qty} de ${f.what} acheminée ${f.how} depuis ${f.from}.`, (f) => `Les agents ont intercepté ${f.qty} de ${f.what} en provenance de ${f.from}, à destination de ${f.to}.`],
    de: [(f) => `Sicherstellung von ${f.qty} ${f.what}, ${f.how} aus ${f.from} eingeführt.`, (f) => `Beamte stellten ${f.qty} ${f.what} aus ${f.from} mit Ziel ${f.to} sicher.`],
    es: [(f) => `Incautación de ${f.qty} de ${f.what} transportada ${f.how} desde ${f.from}.`, (f) => `Los agentes interceptaron ${f.qty} de ${f.what} procedente de ${f.from} con destino a ${f.to}.`],
    it: [(f) => `Sequestro di ${f.qty} di ${f.what} trasportata ${f.how} da ${f.from}.`, (f) => `Gli agenti hanno intercettato ${f.qty} di ${f.what} proveniente da ${f.from} e diretta in ${f.to}.`],
    nl: [(f) => `Inbeslagname van ${f.qty} ${f.what}, ${f.how} vervoerd vanuit ${f.from}.`, (f) => `Ambtenaren onderschepten ${f.qty} ${f.what} afkomstig uit ${f.from}, bestemd voor ${f.to}.`],
    pt: [(f) => `Apreensão de ${f.qty} de ${f.what} transportada ${f.how} a partir de ${f.from}.`, (f) => `Os agentes intercetaram ${f.qty} de ${f.what} proveniente de ${f.from} com destino a ${f.to}.`],
  },
  migrants: {
    en: [(f) => `${f.qty} ${f.what} apprehended after travelling ${f.how} from ${f.from}.`, (f) => `Smuggling event: ${f.qty} ${f.what} moved ${f.how} from ${f.from} towards ${f.to}.`],
    fr: [(f) => `${f.qty} ${f.what} interpellés après un trajet ${f.how} depuis ${f.from}.`, (f) => `Passage clandestin de ${f.qty} ${f.what} ${f.how} depuis ${f.from} vers ${f.to}.`],
    de: [(f) => `${f.qty} ${f.what} nach Einreise ${f.how} aus ${f.from} aufgegriffen.`, (f) => `Schleusung von ${f.qty} ${f.what} ${f.how} aus ${f.from} in Richtung ${f.to}.`],
    es: [(f) => `${f.qty} ${f.what} interceptados tras viajar ${f.how} desde ${f.from}.`, (f) => `Tráfico ilícito de ${f.qty} ${f.what} ${f.how} desde ${f.from} hacia ${f.to}.`],
    it: [(f) => `${f.qty} ${f.what} rintracciati dopo un viaggio ${f.how} da ${f.from}.`, (f) => `Favoreggiamento dell'immigrazione: ${f.qty} ${f.what} ${f.how} da ${f.from} verso ${f.to}.`],
    nl: [(f) => `${f.qty} ${f.what} aangehouden na een reis ${f.how} vanuit ${f.from}.`, (f) => `Mensensmokkel: ${f.qty} ${f.what} ${f.how} vanuit ${f.from} richting ${f.to}.`],
    pt: [(f) => `${f.qty} ${f.what} intercetados após viagem ${f.how} a partir de ${f.from}.`, (f) => `Auxílio à imigração ilegal: ${f.qty} ${f.what} ${f.how} de ${f.from} para ${f.to}.`],
  },
  trafficking: {
    en: [(f) => `${f.qty} ${f.what} of trafficking identified; recruited in ${f.from} and exploited in ${f.to}.`, (f) => `Exploitation case: ${f.qty} ${f.what} brought ${f.how} from ${f.from}.`],
    fr: [(f) => `${f.qty} ${f.what} de traite identifiées ; recrutées en ${f.from} et exploitées en ${f.to}.`, (f) => `Affaire d'exploitation : ${f.qty} ${f.what} acheminées ${f.how} depuis ${f.from}.`],
    de: [(f) => `${f.qty} ${f.what} von Menschenhandel identifiziert; angeworben in ${f.from}, ausgebeutet in ${f.to}.`, (f) => `Ausbeutungsfall: ${f.qty} ${f.what} ${f.how} aus ${f.from} gebracht.`],
    es: [(f) => `Identificadas ${f.qty} ${f.what} de trata; captadas en ${f.from} y explotadas en ${f.to}.`, (f) => `Caso de explotación: ${f.qty} ${f.what} trasladadas ${f.how} desde ${f.from}.`],
    it: [(f) => `Identificate ${f.qty} ${f.what} di tratta; reclutate in ${f.from} e sfruttate in ${f.to}.`, (f) => `Caso di sfruttamento: ${f.qty} ${f.what} condotte ${f.how} da ${f.from}.`],
    nl: [(f) => `${f.qty} ${f.what} van mensenhandel geïdentificeerd; geronseld in ${f.from} en uitgebuit in ${f.to}.`, (f) => `Uitbuitingszaak: ${f.qty} ${f.what} ${f.how} overgebracht vanuit ${f.from}.`],
    pt: [(f) => `Identificadas ${f.qty} ${f.what} de tráfico; recrutadas em ${f.from} e exploradas em ${f.to}.`, (f) => `Caso de exploração: ${f.qty} ${f.what} trazidas ${f.how} de ${f.from}.`],
  },
  firearms: {
    en: [(f) => `${f.qty} of ${f.what} seized, moved ${f.how} from ${f.from}.`, (f) => `Trafficking of ${f.what} (${f.qty}) from ${f.from} to ${f.to} disrupted.`],
    fr: [(f) => `Saisie de ${f.qty} ${f.what} acheminées ${f.how} depuis ${f.from}.`, (f) => `Trafic de ${f.what} (${f.qty}) entre ${f.from} et ${f.to} démantelé.`],
    de: [(f) => `${f.qty} ${f.what} sichergestellt, ${f.how} aus ${f.from} verbracht.`, (f) => `Handel mit ${f.what} (${f.qty}) von ${f.from} nach ${f.to} unterbunden.`],
    es: [(f) => `Incautadas ${f.qty} ${f.what} llegadas ${f.how} desde ${f.from}.`, (f) => `Desarticulado tráfico de ${f.what} (${f.qty}) entre ${f.from} y ${f.to}.`],
    it: [(f) => `Sequestrate ${f.qty} ${f.what} giunte ${f.how} da ${f.from}.`, (f) => `Smantellato traffico di ${f.what} (${f.qty}) tra ${f.from} e ${f.to}.`],
    nl: [(f) => `${f.qty} ${f.what} in beslag genomen, ${f.how} vervoerd vanuit ${f.from}.`, (f) => `Handel in ${f.what} (${f.qty}) van ${f.from} naar ${f.to} verstoord.`],
    pt: [(f) => `Apreendidas ${f.qty} ${f.what} chegadas ${f.how} de ${f.from}.`, (f) => `Desmantelado tráfico de ${f.what} (${f.qty}) entre ${f.from} e ${f.to}.`],
  },
  fraud: {
    en: [(f) => `Complaint: loss of ${f.qty} of ${f.what}; perpetrators operating ${f.how} from ${f.from}.`, (f) => `Fraud report, ${f.qty} lost; suspects believed to be based in ${f.from}.`],
    fr: [(f) => `Plainte : perte de ${f.qty} (${f.what}) ; auteurs opérant ${f.how} depuis ${f.from}.`, (f) => `Signalement d'escroquerie, préjudice de ${f.qty} ; auteurs présumés basés en ${f.from}.`],
    de: [(f) => `Anzeige: Schaden von ${f.qty} (${f.what}); Täter agieren ${f.how} aus ${f.from}.`, (f) => `Betrugsanzeige, Schaden ${f.qty}; Tatverdächtige vermutlich in ${f.from}.`],
    es: [(f) => `Denuncia: pérdida de ${f.qty} (${f.what}); autores que operan ${f.how} desde ${f.from}.`, (f) => `Denuncia por estafa, perjuicio de ${f.qty}; presuntos autores en ${f.from}.`],
    it: [(f) => `Denuncia: perdita di ${f.qty} (${f.what}); autori che operano ${f.how} da ${f.from}.`, (f) => `Segnalazione di truffa, danno di ${f.qty}; presunti autori in ${f.from}.`],
    nl: [(f) => `Aangifte: verlies van ${f.qty} (${f.what}); daders opereren ${f.how} vanuit ${f.from}.`, (f) => `Melding van fraude, schade ${f.qty}; verdachten vermoedelijk in ${f.from}.`],
    pt: [(f) => `Queixa: perda de ${f.qty} (${f.what}); autores a operar ${f.how} a partir de ${f.from}.`, (f) => `Denúncia de burla, prejuízo de ${f.qty}; suspeitos alegadamente em ${f.from}.`],
  },
  wildlife: {
    en: [(f) => `${f.qty} of ${f.what} seized, shipped ${f.how} from ${f.from} to ${f.to}.`],
    fr: [(f) => `Saisie de ${f.qty} d'${f.what}, expédiées ${f.how} de ${f.from} vers ${f.to}.`],
    de: [(f) => `${f.qty} ${f.what} sichergestellt, ${f.how} von ${f.from} nach ${f.to} versandt.`],
    es: [(f) => `Incautados ${f.qty} de ${f.what} enviados ${f.how} desde ${f.from} a ${f.to}.`],
    it: [(f) => `Sequestrati ${f.qty} di ${f.what} spediti ${f.how} da ${f.from} a ${f.to}.`],
    nl: [(f) => `${f.qty} ${f.what} in beslag genomen, ${f.how} verzonden van ${f.from} naar ${f.to}.`],
    pt: [(f) => `Apreendidos ${f.qty} de ${f.what} enviados ${f.how} de ${f.from} para ${f.to}.`],
  },
  goods: {
    en: [(f) => `Detection of ${f.qty} of ${f.what} moved ${f.how} from ${f.from} to ${f.to}.`, (f) => `Inspection revealed ${f.what} (${f.qty}) from ${f.from}.`],
    fr: [(f) => `Découverte de ${f.qty} de ${f.what} acheminés ${f.how} de ${f.from} vers ${f.to}.`, (f) => `Le contrôle a révélé des ${f.what} (${f.qty}) en provenance de ${f.from}.`],
    de: [(f) => `Feststellung von ${f.qty} ${f.what}, ${f.how} von ${f.from} nach ${f.to} verbracht.`, (f) => `Kontrolle ergab ${f.what} (${f.qty}) aus ${f.from}.`],
    es: [(f) => `Detección de ${f.qty} de ${f.what} trasladados ${f.how} desde ${f.from} a ${f.to}.`, (f) => `La inspección reveló ${f.what} (${f.qty}) procedentes de ${f.from}.`],
    it: [(f) => `Individuati ${f.qty} di ${f.what} trasportati ${f.how} da ${f.from} a ${f.to}.`, (f) => `Il controllo ha rivelato ${f.what} (${f.qty}) provenienti da ${f.from}.`],
    nl: [(f) => `Aantreffen van ${f.qty} ${f.what}, ${f.how} vervoerd van ${f.from} naar ${f.to}.`, (f) => `Controle bracht ${f.what} (${f.qty}) uit ${f.from} aan het licht.`],
    pt: [(f) => `Deteção de ${f.qty} de ${f.what} transportados ${f.how} de ${f.from} para ${f.to}.`, (f) => `A inspeção revelou ${f.what} (${f.qty}) provenientes de ${f.from}.`],
  },
};

// Closings vary the tail of the text; each takes the number of persons.
const CLOSINGS: PerLang<Array<(n: number) => string>> = {
  en: [(n) => (n > 0 ? `${n} person(s) detained.` : 'No arrests so far.'), () => 'Investigation ongoing.', () => 'Intelligence shared with liaison officers.', () => 'Modus operandi consistent with earlier cases.'],
  fr: [(n) => (n > 0 ? `${n} personne(s) interpellée(s).` : 'Aucune interpellation à ce stade.'), () => 'Enquête en cours.', () => 'Information transmise aux officiers de liaison.', () => 'Mode opératoire conforme aux affaires précédentes.'],
  de: [(n) => (n > 0 ? `${n} Person(en) festgenommen.` : 'Bisher keine Festnahmen.'), () => 'Ermittlungen dauern an.', () => 'Erkenntnisse an Verbindungsbeamte weitergegeben.', () => 'Vorgehensweise entspricht früheren Fällen.'],
  es: [(n) => (n > 0 ? `${n} persona(s) detenida(s).` : 'Sin detenciones por el momento.'), () => 'Investigación en curso.', () => 'Información compartida con los oficiales de enlace.', () => 'Modus operandi coincidente con casos anteriores.'],
  it: [(n) => (n > 0 ? `${n} persona/e arrestata/e.` : 'Nessun arresto finora.'), () => 'Indagini in corso.', () => 'Informazioni condivise con gli ufficiali di collegamento.', () => 'Modus operandi coerente con casi precedenti.'],
  nl: [(n) => (n > 0 ? `${n} persoon/personen aangehouden.` : 'Nog geen aanhoudingen.'), () => 'Onderzoek loopt.', () => 'Informatie gedeeld met liaison officers.', () => 'Werkwijze komt overeen met eerdere zaken.'],
  pt: [(n) => (n > 0 ? `${n} pessoa(s) detida(s).` : 'Sem detenções até ao momento.'), () => 'Investigação em curso.', () => 'Informação partilhada com os oficiais de ligação.', () => 'Modus operandi consistente com casos anteriores.'],
};

// How an officer quotes a street name; the term itself is never translated.
const TERM_SENTENCES: PerLang<Array<(term: string) => string>> = {
  en: [(t) => `The product is sold under the street name "${t}".`, (t) => `Buyers refer to it as ${t}.`],
  fr: [(t) => `Le produit est vendu sous le nom de rue « ${t} ».`, (t) => `Les acheteurs l'appellent ${t}.`],
  de: [(t) => `Das Produkt wird unter dem Straßennamen „${t}“ verkauft.`, (t) => `Abnehmer nennen es ${t}.`],
  es: [(t) => `El producto se vende con el nombre callejero "${t}".`, (t) => `Los compradores lo llaman ${t}.`],
  it: [(t) => `Il prodotto è venduto con il nome di strada "${t}".`, (t) => `Gli acquirenti lo chiamano ${t}.`],
  nl: [(t) => `Het product wordt verkocht onder de straatnaam "${t}".`, (t) => `Kopers noemen het ${t}.`],
  pt: [(t) => `O produto é vendido com o nome de rua "${t}".`, (t) => `Os compradores chamam-lhe ${t}.`],
};

const UNIT_WORDS: Record<QuantityUnit, string> = { kg: 'kg', g: 'g', l: 'l', units: 'units', persons: '', items: 'items', eur: 'EUR', usd: 'USD' };

const regionNames = new Map<NarrativeLang, Intl.DisplayNames>();
// ICU look-ups are slow next to everything else here; the set of names is small.
const nameCache = new Map<string, string>();

/** Country name in the narrative's language (ICU data, no dependency). */
export function countryName(code: string, lang: NarrativeLang): string {
  const key = lang + code;
  const cached = nameCache.get(key);
  if (cached !== undefined) return cached;
  let names = regionNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region' });
    regionNames.set(lang, names);
  }
  const name = names.of(code) ?? code;
  nameCache.set(key, name);
  return name;
}

function quantityText(facts: NarrativeFacts): string {
  const q = facts.quantity;
  if (!q) return String(Math.max(1, facts.persons));
  const unit = UNIT_WORDS[q.unit];
  return unit ? `${q.value} ${unit}` : String(q.value);
}

export function isNarrativeLang(lang: string): lang is NarrativeLang {
  return (NARRATIVE_LANGS as readonly string[]).includes(lang);
}

/** Writes one narrative in `lang` from the facts, choosing sentence variants with `rng`. */
export function writeNarrative(facts: NarrativeFacts, lang: NarrativeLang, rng: Rng): string {
  const what = COMMODITY_WORDS[facts.commodity]?.[lang] ?? facts.commodity;
  const fields = {
    what,
    qty: quantityText(facts),
    from: countryName(facts.origin, lang),
    to: countryName(facts.destination, lang),
    how: MODALITY_WORDS[lang][facts.modality],
    n: facts.persons,
  };
  const parts = [rng.pick(OPENINGS[facts.family][lang])(fields)];
  if (facts.term) parts.push(rng.pick(TERM_SENTENCES[lang])(facts.term));
  const closings = CLOSINGS[lang];
  parts.push((closings[0] as (n: number) => string)(facts.persons));
  if (rng.chance(0.6)) parts.push(rng.pick(closings.slice(1))(facts.persons));
  return parts.join(' ');
}

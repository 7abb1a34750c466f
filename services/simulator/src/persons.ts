// Fake people: names, document numbers and phone numbers shaped like real ones so
// that ingest's pseudonymisation has something to hash. Every value is generated
// from the seed; none belongs to a real person.
import type { Incident } from '@tocsin/core';
import type { Rng } from './prng';
import type { PersonRole } from './world';

export type Person = NonNullable<Incident['persons']>[number];

type NameRegion = 'latin' | 'lusophone' | 'francophone' | 'germanic' | 'dutch' | 'slavic' | 'balkan' | 'arabic' | 'westafrican' | 'turkic' | 'persian' | 'english' | 'greek' | 'asian';

const NAMES: Record<NameRegion, { first: string[]; last: string[] }> = {
  latin: { first: ['Carlos', 'Andrés', 'Luis', 'María', 'Lucía', 'Javier', 'Diego', 'Camila', 'Sofía', 'Mateo'], last: ['García', 'Rodríguez', 'Martínez', 'Herrera', 'Castillo', 'Vargas', 'Moreno', 'Rojas', 'Mendoza', 'Ortega'] },
  lusophone: { first: ['João', 'Pedro', 'Ana', 'Beatriz', 'Tiago', 'Rafael', 'Mariana', 'Gabriel'], last: ['Silva', 'Santos', 'Oliveira', 'Costa', 'Pereira', 'Ferreira', 'Almeida', 'Carvalho'] },
  francophone: { first: ['Jean', 'Pierre', 'Camille', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Théo'], last: ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Roux'] },
  germanic: { first: ['Lukas', 'Jonas', 'Anna', 'Lena', 'Felix', 'Maximilian', 'Sophie', 'Tobias'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann'] },
  dutch: { first: ['Daan', 'Sem', 'Emma', 'Julia', 'Lars', 'Bram', 'Fleur', 'Thijs'], last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer'] },
  slavic: { first: ['Piotr', 'Tomasz', 'Anna', 'Katarzyna', 'Ivan', 'Dmitri', 'Olena', 'Andriy'], last: ['Kowalski', 'Nowak', 'Wiśniewski', 'Shevchenko', 'Kovalenko', 'Ivanov', 'Lewandowski', 'Bondarenko'] },
  balkan: { first: ['Marko', 'Nikola', 'Ana', 'Ivana', 'Dragan', 'Arben', 'Elira', 'Luka'], last: ['Jovanović', 'Petrović', 'Horvat', 'Kovačević', 'Hoxha', 'Popescu', 'Ionescu', 'Marić'] },
  arabic: { first: ['Mohamed', 'Ahmed', 'Youssef', 'Fatima', 'Omar', 'Khadija', 'Karim', 'Amina'], last: ['El Amrani', 'Benali', 'Haddad', 'Mansour', 'Ben Salah', 'Trabelsi', 'Saleh', 'Bouzid'] },
  westafrican: { first: ['Chinedu', 'Emeka', 'Blessing', 'Amadou', 'Fatou', 'Moussa', 'Ngozi', 'Ibrahima'], last: ['Okafor', 'Adeyemi', 'Diallo', 'Ndiaye', 'Eze', 'Traoré', 'Balogun', 'Sow'] },
  turkic: { first: ['Mehmet', 'Mustafa', 'Ayşe', 'Emre', 'Zeynep', 'Murat', 'Elif', 'Burak'], last: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Aydın', 'Öztürk', 'Arslan'] },
  persian: { first: ['Ali', 'Reza', 'Hamid', 'Zahra', 'Ahmad', 'Farid', 'Maryam', 'Javad'], last: ['Ahmadi', 'Hosseini', 'Karimi', 'Rahimi', 'Noori', 'Sadeghi', 'Mohammadi', 'Azizi'] },
  english: { first: ['James', 'Sean', 'Emily', 'Conor', 'Sarah', 'Michael', 'Aoife', 'Daniel'], last: ['Murphy', 'Kelly', 'Walsh', 'Smith', 'Brennan', 'Byrne', 'Johnson', 'Ryan'] },
  greek: { first: ['Giorgos', 'Nikos', 'Maria', 'Eleni', 'Dimitris', 'Kostas', 'Katerina', 'Yannis'], last: ['Papadopoulos', 'Nikolaidis', 'Georgiou', 'Ioannou', 'Christodoulou', 'Pappas', 'Vlachos', 'Karras'] },
  asian: { first: ['Wei', 'Li', 'Minh', 'Hoa', 'Jun', 'Lan', 'Arjun', 'Priya'], last: ['Wang', 'Zhang', 'Nguyen', 'Tran', 'Chen', 'Liu', 'Sharma', 'Patel'] },
};

const REGION_OF: Record<string, NameRegion> = {
  EC: 'latin', CO: 'latin', DO: 'latin', PA: 'latin', VE: 'latin', ES: 'latin', MX: 'latin',
  BR: 'lusophone', PT: 'lusophone', CV: 'lusophone',
  FR: 'francophone', BE: 'francophone', GF: 'francophone', CD: 'francophone',
  DE: 'germanic', AT: 'germanic', SE: 'germanic', DK: 'germanic', NL: 'dutch',
  PL: 'slavic', BY: 'slavic', UA: 'slavic', LT: 'slavic',
  RS: 'balkan', HR: 'balkan', BA: 'balkan', SI: 'balkan', AL: 'balkan', RO: 'balkan', BG: 'balkan', HU: 'balkan',
  MA: 'arabic', TN: 'arabic', LY: 'arabic', SY: 'arabic', IQ: 'arabic', AE: 'arabic', MR: 'arabic', IL: 'arabic',
  NG: 'westafrican', SN: 'westafrican', NE: 'westafrican', GN: 'westafrican', ML: 'westafrican',
  TR: 'turkic', GE: 'turkic', IR: 'persian', AF: 'persian',
  IE: 'english', GB: 'english', US: 'english', GR: 'greek', IT: 'latin', CN: 'asian', VN: 'asian', IN: 'asian', HK: 'asian',
};

const CALLING_CODE: Record<string, string> = {
  NL: '31', BE: '32', FR: '33', ES: '34', PT: '351', IT: '39', DE: '49', AT: '43', PL: '48', GR: '30', HR: '385', IE: '353', SE: '46',
  EC: '593', CO: '57', BR: '55', MA: '212', TN: '216', LY: '218', TR: '90', NG: '234', SN: '221', AL: '355', RS: '381', RO: '40', GE: '995',
  GB: '44', US: '1', CN: '86', IN: '91', AF: '93', IR: '98', BY: '375', UA: '380', GF: '594', DO: '1', BA: '387', IL: '972',
};

function letters(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(65 + rng.int(26));
  return s;
}

function digits(rng: Rng, n: number): string {
  let s = String(1 + rng.int(9));
  for (let i = 1; i < n; i++) s += String(rng.int(10));
  return s;
}

export interface PersonOptions {
  role?: PersonRole;
  nationality: string;
  /** CSV feeds carry one name, document and phone column and no role or nationality. */
  identifiersOnly?: boolean;
}

/** One fake person of the given nationality, with some identifiers missing as in real records. */
export function fakePerson(rng: Rng, options: PersonOptions): Person {
  const nat = options.nationality;
  const names = NAMES[REGION_OF[nat] ?? 'english'];
  const person: Person = {};
  if (!options.identifiersOnly) person.role = options.role ?? 'suspect';
  person.name = `${rng.pick(names.first)} ${rng.pick(names.last)}`;
  if (options.identifiersOnly || rng.chance(0.7)) person.document_number = `${nat}${letters(rng, 2)}${digits(rng, 7)}`;
  if (options.identifiersOnly || rng.chance(0.5)) person.phone = `+${CALLING_CODE[nat] ?? '44'} ${digits(rng, 3)} ${digits(rng, 3)} ${digits(rng, 3)}`;
  if (!options.identifiersOnly) person.nationality = nat;
  return person;
}

// Partner configs: one entry per agency in the partners file (TOCSIN_PARTNERS_FILE).
// Adding a partner is a new entry here, never code.
import { readFileSync } from 'node:fs';
import { compileValidator, type PartnerConfig } from '@tocsin/core';
import { mappingProblems } from './decode/csv-mapping';
import { IngestError } from './errors';

/** Checks a parsed partners file: schema partner-config.v1 per entry, plus what a schema cannot say. */
export function validatePartners(data: unknown, origin = 'partners'): PartnerConfig[] {
  if (!Array.isArray(data)) throw new IngestError('PARTNERS_INVALID', `${origin} must be a JSON array of partner configs`);
  const validate = compileValidator<PartnerConfig>('partner-config.v1');
  const seen = new Set<string>();
  return data.map((entry, index) => {
    const result = validate(entry);
    if (!result.ok) {
      const first = result.errors[0];
      throw new IngestError('PARTNERS_INVALID', `${origin}/${index}${first?.pointer ?? ''} ${first?.message ?? 'is invalid'}`);
    }
    const partner = result.value;
    if (seen.has(partner.id)) throw new IngestError('PARTNERS_INVALID', `${origin}/${index}/id "${partner.id}" appears twice`);
    seen.add(partner.id);
    if (partner.format === 'csv') {
      if (!partner.csv) throw new IngestError('PARTNERS_INVALID', `${origin}/${index}/csv is required when format is csv`);
      if (partner.csv.delimiter !== undefined && partner.csv.delimiter === partner.csv.list_separator) {
        throw new IngestError('PARTNERS_INVALID', `${origin}/${index}/csv/list_separator must differ from the delimiter`);
      }
    }
    const problem = mappingProblems(partner)[0];
    if (problem !== undefined) throw new IngestError('PARTNERS_INVALID', `${origin}/${index}${problem}`);
    return partner;
  });
}

/** Reads and validates the partners file. Throws IngestError PARTNERS_INVALID naming the file and entry. */
export function loadPartnersFile(file: string): PartnerConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new IngestError('PARTNERS_INVALID', `TOCSIN_PARTNERS_FILE ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new IngestError('PARTNERS_INVALID', `TOCSIN_PARTNERS_FILE ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return validatePartners(data, file);
}

// The measurement catalogue the dashboards are built on agrees with the code that
// writes the points: the measurement name and every tag and field key appear in the
// writer module. When a service renames or drops one, this fails before a
// dashboard silently goes blank.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASUREMENTS } from '../../dashboards/measurements';

const root = join(import.meta.dirname, '../..');

describe('measurement catalogue', () => {
  for (const spec of Object.values(MEASUREMENTS)) {
    it(`${spec.name} is written by ${spec.writtenBy} with the listed tags and fields`, () => {
      const source = readFileSync(join(root, spec.writtenBy), 'utf8');
      expect(source).toContain(`'${spec.name}'`);
      for (const key of [...spec.tags, ...(spec.optionalTags ?? []), ...spec.fields]) {
        expect(source, `${spec.writtenBy} has no "${key}:" key`).toMatch(new RegExp(`\\b${key}:`));
      }
    });
  }
});

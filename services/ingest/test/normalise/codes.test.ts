import { describe, expect, it } from 'vitest';
import { mapCode, mapCodeList } from '../../src/normalise/codes';

describe('code mapping', () => {
  it('maps partner codes and keeps Tocsin codes, trimmed and lower case', () => {
    expect(mapCode('CONT', { CONT: 'concealment.container' })).toBe('concealment.container');
    expect(mapCode(' CONT ', { CONT: 'concealment.container' })).toBe('concealment.container');
    expect(mapCode(' Drone.Border ', undefined)).toBe('drone.border');
  });

  it('de-duplicates and sorts lists, leaving non-strings for the schema to report', () => {
    expect(mapCodeList(['b', 'A', 'X'], { X: 'a' })).toEqual(['a', 'b']);
    expect(mapCodeList(['b', 3], undefined)).toEqual(['b', 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { DetectorError } from '../src/errors';
import { parseParams } from '../src/params';
import { countDetectors, getCountDetector } from '../src/registry';

describe('parseParams', () => {
  const glr = getCountDetector('glr-nb');

  it('types values by their spec', () => {
    expect(parseParams(glr, ['c.ARL=4.5', 'Mtilde=2', 'mu0.trend=true', 'dir=dec', 'range=10:20'])).toEqual({
      'c.ARL': 4.5,
      Mtilde: 2,
      'mu0.trend': true,
      dir: 'dec',
      range: [10, 20],
    });
    expect(parseParams(getCountDetector('cusum'), { m: 'glm', alpha: '1e-1' })).toEqual({ m: 'glm', alpha: 0.1 });
  });

  it.each([
    ['Mtilde=1.5', 'PARAM_INVALID', /Mtilde="1.5" is not an integer/],
    ['mu0.trend=yes', 'PARAM_INVALID', /true or false/],
    ['dir=up', 'PARAM_INVALID', /one of inc, dec/],
    ['range=0:5', 'PARAM_INVALID', /1 <= FROM <= TO/],
    ['range=5', 'PARAM_INVALID', /FROM:TO/],
    ['c.ARL=', 'PARAM_INVALID', /is not a number/],
    ['size=3', 'PARAM_UNKNOWN', /unknown parameter "size"/],
  ])('rejects %s', (pair, code, message) => {
    try {
      parseParams(glr, [pair]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DetectorError);
      expect((err as DetectorError).code).toBe(code);
      expect((err as DetectorError).message).toMatch(message);
    }
  });

  it('registers every detector id of the issue, each with unique parameter names', () => {
    const ids = countDetectors.map((d) => d.id);
    for (const id of ['ears-c1', 'ears-c2', 'ears-c3', 'cusum', 'ewma', 'glr-nb']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of countDetectors) expect(new Set(d.params.map((p) => p.name)).size).toBe(d.params.length);
    expect(() => getCountDetector('nope')).toThrow(/unknown detector "nope"/);
  });
});

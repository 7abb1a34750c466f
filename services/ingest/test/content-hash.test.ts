import { createHash } from 'node:crypto';
import { canonicalJson, type Incident } from '@tocsin/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalise, contentHashOfCanonical } from '../src/content-hash';
import { partnerIncident } from './fixtures';

const incident = (overrides: Record<string, unknown> = {}) => partnerIncident({ country: 'NL', category: '06', methods: ['concealment.container'], ...overrides }) as unknown as Incident;
const hashOf = (value: Incident) => contentHashOfCanonical(canonicalise(value));

describe('incident content hash', () => {
  it('is SHA-256 of the canonical JSON @tocsin/core writes', () => {
    const value = incident();
    expect(JSON.stringify(canonicalise(value))).toBe(canonicalJson(value));
    expect(hashOf(value)).toBe(createHash('sha256').update(canonicalJson(value)).digest('hex'));
  });

  it('ignores key order and changes with content', () => {
    const value = incident();
    const reversed = Object.fromEntries(Object.entries(value).reverse()) as unknown as Incident;
    expect(hashOf(reversed)).toBe(hashOf(value));
    expect(hashOf(incident({ modality: 'air' }))).not.toBe(hashOf(value));
  });

  it('copies without touching the input', () => {
    const input = { b: { d: 1, c: [{ f: 1, e: 2 }] }, a: 0, u: undefined };
    expect(JSON.stringify(canonicalise(input))).toBe('{"a":0,"b":{"c":[{"e":2,"f":1}],"d":1}}');
    expect(Object.keys(input)).toEqual(['b', 'a', 'u']);
  });

  // Keys that look like array indexes are listed first by every JS object, and "__proto__"
  // cannot be assigned as a plain key; incidents have neither (the schema fixes their keys).
  it('serialises like @tocsin/core canonicalJson for JSON with ordinary keys', () => {
    const key = fc.string().filter((k) => !/^(?:0|[1-9][0-9]*)$/.test(k) && k !== '__proto__');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(fc.property(json, (value) => JSON.stringify(canonicalise(value)) === canonicalJson(value)), { numRuns: 1000 });
  });
});

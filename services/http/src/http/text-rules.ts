// What a string in a request may not contain, wherever it sits in the body:
// characters that are invisible or change how surrounding text is shown or
// parsed further down the line (logs, CSV, terminals, the watch-desk page).
// Line breaks are allowed here; single-line fields forbid them in their schema.

/** The first forbidden character of `text` and why, or null when it is clean. */
export function forbiddenCharacter(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `a lone surrogate U+${hex(c)}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `a lone surrogate U+${hex(c)}`;
    if (c === 0) return 'a NUL character';
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return `a control character U+${hex(c)}`;
    // Bidi embeddings, overrides and isolates ("Trojan Source"): they reorder what a reader sees.
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return `a bidirectional control U+${hex(c)}`;
  }
  return null;
}

const hex = (c: number): string => c.toString(16).toUpperCase().padStart(4, '0');

/** RFC 6901 escaping of one pointer segment. */
const segment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Deepest nesting of arrays and objects a body may have (no request schema comes near). */
export const MAX_BODY_DEPTH = 32;

/**
 * The first string (value or property name) in a parsed JSON body holding a
 * forbidden character, or nesting deeper than MAX_BODY_DEPTH, as
 * "<pointer> <reason>"; null when the body is clean.
 */
export function findForbiddenText(value: unknown, pointer = '', depth = 0): string | null {
  if (depth > MAX_BODY_DEPTH && value !== null && typeof value === 'object') return `${pointer} is nested deeper than ${MAX_BODY_DEPTH} levels`;
  if (typeof value === 'string') {
    const why = forbiddenCharacter(value);
    return why ? `${pointer || '/'} contains ${why}` : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenText(value[i], `${pointer}/${i}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const why = forbiddenCharacter(key);
      if (why) return `${pointer}/${segment(key)} (a property name) contains ${why}`;
      const found = findForbiddenText(inner, `${pointer}/${segment(key)}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

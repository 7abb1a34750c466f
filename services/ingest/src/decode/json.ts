// Decoder for partners that send canonical JSON: one incident object per record.
import { isUtf8 } from 'node:buffer';
import { reject, type Step } from '../rejection';

export function decodeJsonRecord(bytes: Buffer | null): Step<unknown> {
  if (bytes === null || bytes.length === 0) return reject('malformed_json', 'the record is empty');
  if (!isUtf8(bytes)) return reject('bad_encoding', 'the record is not valid UTF-8');
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (error) {
    // V8's message names the position and at most a short excerpt; keep only the position
    // because the excerpt may be part of a name or phone number.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return reject('malformed_json', position ? `the record is not valid JSON (error at byte ${position})` : 'the record is not valid JSON');
  }
}

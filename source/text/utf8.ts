// Where bytes stop being UTF-8: the first byte a decoder would silently turn into U+FFFD. One
// reading of RFC 3629 for the whole app: the sequence rule is sanitize.ts's validSequenceLength.

import {validSequenceLength} from './sanitize.js';

/**
 * The byte offset of the first byte that is not valid UTF-8 (a stray byte, a truncated or
 * overlong sequence, a surrogate), or -1.
 */
export function firstInvalidUtf8(bytes: Buffer): number {
	let i = 0;
	while (i < bytes.length) {
		if (bytes[i]! < 0x80) {
			i++;
			continue;
		}
		const size = validSequenceLength(bytes, i);
		if (size === 0) return i;
		i += size;
	}
	return -1;
}

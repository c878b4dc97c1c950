// Renders whole output lines straight from bytes to prefixed, sanitized bytes in one pass,
// for headless output: printable ASCII, well-formed UTF-8 and plain SGR are copied as they
// are; only a line holding anything else is decoded and goes through the string sanitizer.
// Both paths give the same bytes (the tests hold them to it).

import {collapseCarriageReturns} from './lines.js';
import {decodeLine, displayLine, stripColour} from './sanitize.js';

export type RenderOptions = {
	/** Written before every line. */
	readonly prefix: Buffer;
	/** false: SGR sequences are dropped too. */
	readonly color: boolean;
	/** Display cap (characters); longer lines take the slow path, which cuts them. */
	readonly maxChars: number;
};

const LF = 10;
const ESC = 0x1b;
const TAB_WIDTH = 8;

/**
 * Renders `chunk[start, end)` (whole lines, `end` just after a newline, `lineCount` of them)
 * as prefix + sanitized line + newline for each.
 */
export function renderLines(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions): Buffer {
	const {prefix, color, maxChars} = options;
	const prefixLength = prefix.length;
	// Enough for the common case; tabs and slow-path lines grow it when they need to.
	let out: Buffer = Buffer.allocUnsafe(end - start + lineCount * prefixLength + 64);
	let o = 0;
	let linesDone = 0;

	// No closures over `out` and `o` in here: captured variables live in a context object and
	// make every byte store several times slower.

	let i = start;
	while (i < end) {
		const lineStart = i;
		// TypedArray#set, not Buffer#copy: for a few bytes the latter's per-call cost dominates.
		out.set(prefix, o);
		o += prefixLength;
		const lineOut = o;
		let column = 0;
		let slow = false;
		for (;;) {
			const b = chunk[i]!;
			if (b >= 0x20 && b < 0x7f) {
				out[o++] = b;
				i++;
				column++;
				continue;
			}
			if (b === LF) {
				if (i - lineStart > maxChars) slow = true;
				else {
					out[o++] = LF;
					i++;
				}
				break;
			}
			if (b === 0x09) {
				const spaces = TAB_WIDTH - (column % TAB_WIDTH);
				out = ensureRoom(out, o, spaces + end - i + (lineCount - linesDone) * prefixLength);
				for (let k = 0; k < spaces; k++) out[o++] = 0x20;
				column += spaces;
				i++;
				continue;
			}
			if (b === ESC) {
				// Plain SGR: ESC [ digits ; : ... m. Anything else is for the slow path.
				let j = i + 1;
				if (chunk[j] !== 0x5b) {
					slow = true;
					break;
				}
				j++;
				let c = chunk[j]!;
				while (c >= 0x30 && c <= 0x3b) c = chunk[++j]!;
				if (c !== 0x6d) {
					slow = true;
					break;
				}
				if (color) for (let k = i; k <= j; k++) out[o++] = chunk[k]!;
				i = j + 1;
				continue;
			}
			const size = b >= 0xc2 ? utf8Length(chunk, i, b) : 0;
			if (size === 0) {
				// C0, DEL, stray continuation bytes (8-bit C1 among them), invalid UTF-8.
				slow = true;
				break;
			}
			for (let k = 0; k < size; k++) out[o++] = chunk[i + k]!;
			i += size;
			// As the string path counts: UTF-16 code units.
			column += size === 4 ? 2 : 1;
		}
		if (slow) {
			const lineEnd = chunk.indexOf(LF, i);
			const shown = displayLine(collapseCarriageReturns(decodeLine(chunk.subarray(lineStart, lineEnd))), maxChars);
			const text = color ? shown : stripColour(shown);
			o = lineOut;
			out = ensureRoom(out, o, Buffer.byteLength(text) + 1 + end - lineEnd - 1 + (lineCount - linesDone) * prefixLength);
			o += out.write(text, o);
			out[o++] = LF;
			i = lineEnd + 1;
		}
		linesDone++;
	}
	return out.subarray(0, o);
}

/** `out`, or a bigger copy of its first `used` bytes, with room for `more` bytes after them. */
function ensureRoom(out: Buffer, used: number, more: number): Buffer {
	const needed = used + more + 64;
	if (needed <= out.length) return out;
	const bigger = Buffer.allocUnsafe(Math.max(needed, out.length * 2));
	out.copy(bigger, 0, 0, used);
	return bigger;
}

/**
 * Length of the well-formed UTF-8 sequence at `at` (lead byte `b` >= 0xC2), or 0. U+0080 to
 * U+009F (C2 80-9F) are C1 controls: 0, so they take the slow path.
 */
function utf8Length(bytes: Buffer, at: number, b: number): number {
	const c1 = bytes[at + 1];
	if (c1 === undefined || c1 < 0x80 || c1 > 0xbf) return 0;
	if (b <= 0xdf) return b === 0xc2 && c1 <= 0x9f ? 0 : 2;
	const c2 = bytes[at + 2];
	if (c2 === undefined || c2 < 0x80 || c2 > 0xbf) return 0;
	if (b <= 0xef) {
		if (b === 0xe0 && c1 < 0xa0) return 0; // overlong
		if (b === 0xed && c1 > 0x9f) return 0; // surrogate
		return 3;
	}
	if (b > 0xf4) return 0;
	const c3 = bytes[at + 3];
	if (c3 === undefined || c3 < 0x80 || c3 > 0xbf) return 0;
	if (b === 0xf0 && c1 < 0x90) return 0;
	if (b === 0xf4 && c1 > 0x8f) return 0;
	return 4;
}

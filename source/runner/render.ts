// Renders whole output lines straight from bytes to prefixed, sanitized bytes, for headless
// output. A region of lines holding only printable text, well-formed UTF-8, tabs and plain SGR
// (nearly all output) is checked with native searches, then prefixed with one native string
// replace (colour on) or copied by a tight loop that drops the SGR (colour off); any other
// region goes through a one-pass byte loop that copies such lines as they are and sends the
// rest, decoded, through the string sanitizer. All paths give the same bytes (the tests hold
// them to it). A caller may pass one buffer to render into, reused chunk after chunk.

import {isUtf8} from 'node:buffer';
import {collapseCarriageReturns, countNewlines} from './lines.js';
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
const SPACES = ' '.repeat(TAB_WIDTH);

/**
 * C0 controls other than tab, newline and ESC, and DEL: any of them sends a region to the byte
 * loop. The likeliest first (carriage return, backspace, bell), so such a region stops early.
 */
const CONTROL_BYTES: readonly number[] = (() => {
	const bytes = [0x0d, 0x08, 0x07, 0x0c, 0x0b, 0x00, 0x7f];
	for (let b = 0x01; b < 0x20; b++) if (!bytes.includes(b) && b !== 0x09 && b !== LF && b !== ESC) bytes.push(b);
	return bytes;
})();

/**
 * Renders `chunk[start, end)` (whole lines, `end` just after a newline, `lineCount` of them)
 * as prefix + sanitized line + newline for each. `head` (bytes already rendered, such as a line
 * completed from an earlier chunk) comes first in the same buffer, so nothing is copied twice.
 * With `target`, the result is a view of it when it fits (a caller reusing one buffer spares a
 * fresh allocation per chunk, whose first touch of new memory costs more than the rendering);
 * otherwise, or without one, a new buffer.
 */
export function renderLines(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions, head?: Buffer, target?: Buffer): Buffer {
	const headLength = head?.length ?? 0;
	const {prefix, color, maxChars} = options;
	if (isPlainRegion(chunk, start, end, maxChars)) {
		if (color) {
			// Kept escapes: one native replace prefixes every line of a latin1 view.
			const text = plainRegionText(chunk, start, end, prefix);
			if (text !== undefined) {
				const out = room(target, headLength + text.length);
				if (head) out.set(head, 0);
				out.write(text, headLength, 'latin1');
				return out.subarray(0, headLength + text.length);
			}
		} else {
			const out = room(target, headLength + end - start + lineCount * prefix.length + countTabs(chunk, start, end) * (TAB_WIDTH - 1));
			if (head) out.set(head, 0);
			const length = renderCheckedBytes(view(chunk), start, end, lineCount, view(prefix), view(out), headLength);
			if (length >= 0) return out.subarray(0, length);
		}
	}
	// Enough unless the slow path re-encodes a line wider; it grows the buffer then.
	const out = room(target, headLength + end - start + lineCount * prefix.length + 64);
	if (head) out.set(head, 0);
	return renderByteLoop(chunk, start, end, lineCount, options, out, headLength);
}

/** `target` when it holds `size` bytes, else a new buffer. */
function room(target: Buffer | undefined, size: number): Buffer {
	return target !== undefined && target.length >= size ? target : Buffer.allocUnsafe(size);
}

/** A plain Uint8Array over a Buffer's bytes: V8 indexes it faster than a Buffer in a hot loop. */
function view(bytes: Buffer): Uint8Array {
	return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function countTabs(chunk: Buffer, start: number, end: number): number {
	let count = 0;
	for (let at = chunk.indexOf(0x09, start); at !== -1 && at < end; at = chunk.indexOf(0x09, at + 1)) count++;
	return count;
}

/**
 * True when every line of `chunk[start, end)` holds only printable text, well-formed UTF-8
 * without C1 controls, tabs and escapes, and none is longer than `maxChars` bytes: then only
 * newlines, tabs and escapes need looking at. Per-byte work happens in native code only (UTF-8
 * validation and a few dozen memchr passes cost less than one JS loop over the bytes).
 */
export function isPlainRegion(chunk: Buffer, start: number, end: number, maxChars: number): boolean {
	if (end <= start) return true;
	if (!isUtf8(chunk.subarray(start, end))) return false;
	for (const byte of CONTROL_BYTES) {
		const at = chunk.indexOf(byte, start);
		if (at !== -1 && at < end) return false;
	}
	// U+0080-U+009F are C2 80-9F; other C2 sequences (NBSP, ©, °) are common and fine.
	for (let at = chunk.indexOf(0xc2, start); at !== -1 && at < end; at = chunk.indexOf(0xc2, at + 2)) {
		if (chunk[at + 1]! <= 0x9f) return false;
	}
	// A line longer than the cap is cut by the string path: some line start with no newline
	// within `maxChars` bytes after it. Jumping a cap's length at a time finds one cheaply.
	for (let lineStart = start; end - 1 - lineStart > maxChars; ) {
		const nl = chunk.lastIndexOf(LF, lineStart + maxChars);
		if (nl < lineStart) return false;
		lineStart = nl + 1;
	}
	return true;
}

/**
 * Renders a region `isPlainRegion` accepted, colour off, into `out` from `o` (room enough for
 * the region, a prefix per line and 7 more bytes per tab): bytes are copied as they are, a
 * prefix goes after each newline, tabs are expanded and plain SGR (ESC [ digits ; : ... m) is
 * dropped. Returns the end of what was written, or -1 when an escape is anything else (the byte
 * loop then decides). The common byte costs one comparison; columns are counted only when a tab
 * needs them, from the line already written.
 */
function renderCheckedBytes(chunk: Uint8Array, start: number, end: number, lineCount: number, prefix: Uint8Array, out: Uint8Array, o: number): number {
	const prefixLength = prefix.length;
	// No closures over `out` and `o` in here: captured variables live in a context object and
	// make every byte store several times slower.
	for (let k = 0; k < prefixLength; k++) out[o++] = prefix[k]!;
	let lineOut = o;
	let linesLeft = lineCount;
	let i = start;
	while (i < end) {
		const b = chunk[i++]!;
		if (b >= 0x20) {
			out[o++] = b;
		} else if (b === LF) {
			out[o++] = LF;
			if (--linesLeft > 0) {
				for (let k = 0; k < prefixLength; k++) out[o++] = prefix[k]!;
				lineOut = o;
			}
		} else if (b === ESC) {
			if (chunk[i] !== 0x5b) return -1;
			let j = i + 1;
			let c = chunk[j]!;
			while (c >= 0x30 && c <= 0x3b) c = chunk[++j]!;
			if (c !== 0x6d) return -1;
			i = j + 1;
		} else {
			// A tab: the region holds no other control byte.
			const spaces = TAB_WIDTH - (columnsOf(out, lineOut, o) % TAB_WIDTH);
			for (let k = 0; k < spaces; k++) out[o++] = 0x20;
		}
	}
	return o;
}

/**
 * Display columns of checked, rendered, colourless line bytes `out[from, to)`, as the string
 * path counts them: UTF-16 code units, so a UTF-8 lead byte is one column (two for a 4-byte
 * sequence), continuation bytes none.
 */
function columnsOf(out: Uint8Array, from: number, to: number): number {
	let column = 0;
	for (let i = from; i < to; i++) {
		const c = out[i]!;
		if (c < 0x80 || c >= 0xc0) {
			column += c >= 0xf0 ? 2 : 1;
		}
	}
	return column;
}

/**
 * The colour-on region path: `chunk[start, end)`, which `isPlainRegion` accepted, rendered as
 * a latin1 string (one character per output byte), or undefined when an escape is not a plain
 * SGR. JS looks at escapes and tabs only; one native replace puts the prefixes in.
 */
function plainRegionText(chunk: Buffer, start: number, end: number, prefix: Buffer): string | undefined {
	if (end <= start) return '';
	// Without its last newline: the replace below must not prefix an empty line after it.
	let text = chunk.toString('latin1', start, end - 1);
	// Every escape must be a plain SGR: ESC [ digits ; : ... m.
	for (let at = text.indexOf('\u001b'); at !== -1; at = text.indexOf('\u001b', at + 1)) {
		if (text.charCodeAt(at + 1) !== 0x5b) return undefined;
		let j = at + 2;
		let c = text.charCodeAt(j);
		while (c >= 0x30 && c <= 0x3b) c = text.charCodeAt(++j);
		if (c !== 0x6d) return undefined;
		at = j;
	}
	const tab = text.indexOf('\t');
	if (tab !== -1) text = expandTabs(text, tab);
	const prefixText = prefix.toString('latin1');
	return `${prefixText}${text.replaceAll('\n', `\n${prefixText}`)}\n`;
}

/**
 * The fast paths' verdict on a region, for tests: the rendered latin1 text, or undefined when
 * the region goes to the byte loop.
 */
export function renderPlainRegion(chunk: Buffer, start: number, end: number, options: RenderOptions): string | undefined {
	const {prefix, color, maxChars} = options;
	if (!isPlainRegion(chunk, start, end, maxChars)) return undefined;
	if (color) return plainRegionText(chunk, start, end, prefix);
	const out = Buffer.alloc(end - start + (countNewlines(chunk, start, end) + 1) * prefix.length + countTabs(chunk, start, end) * (TAB_WIDTH - 1));
	const length = renderCheckedBytes(view(chunk), start, end, countNewlines(chunk, start, end), view(prefix), view(out), 0);
	return length < 0 ? undefined : out.toString('latin1', 0, length);
}

/**
 * Tabs to spaces up to the next 8-column stop, on a latin1 view of checked lines (valid UTF-8,
 * escapes only plain SGR): columns count what the string path counts, UTF-16 code units of
 * visible text, so a UTF-8 lead byte is one column (two for a 4-byte sequence), continuation
 * bytes and SGR none. `firstTab` is the index of the first tab.
 */
function expandTabs(text: string, firstTab: number): string {
	let out = '';
	let done = 0;
	for (let tab = firstTab; tab !== -1; tab = text.indexOf('\t', done)) {
		const lineStart = text.lastIndexOf('\n', tab) + 1;
		let lineEnd = text.indexOf('\n', tab);
		if (lineEnd === -1) lineEnd = text.length;
		out += text.slice(done, lineStart);
		let column = 0;
		let run = lineStart;
		for (let i = lineStart; i < lineEnd; i++) {
			const c = text.charCodeAt(i);
			if (c === 0x09) {
				const spaces = TAB_WIDTH - (column % TAB_WIDTH);
				out += text.slice(run, i) + SPACES.slice(0, spaces);
				column += spaces;
				run = i + 1;
			} else if (c === ESC) {
				i = text.indexOf('m', i);
			} else if (c < 0x80 || c >= 0xc0) {
				column += c >= 0xf0 ? 2 : 1;
			}
		}
		out += text.slice(run, lineEnd);
		done = lineEnd;
	}
	return out + text.slice(done);
}

/**
 * The general path, into `out` from `o` (room for the estimate): one pass over the bytes, line
 * by line, the string sanitizer for odd lines.
 */
function renderByteLoop(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions, out: Buffer, o: number): Buffer {
	const {prefix, color, maxChars} = options;
	const prefixLength = prefix.length;
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

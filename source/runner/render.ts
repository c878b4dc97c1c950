// Renders whole output lines straight from bytes to prefixed, sanitized bytes, for headless
// output. A region holding only printable text, well-formed C1-free UTF-8, tabs and escapes
// (nearly all output) is checked with native searches first; its lines are then copied four
// bytes at a time, stopping only at newlines, tabs and escapes. Any other region goes through a
// one-pass byte loop that checks every byte. Either loop sends a line it cannot copy as it is
// (an escape other than plain SGR, a control, invalid UTF-8, a line over the cap), decoded,
// through the string sanitizer. All paths give the same bytes (the tests hold them to it).

import {isUtf8} from 'node:buffer';
import {collapseCarriageReturns} from './lines.js';
import {decodeLine, displayLine, stripColour} from '../text/sanitize.js';

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
 * A buffer the renderer may reuse from one call to the next. Whoever passes one promises that
 * nothing still reads what the last call returned (its stream consumed it synchronously); set
 * `buffer` to undefined when that is not so, and the next call allocates a fresh one.
 */
export type RenderScratch = {buffer: Buffer | undefined};

/** Smallest scratch buffer allocated: one pipe read (64 KiB) plus its prefixes fits. */
const MIN_SCRATCH = 192 * 1024;

/** `size` bytes to render into: the scratch buffer when it is big enough, else a new one (kept in the scratch). */
function outputBuffer(size: number, scratch: RenderScratch | undefined): Buffer {
	if (!scratch) return Buffer.allocUnsafe(size);
	if (scratch.buffer === undefined || scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafe(Math.max(size, MIN_SCRATCH));
	return scratch.buffer;
}

/**
 * Renders `chunk[start, end)` (whole lines, `end` just after a newline, `lineCount` of them)
 * as prefix + sanitized line + newline for each. `head` (bytes already rendered, such as a line
 * completed from an earlier chunk) comes first in the same buffer, so nothing is copied twice.
 * With `scratch`, the result is a view of the scratch buffer: valid until the next call.
 */
export function renderLines(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions, head?: Buffer, scratch?: RenderScratch): Buffer {
	return regionIsChecked(chunk, start, end)
		? renderChecked(chunk, start, end, lineCount, options, head, scratch)
		: renderByteLoop(chunk, start, end, lineCount, options, head, scratch);
}

/**
 * True when `chunk[start, end)` is well-formed UTF-8 without C1 controls (U+0080-U+009F) and
 * without DEL: then every byte from 0x20 up is printable or part of a printable character, and
 * a line needs per-byte work only at the bytes below 0x20 (newlines, tabs, escapes; any other
 * C0 control sends its line to the sanitizer). Native searches only: one UTF-8 check and a few
 * memchr passes cost less than one JS loop over the bytes.
 */
export function regionIsChecked(chunk: Buffer, start: number, end: number): boolean {
	if (end <= start) return true;
	if (!isUtf8(chunk.subarray(start, end))) return false;
	const del = chunk.indexOf(0x7f, start);
	if (del !== -1 && del < end) return false;
	// C1 controls are C2 80-9F in UTF-8: look only where a C2 byte is.
	for (let at = chunk.indexOf(0xc2, start); at !== -1 && at < end; at = chunk.indexOf(0xc2, at + 2)) {
		if (chunk[at + 1]! <= 0x9f) return false;
	}
	return true;
}

/**
 * The checked-region loop (see regionIsChecked): four bytes at a time while none is below
 * 0x20; a byte at or above it is printable ASCII or part of a valid UTF-8 sequence, copied as
 * it is. Only the bytes below 0x20 stop it.
 */
function renderChecked(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions, head: Buffer | undefined, scratch: RenderScratch | undefined): Buffer {
	const {prefix, color, maxChars} = options;
	const prefixLength = prefix.length;
	const headLength = head?.length ?? 0;
	let out: Buffer = outputBuffer(headLength + end - start + lineCount * prefixLength + 64, scratch);
	let outView = new DataView(out.buffer, out.byteOffset, out.length);
	const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
	if (head) out.set(head, 0);
	let o = headLength;
	let linesDone = 0;
	// Four-byte words are read only where all four lie before the last newline.
	const wordEnd = end - 4;

	let i = start;
	while (i < end) {
		const lineStart = i;
		for (let k = 0; k < prefixLength; k++) out[o++] = prefix[k]!;
		const lineOut = o;
		let column = 0;
		let counted = o;
		let slow = false;
		for (;;) {
			if (i <= wordEnd) {
				const word = view.getUint32(i, true);
				// No byte below 0x20 in the word (the classic "has a byte less than n" test).
				if (((word - 0x20202020) & ~word & 0x80808080) === 0) {
					outView.setUint32(o, word, true);
					i += 4;
					o += 4;
					continue;
				}
			}
			const b = chunk[i]!;
			if (b >= 0x20) {
				out[o++] = b;
				i++;
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
				column += columnsOf(out, counted, o);
				const spaces = TAB_WIDTH - (column % TAB_WIDTH);
				const grown = ensureRoom(out, o, spaces + end - i + (lineCount - linesDone) * prefixLength, scratch);
				if (grown !== out) {
					out = grown;
					outView = new DataView(out.buffer, out.byteOffset, out.length);
				}
				for (let k = 0; k < spaces; k++) out[o++] = 0x20;
				column += spaces;
				counted = o;
				i++;
				continue;
			}
			// Plain SGR: ESC [ digits ; : ... m. Any other control is for the slow path.
			let j = i + 1;
			if (b !== ESC || chunk[j] !== 0x5b) {
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
		}
		if (slow) {
			const lineEnd = chunk.indexOf(LF, i);
			o = lineOut;
			const grown = slowLine(chunk, lineStart, lineEnd, out, o, end, (lineCount - linesDone) * prefixLength, options, scratch);
			if (grown.out !== out) {
				out = grown.out;
				outView = new DataView(out.buffer, out.byteOffset, out.length);
			}
			o = grown.o;
			i = lineEnd + 1;
		}
		linesDone++;
	}
	return out.subarray(0, o);
}

/**
 * The line `chunk[lineStart, lineEnd)` through the string sanitizer, written at `out[o]` with
 * its newline; `out` grown (a copy) when the rest of the region may not fit after it.
 */
function slowLine(chunk: Buffer, lineStart: number, lineEnd: number, out: Buffer, o: number, end: number, prefixesLeft: number, options: RenderOptions, scratch: RenderScratch | undefined): {out: Buffer; o: number} {
	const shown = displayLine(collapseCarriageReturns(decodeLine(chunk.subarray(lineStart, lineEnd))), options.maxChars);
	const text = options.color ? shown : stripColour(shown);
	out = ensureRoom(out, o, Buffer.byteLength(text) + 1 + end - lineEnd - 1 + prefixesLeft, scratch);
	o += out.write(text, o);
	out[o++] = LF;
	return {out, o};
}

/** The general path: one pass over the bytes, each checked, line by line, the string sanitizer for odd lines. */
function renderByteLoop(chunk: Buffer, start: number, end: number, lineCount: number, options: RenderOptions, head: Buffer | undefined, scratch: RenderScratch | undefined): Buffer {
	const {prefix, color, maxChars} = options;
	const prefixLength = prefix.length;
	const headLength = head?.length ?? 0;
	// Enough for the common case; tabs and slow-path lines grow it when they need to.
	let out: Buffer = outputBuffer(headLength + end - start + lineCount * prefixLength + 64, scratch);
	if (head) out.set(head, 0);
	let o = headLength;
	let linesDone = 0;

	// No closures over `out` and `o` in here: captured variables live in a context object and
	// make every byte store several times slower.

	let i = start;
	while (i < end) {
		const lineStart = i;
		// A byte loop, not TypedArray#set or Buffer#copy: for a prefix's few bytes, once per line,
		// their per-call cost is most of the work.
		for (let k = 0; k < prefixLength; k++) out[o++] = prefix[k]!;
		const lineOut = o;
		// Columns are counted only when a tab needs them (see columnsOf), from the last tab on.
		let column = 0;
		let counted = o;
		let slow = false;
		for (;;) {
			const b = chunk[i]!;
			if (b >= 0x20 && b < 0x7f) {
				out[o++] = b;
				i++;
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
				column += columnsOf(out, counted, o);
				const spaces = TAB_WIDTH - (column % TAB_WIDTH);
				out = ensureRoom(out, o, spaces + end - i + (lineCount - linesDone) * prefixLength, scratch);
				for (let k = 0; k < spaces; k++) out[o++] = 0x20;
				column += spaces;
				counted = o;
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
		}
		if (slow) {
			const lineEnd = chunk.indexOf(LF, i);
			({out, o} = slowLine(chunk, lineStart, lineEnd, out, lineOut, end, (lineCount - linesDone) * prefixLength, options, scratch));
			i = lineEnd + 1;
		}
		linesDone++;
	}
	return out.subarray(0, o);
}

/**
 * Display columns of rendered line bytes `out[from, to)` (checked text: printable ASCII, valid
 * UTF-8 and plain SGR only), as the string path counts them: UTF-16 code units of visible text,
 * so a UTF-8 lead byte is one column (two for a 4-byte sequence), continuation bytes and SGR none.
 */
function columnsOf(out: Buffer, from: number, to: number): number {
	let columns = 0;
	for (let i = from; i < to; i++) {
		const b = out[i]!;
		if (b === ESC) {
			while (out[i] !== 0x6d) i++;
		} else if (b < 0x80) {
			columns++;
		} else if (b >= 0xc0) {
			columns += b >= 0xf0 ? 2 : 1;
		}
	}
	return columns;
}

/** `out`, or a bigger copy of its first `used` bytes (kept in the scratch), with room for `more` bytes after them. */
function ensureRoom(out: Buffer, used: number, more: number, scratch: RenderScratch | undefined): Buffer {
	const needed = used + more + 64;
	if (needed <= out.length) return out;
	const bigger = Buffer.allocUnsafe(Math.max(needed, out.length * 2));
	out.copy(bigger, 0, 0, used);
	if (scratch) scratch.buffer = bigger;
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

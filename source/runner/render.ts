// Renders whole output lines straight from bytes to prefixed, sanitized bytes, for headless
// output. A region of lines holding only printable text, well-formed UTF-8, tabs and plain SGR
// (nearly all output) is checked with native searches and prefixed with one native string
// replace; any other region goes through a one-pass byte loop that copies such lines as they
// are and sends the rest, decoded, through the string sanitizer. All paths give the same bytes
// (the tests hold them to it).

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
/** U+0080-U+009F (C2 80-9F in UTF-8), read from a latin1 view of the bytes. */
const C1_CONTROL = /\xc2[\x80-\x9f]/;

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
	const headLength = head?.length ?? 0;
	const text = renderPlainRegion(chunk, start, end, options);
	if (text === undefined) return renderByteLoop(chunk, start, end, lineCount, options, head, scratch);
	const size = headLength + text.length;
	const out = outputBuffer(size, scratch);
	if (head) out.set(head, 0);
	out.write(text, headLength, 'latin1');
	return out.subarray(0, size);
}

/**
 * The region fast path: `chunk[start, end)` rendered as a latin1 string (one character per
 * output byte), or undefined when some line needs more than copying, tab expansion and SGR
 * handling (then the byte loop decides line by line). Per-byte work happens only in native
 * code (UTF-8 validation, byte and string searches, one replace); JS looks at escapes, tabs
 * and every few thousand bytes only. With colour off, a region holding escapes is left to
 * the byte loop.
 */
export function renderPlainRegion(chunk: Buffer, start: number, end: number, options: RenderOptions): string | undefined {
	const {prefix, color, maxChars} = options;
	if (end <= start) return '';
	// Stripping colour costs more here than in the byte loop, which then takes the region.
	const esc = chunk.indexOf(ESC, start);
	const hasEscape = esc !== -1 && esc < end;
	if (hasEscape && !color) return undefined;
	if (!isUtf8(chunk.subarray(start, end))) return undefined;
	// A few dozen memchr passes cost less than one JS loop over the bytes.
	for (const byte of CONTROL_BYTES) {
		const at = chunk.indexOf(byte, start);
		if (at !== -1 && at < end) return undefined;
	}
	// Without its last newline: the replace below must not prefix an empty line after it.
	let text = chunk.toString('latin1', start, end - 1);
	const c2 = chunk.indexOf(0xc2, start);
	if (c2 !== -1 && c2 < end && C1_CONTROL.test(text)) return undefined;
	// A line longer than the cap is cut by the string path: some line start with no newline
	// within `maxChars` bytes after it. Jumping a cap's length at a time finds one cheaply.
	for (let lineStart = 0; text.length - lineStart > maxChars; ) {
		const nl = text.lastIndexOf('\n', lineStart + maxChars);
		if (nl < lineStart) return undefined;
		lineStart = nl + 1;
	}
	// Every escape must be a plain SGR: ESC [ digits ; : ... m.
	if (hasEscape) {
		for (let at = esc - start; at !== -1; at = text.indexOf('\u001b', at + 1)) {
			if (text.charCodeAt(at + 1) !== 0x5b) return undefined;
			let j = at + 2;
			let c = text.charCodeAt(j);
			while (c >= 0x30 && c <= 0x3b) c = text.charCodeAt(++j);
			if (c !== 0x6d) return undefined;
			at = j;
		}
	}
	const tab = text.indexOf('\t');
	if (tab !== -1) text = expandTabs(text, tab);
	const prefixText = prefix.toString('latin1');
	return `${prefixText}${text.replaceAll('\n', `\n${prefixText}`)}\n`;
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

/** The general path: one pass over the bytes, line by line, the string sanitizer for odd lines. */
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
			const shown = displayLine(collapseCarriageReturns(decodeLine(chunk.subarray(lineStart, lineEnd))), maxChars);
			const text = color ? shown : stripColour(shown);
			o = lineOut;
			out = ensureRoom(out, o, Buffer.byteLength(text) + 1 + end - lineEnd - 1 + (lineCount - linesDone) * prefixLength, scratch);
			o += out.write(text, o);
			out[o++] = LF;
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

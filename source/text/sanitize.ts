// Turns one line of a task's output into text that is safe to show in a terminal: colour
// (SGR) survives, every other escape sequence and control character is removed.

/** Any code unit that needs the slow path: C0 controls, DEL and the C1 range (8-bit forms). */
const NEEDS_WORK = /[\u0000-\u001f\u007f-\u009f]/;

/** Display lines longer than this (characters, before sanitizing) are cut with an ellipsis. */
export const DEFAULT_MAX_LINE_CHARS = 4096;

/** Tab stops every 8 columns, as terminals do by default. */
const TAB_WIDTH = 8;

const ESC = 0x1b;
const BEL = 0x07;
/** 8-bit String Terminator. */
const ST8 = 0x9c;

/** True when the line holds nothing a terminal could interpret beyond plain text. */
export function isPlainLine(text: string): boolean {
	return !NEEDS_WORK.test(text);
}

/**
 * Keeps printable text and SGR colour sequences (`ESC [ params m`); removes OSC (title,
 * clipboard, links), every other CSI (cursor moves, clears, private modes), DCS, APC, PM and
 * SOS strings, two-byte escapes, C0 controls, DEL and the 8-bit C1 forms (as code points
 * U+0080-U+009F). Tabs become spaces up to the next 8-column stop, counted on visible text.
 * Sequences cut off by the end of the line are dropped whole: a later line cannot complete them.
 */
export function sanitizeLine(text: string): string {
	if (!NEEDS_WORK.test(text)) return text;
	let out = '';
	// Visible columns so far, for tab stops (one per code unit: wide characters are rare in logs).
	let column = 0;
	let plainStart = 0;
	const length = text.length;
	let i = 0;
	const flush = (end: number): void => {
		if (end > plainStart) {
			out += text.slice(plainStart, end);
			column += end - plainStart;
		}
	};
	while (i < length) {
		const code = text.charCodeAt(i);
		if (code >= 0x20 && (code < 0x7f || code > 0x9f)) {
			i++;
			continue;
		}
		flush(i);
		if (code === 0x09) {
			const spaces = TAB_WIDTH - (column % TAB_WIDTH);
			out += ' '.repeat(spaces);
			column += spaces;
			i++;
		} else if (code === ESC) {
			i = skipEscape(text, i, (sgr) => {
				out += sgr;
			});
		} else if (code === 0x9b) {
			// 8-bit CSI: never kept, even as colour; a terminal in UTF-8 mode may not read it as one.
			i = skipCsi(text, i + 1, undefined);
		} else if (code === 0x9d) {
			i = skipString(text, i + 1, true);
		} else if (code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
			i = skipString(text, i + 1, false);
		} else {
			// Any other C0, DEL or C1 control: dropped alone.
			i++;
		}
		plainStart = i;
	}
	flush(length);
	return out;
}

/** Skips the escape sequence starting at `start` (an ESC); hands a complete SGR to `keep`. */
function skipEscape(text: string, start: number, keep: (sgr: string) => void): number {
	const next = start + 1;
	if (next >= text.length) return next;
	const code = text.charCodeAt(next);
	switch (code) {
		case 0x5b: // [
			return skipCsi(text, next + 1, (end) => keep(text.slice(start, end)));
		case 0x5d: // ]
			return skipString(text, next + 1, true);
		case 0x50: // P  DCS
		case 0x58: // X  SOS
		case 0x5e: // ^  PM
		case 0x5f: // _  APC
			return skipString(text, next + 1, false);
		default:
			break;
	}
	// nF escapes (ESC, intermediates 0x20-0x2F, final 0x30-0x7E) and two-byte Fp/Fe/Fs escapes.
	let i = next;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c >= 0x20 && c <= 0x2f) {
			i++;
			continue;
		}
		if (c >= 0x30 && c <= 0x7e) return i + 1;
		// A control or non-ASCII byte breaks the sequence: drop the ESC and what came so far,
		// and let the main loop look at this character afresh.
		return i;
	}
	return i;
}

/**
 * Skips a CSI body starting after the introducer. When the sequence is a plain SGR
 * (parameters of digits, `;` and `:` only, final `m`) and `keepSgr` is given, it is called
 * with the end index. Returns the index after the sequence, or where a foreign character
 * interrupted it.
 */
function skipCsi(text: string, start: number, keepSgr: ((end: number) => void) | undefined): number {
	let i = start;
	let plainParams = true;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c >= 0x30 && c <= 0x3f) {
			// Private markers (<=>?) make it not a colour sequence.
			if (c > 0x3b) plainParams = false;
			i++;
		} else if (c >= 0x20 && c <= 0x2f) {
			plainParams = false;
			i++;
		} else if (c >= 0x40 && c <= 0x7e) {
			if (c === 0x6d && plainParams && keepSgr) keepSgr(i + 1);
			return i + 1;
		} else {
			return i;
		}
	}
	return i;
}

/**
 * Skips a control string (OSC, DCS, SOS, PM, APC) starting after its introducer, up to and
 * including its terminator: ST (`ESC \` or 0x9C), or BEL for OSC. Unterminated: to the end.
 */
function skipString(text: string, start: number, belEnds: boolean): number {
	let i = start;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c === ST8 || (belEnds && c === BEL)) return i + 1;
		if (c === ESC) {
			if (text.charCodeAt(i + 1) === 0x5c) return i + 2;
			// Another ESC inside a string: xterm ends the string there; so do we, without consuming it.
			return i;
		}
		i++;
	}
	return i;
}

/**
 * A line as the screen shows it: cut to `maxChars` (with an ellipsis) before sanitizing, so a
 * huge line costs no more than a short one.
 */
export function displayLine(line: string, maxChars: number): string {
	if (line.length <= maxChars) return sanitizeLine(line);
	// The cut never splits a surrogate pair: half an emoji would print as U+FFFD.
	let cut = maxChars - 1;
	const last = line.charCodeAt(cut - 1);
	if (last >= 0xd800 && last <= 0xdbff) cut--;
	return sanitizeLine(`${line.slice(0, cut)}…`);
}

const SGR = /\u001b\[[0-9;:]*m/g;

/** Removes SGR colour sequences (for output with colour off); expects a sanitized line. */
export function stripColour(text: string): string {
	return text.includes('\u001b') ? text.replace(SGR, '') : text;
}

/**
 * Decodes one line's bytes as UTF-8, mapping bytes that are not part of a valid sequence in
 * the C1 range (0x80-0x9F) to code points U+0080-U+009F, so that `sanitizeLine` recognises
 * 8-bit CSI/OSC and removes the whole sequence; other invalid bytes become U+FFFD.
 */
export function decodeLine(bytes: Buffer): string {
	const fast = bytes.toString('utf8');
	if (!fast.includes('\ufffd')) return fast;
	let out = '';
	let runStart = 0;
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i]!;
		if (b < 0x80) {
			i++;
			continue;
		}
		const size = validSequenceLength(bytes, i);
		if (size > 0) {
			i += size;
			continue;
		}
		out += bytes.toString('utf8', runStart, i);
		out += b <= 0x9f ? String.fromCharCode(b) : '\ufffd';
		i++;
		runStart = i;
	}
	out += bytes.toString('utf8', runStart, bytes.length);
	return out;
}

/** Length of the well-formed UTF-8 sequence starting with the byte at `at` (>= 0x80), or 0 when it is not one. */
export function validSequenceLength(bytes: Buffer, at: number): number {
	const b = bytes[at]!;
	const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
		const c = bytes[at + k];
		return c !== undefined && c >= low && c <= high;
	};
	if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
	if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
	if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
	if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
	if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
	if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
	if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
	return 0;
}

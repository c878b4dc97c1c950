// Splits a byte stream into lines across chunk boundaries, the way a terminal would show
// them: `\r\n` ends a line, a bare `\r` keeps only what follows it, and an endless line
// without a newline is held only up to a cap, so memory stays flat.

import {decodeLine} from '../text/sanitize.js';

const LF = 10;
const CR = 13;

/** Default cap on a line held while waiting for its newline (bytes). */
export const DEFAULT_MAX_HELD_BYTES = 1024 * 1024;

/**
 * What one `push` produced: at most one line completed from held bytes, then a region of
 * whole lines left in the chunk, for the caller to count, decode or pass on as it needs.
 */
export type Split = {
	/** The held line this chunk completed (decoded, carriage-return rule applied), if any. */
	readonly first: string | undefined;
	/** `chunk[start, end)` holds whole lines, each ending with `\n`; empty when equal. */
	readonly start: number;
	readonly end: number;
};

export type LineSplitterOptions = {
	/**
	 * A line longer than this (bytes, before its newline) keeps its first `maxHeldBytes` and
	 * drops the rest; display caps lines far shorter anyway.
	 */
	readonly maxHeldBytes?: number;
};

/**
 * Stateful splitter for one stream. Lines come out decoded (UTF-8; stray C1 bytes as code
 * points U+0080-U+009F so the sanitizer can recognise them) with the carriage-return rule
 * applied, but not sanitized and not capped for display.
 */
export class LineSplitter {
	readonly #maxHeld: number;
	#held: Buffer[] = [];
	#heldBytes = 0;
	/** The held bytes end with `\r`: a bare one unless the next byte is `\n`. */
	#heldEndsWithCr = false;
	/** Bytes dropped from the held line because it passed the cap. */
	#dropped = 0;
	#heldVersion = 0;

	constructor(options: LineSplitterOptions = {}) {
		this.#maxHeld = Math.max(16, options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES);
	}

	/** Bytes currently held for an unfinished line (never more than the cap). */
	get heldBytes(): number {
		return this.#heldBytes;
	}

	/** Bytes of the current unfinished line dropped for passing the cap. */
	get droppedBytes(): number {
		return this.#dropped;
	}

	/** Changes whenever the unfinished line changes. */
	get heldVersion(): number {
		return this.#heldVersion;
	}

	/** Feeds one chunk; what it leaves unfinished is held (up to the cap) for the next. */
	push(chunk: Buffer): Split {
		const nl = chunk.indexOf(LF);
		if (nl === -1) {
			this.#hold(chunk);
			return {first: undefined, start: 0, end: 0};
		}
		const end = chunk.lastIndexOf(LF) + 1;
		let first: string | undefined;
		let start = 0;
		if (this.#heldBytes > 0 || this.#dropped > 0) {
			first = this.#takeHeld(chunk.subarray(0, nl));
			start = nl + 1;
		}
		if (end < chunk.length) this.#hold(chunk.subarray(end));
		return {first, start, end};
	}

	/** The unfinished line as it stands (after its last carriage return), or undefined. */
	partial(maxBytes = 16 * 1024): string | undefined {
		if (this.#heldBytes === 0) return undefined;
		const bytes = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
		return collapseCarriageReturns(decodeLine(bytes.subarray(0, maxBytes)));
	}

	/** Ends the stream: returns the unfinished line, if any, as a last line. */
	flush(): string | undefined {
		if (this.#heldBytes === 0 && this.#dropped === 0) return undefined;
		return this.#takeHeld(Buffer.alloc(0));
	}

	#hold(piece: Buffer): void {
		if (piece.length === 0) return;
		this.#heldVersion++;
		if (this.#heldEndsWithCr && piece[0] !== LF && piece[0] !== CR) this.#resetHeld();
		// A carriage return with text after it starts the line over: what came before is never
		// shown. Trailing ones wait: they may pair with a `\n` still to come.
		let end = piece.length;
		while (end > 0 && piece[end - 1] === CR) end--;
		const cr = end > 0 ? piece.lastIndexOf(CR, end - 1) : -1;
		if (cr !== -1) {
			this.#resetHeld();
			piece = piece.subarray(cr + 1);
		}
		this.#heldEndsWithCr = piece[piece.length - 1] === CR;
		const room = this.#maxHeld - this.#heldBytes;
		if (room <= 0) {
			this.#dropped += piece.length;
			return;
		}
		// Copy: a view would pin the whole chunk in memory.
		const kept = Buffer.from(piece.subarray(0, room));
		this.#held.push(kept);
		this.#heldBytes += kept.length;
		this.#dropped += piece.length - kept.length;
	}

	#resetHeld(): void {
		this.#held = [];
		this.#heldBytes = 0;
		this.#dropped = 0;
		this.#heldEndsWithCr = false;
	}

	/** Joins the held bytes with the head of the chunk (up to its newline) into one line. */
	#takeHeld(head: Buffer): string {
		let bytes: Buffer;
		if (this.#heldBytes + head.length > this.#maxHeld) {
			const room = Math.max(0, this.#maxHeld - this.#heldBytes);
			bytes = Buffer.concat([...this.#held, head.subarray(0, room)]);
		} else {
			bytes = this.#held.length === 0 ? head : Buffer.concat([...this.#held, head]);
		}
		this.#resetHeld();
		this.#heldVersion++;
		return collapseCarriageReturns(decodeLine(bytes));
	}
}

/** Newlines in `chunk[start, end)`. */
export function countNewlines(chunk: Buffer, start: number, end: number): number {
	let count = 0;
	for (let at = chunk.indexOf(LF, start); at !== -1 && at < end; at = chunk.indexOf(LF, at + 1)) count++;
	return count;
}

/**
 * Decodes the whole lines of `chunk[start, end)` (`end` just after a newline), without their
 * newlines, carriage-return rule applied.
 */
export function decodeLines(chunk: Buffer, start: number, end: number): string[] {
	if (start >= end) return [];
	const text = chunk.toString('utf8', start, end - 1);
	if (text.includes('\ufffd')) {
		// Invalid bytes somewhere: decode line by line so stray C1 bytes survive as code points.
		const lines: string[] = [];
		let at = start;
		while (at < end) {
			const nl = chunk.indexOf(LF, at);
			lines.push(collapseCarriageReturns(decodeLine(chunk.subarray(at, nl))));
			at = nl + 1;
		}
		return lines;
	}
	const lines = text.split('\n');
	if (text.includes('\r')) {
		for (let i = 0; i < lines.length; i++) lines[i] = collapseCarriageReturns(lines[i]!);
	}
	return lines;
}

/**
 * Trailing `\r`s (as in `\r\n`) change nothing; otherwise only the text after the last `\r`
 * is kept, as a progress bar shows its last state.
 */
export function collapseCarriageReturns(line: string): string {
	let end = line.length;
	while (end > 0 && line.charCodeAt(end - 1) === CR) end--;
	if (end === 0) return '';
	const cr = line.lastIndexOf('\r', end - 1);
	if (cr === -1) return end === line.length ? line : line.slice(0, end);
	return line.slice(cr + 1, end);
}

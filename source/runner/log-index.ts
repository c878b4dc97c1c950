// A task's log file as numbered lines without holding it in memory: an index of line starts,
// built in chunks and extended as the file grows; lines are read back on demand. A view opens
// at the end: `tail` indexes only the last lines (reading the file backwards from its end), and
// `extendBack` adds earlier lines as the user scrolls up, so a log of many megabytes costs what
// is shown, not its whole length. Line numbers count from the window's first line; they are
// the file's own once the window reaches the start (`complete`).

import {closeSync, fstatSync, openSync, readSync} from 'node:fs';

const chunkSize = 1 << 20;
/** Bytes read per step when walking backwards: a few screens of ordinary log lines. */
const backChunk = 64 * 1024;

/** Line access to one log file. Open it, `scan` as it grows, read windows with `lines`. */
export class LogIndex {
	readonly #fd: number;
	/** Byte offset where each line starts; the last entry may start an unfinished line. */
	readonly #starts: number[] = [0];
	#scanned = 0;
	#size = 0;
	/** Where the window starts (a line start): 0 once the start of the file is indexed. */
	#base = 0;
	#closed = false;

	private constructor(fd: number) {
		this.#fd = fd;
	}

	/** Opens a log file; an error (missing file, no permission) comes back as a value. */
	static open(path: string): LogIndex | {error: string} {
		try {
			return new LogIndex(openSync(path, 'r'));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			return {error: code === 'ENOENT' ? `no log yet at ${path}` : `cannot read ${path} (${code ?? 'error'})`};
		}
	}

	/**
	 * Indexes up to `budget` new bytes. Returns true when the whole file is indexed, so a
	 * caller can yield between calls on a large file instead of blocking the UI.
	 */
	scan(budget = 8 * chunkSize): boolean {
		if (this.#closed) return true;
		this.#size = fstatSync(this.#fd).size;
		const buffer = Buffer.allocUnsafe(chunkSize);
		let left = budget;
		while (this.#scanned < this.#size && left > 0) {
			const want = Math.min(chunkSize, this.#size - this.#scanned, left);
			const got = readSync(this.#fd, buffer, 0, want, this.#scanned);
			if (got <= 0) break;
			let at = buffer.indexOf(10, 0);
			while (at !== -1 && at < got) {
				this.#starts.push(this.#scanned + at + 1);
				at = buffer.indexOf(10, at + 1);
			}
			this.#scanned += got;
			left -= got;
		}
		return this.#scanned >= this.#size;
	}

	/**
	 * Indexes the last `count` lines or more, reading backwards from the end, when nothing is
	 * indexed yet; later `scan`s go on from the end as the file grows.
	 */
	tail(count: number): void {
		if (this.#closed || this.#scanned > 0) return;
		this.#size = fstatSync(this.#fd).size;
		if (this.#size === 0) return;
		this.#base = this.#size;
		this.#scanned = this.#size;
		// As a forward scan leaves it: a file ending in a newline has a (still empty) line start at its end.
		const lastByte = Buffer.alloc(1);
		readSync(this.#fd, lastByte, 0, 1, this.#size - 1);
		this.#starts.length = 0;
		if (lastByte[0] === 10) this.#starts.push(this.#size);
		this.#extend(Math.max(1, count));
	}

	/** Adds up to `count` earlier lines at the front (fewer at the file's start); returns how many. */
	extendBack(count: number): number {
		if (this.#closed || this.#base === 0) return 0;
		return this.#extend(Math.max(1, count));
	}

	/** Walks back from the window's start, prepending up to `count` line starts (0 at the file's start). */
	#extend(count: number): number {
		const found: number[] = [];
		let position = this.#base;
		const buffer = Buffer.allocUnsafe(backChunk);
		while (position > 0 && found.length < count) {
			const from = Math.max(0, position - backChunk);
			const got = readSync(this.#fd, buffer, 0, position - from, from);
			if (got <= 0) break;
			// Each newline starts a line after it; the one just before the window starts the window.
			for (let i = got - 1; i >= 0 && found.length < count; i--) {
				if (buffer[i] === 10 && from + i + 1 < this.#base) found.push(from + i + 1);
			}
			position = from;
		}
		if (position === 0 && found.length < count) found.push(0);
		found.reverse();
		this.#starts.unshift(...found);
		this.#base = this.#starts[0] ?? 0;
		return found.length;
	}

	/** True once the window reaches the file's start: line numbers are the file's own. */
	get complete(): boolean {
		return this.#base === 0;
	}

	/** The file's size when last scanned, in bytes. */
	get size(): number {
		return this.#size;
	}

	/** Byte offset where window line `line` starts (for a position shown as a share of the file). */
	offsetOf(line: number): number {
		return this.#starts[Math.max(0, Math.min(line, this.#starts.length - 1))] ?? 0;
	}

	/** Lines in the file, counting an unfinished last line. */
	get lineCount(): number {
		const last = this.#starts[this.#starts.length - 1] ?? 0;
		return this.#scanned > last ? this.#starts.length : this.#starts.length - 1;
	}

	/** The raw bytes of lines [from, from + count), without their newlines. */
	lines(from: number, count: number): Buffer[] {
		const out: Buffer[] = [];
		const end = Math.min(this.lineCount, from + count);
		for (let line = Math.max(0, from); line < end; line++) {
			const start = this.#starts[line] ?? 0;
			const next = this.#starts[line + 1];
			// Without a next start the line runs to what has been scanned; drop its newline if any.
			const stop = next === undefined ? this.#scanned : next - 1;
			const bytes = Buffer.alloc(Math.max(0, stop - start));
			if (bytes.length > 0) readSync(this.#fd, bytes, 0, bytes.length, start);
			out.push(bytes);
		}
		return out;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		closeSync(this.#fd);
	}
}

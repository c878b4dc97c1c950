// A task's log file as numbered lines without holding it in memory: an index of line starts,
// built in chunks and extended as the file grows; lines are read back on demand.

import {closeSync, fstatSync, openSync, readSync} from 'node:fs';

const chunkSize = 1 << 20;

/** Line access to one log file. Open it, `scan` as it grows, read windows with `lines`. */
export class LogIndex {
	readonly #fd: number;
	/** Byte offset where each line starts; the last entry may start an unfinished line. */
	readonly #starts: number[] = [0];
	#scanned = 0;
	#size = 0;
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

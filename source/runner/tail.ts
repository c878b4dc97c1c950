// The last lines of one task's output, as the UI's panes and the task's report read them. Kept
// lazily: per chunk only references to the raw regions that can still hold one of the last
// lines are kept, and they are decoded and sanitized only when read (at most a frame rate), so
// a task printing megabytes a second costs the tail almost nothing.

import {decodeLines} from './lines.js';
import {Ring, DEFAULT_RING_SIZE} from './ring.js';

/** Lines a pending item holds: whole lines of a chunk, or one decoded line. */
type PendingItem = {readonly item: Buffer | string; readonly count: number};

/** Biggest region kept whole for the tail; larger ones are cut to their last lines first. */
const MAX_PENDING_REGION = 256 * 1024;

/** A bounded tail of display lines. */
export class Tail {
	readonly #ring: Ring<string>;
	readonly #toDisplay: (line: string) => string;
	#pending: PendingItem[] = [];
	#pendingLines = 0;

	/** `toDisplay` sanitizes and caps one decoded line. */
	constructor(capacity: number | undefined, toDisplay: (line: string) => string) {
		this.#ring = new Ring<string>(capacity ?? DEFAULT_RING_SIZE);
		this.#toDisplay = toDisplay;
	}

	get capacity(): number {
		return this.#ring.capacity;
	}

	/**
	 * Keeps `item` (raw whole lines of a chunk, each ending in a newline, or one decoded line)
	 * for a later read; `count` is its number of lines. A region is kept by reference.
	 */
	add(item: Buffer | string, count: number): void {
		const capacity = this.#ring.capacity;
		if (typeof item !== 'string' && item.length > MAX_PENDING_REGION && count > capacity) {
			let cut = item.length - 1;
			for (let k = 0; k < capacity; k++) cut = item.lastIndexOf(10, cut - 1);
			item = item.subarray(cut + 1);
			count = capacity;
		}
		this.#pending.push({item, count});
		this.#pendingLines += count;
		while (this.#pending.length > 1 && this.#pendingLines - this.#pending[0]!.count >= capacity) this.#pendingLines -= this.#pending.shift()!.count;
	}

	/** Display lines already sanitized (an adapter's rendering): stored at once. */
	pushShown(lines: readonly string[]): void {
		this.#ring.pushAll(lines);
	}

	/** The newest `max` display lines, oldest first. */
	lines(max: number): string[] {
		if (this.#pending.length > 0) this.#materialize();
		return this.#ring.toArray(max);
	}

	#materialize(): void {
		const capacity = this.#ring.capacity;
		for (const {item} of this.#pending) {
			const lines = typeof item === 'string' ? [item] : decodeLines(item, 0, item.length);
			const from = Math.max(0, lines.length - capacity);
			for (let i = from; i < lines.length; i++) this.#ring.push(this.#toDisplay(lines[i]!));
		}
		this.#pending = [];
		this.#pendingLines = 0;
	}
}

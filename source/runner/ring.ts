// A bounded ring buffer: keeps the last N items and forgets older ones, so a task's tail
// costs the same memory whatever it prints.

/** Default number of lines kept per task. */
export const DEFAULT_RING_SIZE = 500;

/** Fixed-capacity buffer of the most recent items, oldest first when read. */
export class Ring<T> {
	readonly capacity: number;
	readonly #items: (T | undefined)[];
	/** Index of the next write. */
	#next = 0;
	#size = 0;

	constructor(capacity = DEFAULT_RING_SIZE) {
		this.capacity = Math.max(1, Math.floor(capacity));
		this.#items = new Array<T | undefined>(this.capacity);
	}

	get size(): number {
		return this.#size;
	}

	push(item: T): void {
		this.#items[this.#next] = item;
		this.#next = (this.#next + 1) % this.capacity;
		if (this.#size < this.capacity) this.#size++;
	}

	/** Pushes many; only the last `capacity` of them can matter, so only those are stored. */
	pushAll(items: readonly T[]): void {
		const from = Math.max(0, items.length - this.capacity);
		for (let i = from; i < items.length; i++) this.push(items[i]!);
	}

	/** The newest `max` items (all by default), oldest first. */
	toArray(max = this.#size): T[] {
		const count = Math.max(0, Math.min(max, this.#size));
		const out = new Array<T>(count);
		let at = (this.#next - count + this.capacity) % this.capacity;
		for (let i = 0; i < count; i++) {
			out[i] = this.#items[at] as T;
			at = (at + 1) % this.capacity;
		}
		return out;
	}

	/** The newest item, if any. */
	last(): T | undefined {
		return this.#size === 0 ? undefined : this.#items[(this.#next - 1 + this.capacity) % this.capacity];
	}
}

// Timers that the user's editor does not count against. The conflict prompt's `e` runs the
// editor synchronously on the terminal: the event loop stands still, and without this every task
// timeout that fell due meanwhile would fire the moment the editor closed. Task timeouts are
// made here; `withTimersPaused` stops every one for the editor's time and re-arms each with
// what it had left.

type Entry = {
	readonly fn: () => void;
	remaining: number;
	dueAt: number;
	handle: NodeJS.Timeout | undefined;
};

const live = new Set<Entry>();
let pausedAt: number | undefined;

function arm(entry: Entry): void {
	entry.dueAt = Date.now() + entry.remaining;
	entry.handle = setTimeout(() => {
		live.delete(entry);
		entry.fn();
	}, entry.remaining);
}

/** A timeout that `pauseTimers` holds; `clear` cancels it. */
export function pausableTimeout(ms: number, fn: () => void): {clear(): void} {
	const entry: Entry = {fn, remaining: Math.max(0, ms), dueAt: 0, handle: undefined};
	live.add(entry);
	if (pausedAt === undefined) arm(entry);
	return {
		clear() {
			if (entry.handle) clearTimeout(entry.handle);
			live.delete(entry);
		},
	};
}

/** Holds every pausable timer, keeping what each has left. */
export function pauseTimers(): void {
	if (pausedAt !== undefined) return;
	pausedAt = Date.now();
	for (const entry of live) {
		if (entry.handle) clearTimeout(entry.handle);
		entry.handle = undefined;
		entry.remaining = Math.max(0, entry.dueAt - pausedAt);
	}
}

/** Re-arms the held timers with what they had left; returns how long they were held (ms). */
export function resumeTimers(): number {
	if (pausedAt === undefined) return 0;
	const held = Math.max(0, Date.now() - pausedAt);
	pausedAt = undefined;
	for (const entry of live) arm(entry);
	return held;
}

/**
 * Runs `work` (the editor, synchronously) with every pausable timer held, then tells `onHeld`
 * how long it took, so the caller can take that time off the running tasks' clocks too.
 */
export function withTimersPaused<T>(work: () => T, onHeld: (ms: number) => void): T {
	pauseTimers();
	try {
		return work();
	} finally {
		onHeld(resumeTimers());
	}
}

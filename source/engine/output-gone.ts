// fanout's own output going away: the reader of its stdout quit (a pipe to `head`, a CI log
// collector that died: EPIPE) or its terminal was closed (EIO, often before the SIGHUP that
// follows is handled). Node reports that as an 'error' on process.stdout or process.stderr,
// which, unhandled, crashed fanout with a stack trace and left its tasks running. Here it is
// heard once per process and handed to the session, which stops the run as a hang-up does.

/** Error codes that mean "nobody reads this stream any more", not a fault of fanout or the disk. */
const GONE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ENXIO', 'ERR_STREAM_DESTROYED']);

/** True when `error` says the stream's reader or terminal is gone. */
export function isOutputGone(error: unknown): boolean {
	const code = (error as {code?: unknown} | null)?.code;
	return typeof code === 'string' && GONE_CODES.has(code);
}

/** What the session hears: which stream went, and the system's word for it. */
export type OutputGone = {readonly stream: 'stdout' | 'stderr'; readonly code: string};

const listeners = new Set<(gone: OutputGone) => void>();
let installed = false;

function install(): void {
	if (installed) return;
	installed = true;
	for (const name of ['stdout', 'stderr'] as const) {
		process[name].on('error', (error: unknown) => {
			// Anything else (a full disk under a redirected stdout) stays an error, as before: the
			// fault path (fault.ts) hears it as an uncaught exception.
			if (!isOutputGone(error)) {
				process.nextTick(() => {
					throw error;
				});
				return;
			}
			const gone: OutputGone = {stream: name, code: String((error as {code: string}).code)};
			for (const listener of [...listeners]) listener(gone);
		});
	}
}

/**
 * Calls `listener` when stdout or stderr goes away. The process-wide handlers stay once
 * installed (a write after the session, to a closed pipe, must not crash either); returns the
 * function that removes `listener`.
 */
export function onOutputGone(listener: (gone: OutputGone) => void): () => void {
	install();
	listeners.add(listener);
	return () => void listeners.delete(listener);
}

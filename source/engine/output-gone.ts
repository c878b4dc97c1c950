// fanout's own output going away: the reader of its stdout quit (a pipe to `head`, a CI log
// collector that died: EPIPE) or its terminal was closed (EIO, often before the SIGHUP that
// follows is handled: a frame written, or Ink switching raw mode as a new screen mounts). Node
// reports that as an 'error' on process.stdout, process.stderr or (a terminal's) process.stdin,
// which, unhandled, went to the fault path as "a bug in fanout" (exit 70), or crashed with a
// stack trace outside a session. Here it is heard once per process and handed to the session,
// which stops the run as a hang-up does.

import {isatty} from 'node:tty';

/** Error codes that mean "nobody reads this stream any more", not a fault of fanout or the disk. */
const GONE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ENXIO', 'ERR_STREAM_DESTROYED']);

/** True when `error` says the stream's reader or terminal is gone. */
export function isOutputGone(error: unknown): boolean {
	const code = (error as {code?: unknown} | null)?.code;
	return typeof code === 'string' && GONE_CODES.has(code);
}

/** What the session hears: which stream went, and the system's word for it. */
export type OutputGone = {readonly stream: 'stdin' | 'stdout' | 'stderr'; readonly code: string};

const listeners = new Set<(gone: OutputGone) => void>();
let installed = false;

function install(): void {
	if (installed) return;
	installed = true;
	// stdin only when it is a terminal (raw mode fails with EIO once it is closed); reading the
	// getter of a redirected stdin would open it for nothing.
	const streams = isatty(0) ? (['stdin', 'stdout', 'stderr'] as const) : (['stdout', 'stderr'] as const);
	for (const name of streams) {
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
 * Calls `listener` when stdout or stderr goes away, or the terminal behind stdin. The process-wide handlers stay once
 * installed (a write after the session, to a closed pipe, must not crash either); returns the
 * function that removes `listener`.
 */
export function onOutputGone(listener: (gone: OutputGone) => void): () => void {
	install();
	listeners.add(listener);
	return () => void listeners.delete(listener);
}

// Writes tasks' sanitized output lines to a stream (headless mode): each line prefixed by
// its task id, padded to the widest id and coloured per task when colour is on, one write
// per batch of lines rather than per line.

import {Socket} from 'node:net';
import {renderLines} from './render.js';
import type {RenderScratch} from './render.js';
import {DEFAULT_MAX_LINE_CHARS, sanitizeLine, stripColour} from '../text/sanitize.js';

const RESET = '\u001b[0m';
/** Task colours, in order of first appearance; red is left for failures. */
const PALETTE = ['36', '35', '33', '34', '32', '96', '95', '93', '94', '92'];

/** Where a TaskOutput hands its sanitized lines, one call per chunk. */
export type LineBatchSink = {
	/**
	 * One chunk's lines in one write: `lead` (display lines, already sanitized), then the
	 * `count` raw whole lines of `chunk[start, end)`, sanitized here as they are prefixed.
	 * Returns false when the stream asks to slow down; wait for `drained()`.
	 */
	writeChunk(key: string, lead: readonly string[], chunk: Buffer, start: number, end: number, count: number): boolean;
	/** Display lines (sanitized, no newlines inside) in one write. */
	writeLines(key: string, lines: readonly string[]): boolean;
	drained(): Promise<void>;
};

export type HeadlessSinkOptions = {
	readonly color: boolean;
	/** Task ids known up front, so every prefix has its final width from the first line. */
	readonly keys?: readonly string[];
	/** Display cap per line (characters), as in the tails. */
	readonly maxLineChars?: number;
};

/** The headless line writer. */
export type HeadlessSink = LineBatchSink & {
	/** Registers ids (widening the prefix column if needed). */
	addKeys(keys: readonly string[]): void;
	/** The prefix written before each of `key`'s lines (with colour codes when colour is on). */
	prefixFor(key: string): string;
	/** A phase banner or other heading, on its own line. */
	banner(text: string): void;
	/** Unprefixed text of fanout's own (summary rows, reports), line by line, sanitized. */
	message(text: string): void;
};

/** Creates a sink writing to `stream` (stdout, or a file in benchmarks and tests). */
export function createHeadlessSink(stream: NodeJS.WritableStream, options: HeadlessSinkOptions): HeadlessSink {
	const {color} = options;
	const maxChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
	const order = new Map<string, number>();
	// The id comes from the plan, but it reaches a terminal: sanitized like any output.
	const labels = new Map<string, string>();
	const prefixes = new Map<string, string>();
	const prefixBytes = new Map<string, Buffer>();
	let width = 0;

	const addKeys = (keys: readonly string[]): void => {
		for (const key of keys) {
			if (order.has(key)) continue;
			order.set(key, order.size);
			const label = stripColour(sanitizeLine(key));
			labels.set(key, label);
			if (label.length > width) {
				width = label.length;
				prefixes.clear();
				prefixBytes.clear();
			}
		}
	};
	addKeys(options.keys ?? []);

	const prefixFor = (key: string): string => {
		let prefix = prefixes.get(key);
		if (prefix !== undefined) return prefix;
		addKeys([key]);
		const label = labels.get(key)!.padEnd(width);
		// With colour, the prefix starts with a reset: a line that left colour or bold on cannot
		// bleed into the next task's prefix, and no line has to be searched for escapes.
		prefix = color ? `${RESET}\u001b[${PALETTE[order.get(key)! % PALETTE.length]}m${label} |${RESET} ` : `${label} | `;
		prefixes.set(key, prefix);
		return prefix;
	};

	const write = (data: string | Buffer): boolean => stream.write(data);
	const drained = drainWaiter(stream);
	// One output buffer for every chunk: 64 KiB rendered per pipe read would otherwise be a new
	// off-heap allocation each time, and their sum (more than the output itself) drives V8 into
	// extra full collections. Reused only with a stream known to be done with a buffer when its
	// write returns with nothing queued; any other stream (a PassThrough hands the very buffer
	// on) gets a fresh one per chunk.
	const reusable = consumesAtOnce(stream);
	const scratch: RenderScratch = {buffer: undefined};
	const writeRendered = (rendered: Buffer): boolean => {
		const ok = stream.write(rendered);
		if (!reusable || (stream as {writableLength?: number}).writableLength !== 0) scratch.buffer = undefined;
		return ok;
	};

	const leadText = (prefix: string, lines: readonly string[]): string => {
		let text = '';
		for (const line of lines) text += `${prefix}${color ? line : stripColour(line)}\n`;
		return text;
	};

	const writeChunk = (key: string, lead: readonly string[], chunk: Buffer, start: number, end: number, count: number): boolean => {
		const prefix = prefixFor(key);
		let bytes = prefixBytes.get(key);
		if (bytes === undefined) {
			bytes = Buffer.from(prefix);
			prefixBytes.set(key, bytes);
		}
		if (count === 0) return lead.length === 0 ? true : write(leadText(prefix, lead));
		// A chunk nearly always starts by finishing a line held from the one before: rendered
		// into the same buffer, so the body is not copied again to join them.
		const head = lead.length > 0 ? Buffer.from(leadText(prefix, lead)) : undefined;
		return writeRendered(renderLines(chunk, start, end, count, {prefix: bytes, color, maxChars}, head, scratch));
	};

	return {
		addKeys,
		prefixFor,
		writeChunk,
		writeLines(key, lines) {
			return lines.length === 0 ? true : write(leadText(prefixFor(key), lines));
		},
		drained,
		banner(text) {
			const clean = stripColour(sanitizeLine(text));
			write(color ? `${RESET}\u001b[1m== ${clean} ==${RESET}\n` : `== ${clean} ==\n`);
		},
		message(text) {
			let out = '';
			for (const line of text.split('\n')) {
				const clean = sanitizeLine(line);
				out += color ? `${RESET}${clean}${clean.includes('\u001b') ? RESET : ''}\n` : `${stripColour(clean)}\n`;
			}
			write(out);
		},
	};
}

/**
 * True for the streams that copy or write a buffer before `write` returns unless they queue it:
 * stdout and stderr (a file's SyncWriteStream writes at once; a pipe or terminal is a socket)
 * and sockets, whose queued bytes count in `writableLength`.
 */
function consumesAtOnce(stream: NodeJS.WritableStream): boolean {
	return stream === process.stdout || stream === process.stderr || stream instanceof Socket;
}

/**
 * The wait for `stream` to drain, shared by every task waiting. 'drain' fires only after a write
 * returned false: do not wait for one that never comes.
 */
function drainWaiter(stream: NodeJS.WritableStream): () => Promise<void> {
	let drain: Promise<void> | undefined;
	return () => {
		if (!(stream as {writableNeedDrain?: boolean}).writableNeedDrain) return Promise.resolve();
		drain ??= new Promise(resolve => {
			stream.once('drain', () => {
				drain = undefined;
				resolve();
			});
		});
		return drain;
	};
}

/** One task output line as `--json --output-lines` prints it. */
export type TaskOutputEvent = {readonly type: 'task.output'; readonly at: number; readonly task: string; readonly line: string};

/**
 * The sink of `--json --output-lines`: every output line as one JSON event
 * `{"type":"task.output","at":MS,"task":KEY,"line":TEXT}` on its own line, between the journal's events.
 * The text is sanitized as on screen, colour dropped (a JSON reader wants text, not escapes).
 * A task's stdout and stderr share one pipe reader, so no stream is named.
 */
export function createJsonLinesSink(stream: NodeJS.WritableStream, options: {readonly maxLineChars?: number} = {}): LineBatchSink {
	const render = {prefix: Buffer.alloc(0), color: false, maxChars: options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS};
	const events = (key: string, lines: readonly string[]): string => {
		let text = '';
		const at = Date.now();
		for (const line of lines) text += `${JSON.stringify({type: 'task.output', at, task: key, line} satisfies TaskOutputEvent)}\n`;
		return text;
	};
	const write = (key: string, lines: readonly string[]): boolean => (lines.length === 0 ? true : stream.write(events(key, lines)));
	return {
		writeChunk(key, lead, chunk, start, end, count) {
			const lines = lead.map(line => stripColour(line));
			// renderLines gives `count` sanitized lines, each ending in a newline.
			if (count > 0) lines.push(...renderLines(chunk, start, end, count, render).toString('utf8').split('\n').slice(0, count));
			return write(key, lines);
		},
		writeLines(key, lines) {
			return write(key, lines.map(line => stripColour(line)));
		},
		drained: drainWaiter(stream),
	};
}

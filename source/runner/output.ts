// The per-task output pipeline and the store of every task's: bytes go unchanged to the log
// file (log-writer.ts), then through the line splitter to the raw-line callback (marker scan,
// agent parsers), the tail the UI samples (tail.ts), and optionally a headless sink.

import type {IoFailure} from './errors.js';
import type {OutputStore, OutputTail} from './types.js';
import type {LineBatchSink} from './headless-sink.js';
import {countNewlines, decodeLines, LineSplitter} from './lines.js';
import {DEFAULT_MAX_LINE_CHARS, displayLine} from '../text/sanitize.js';
import {LogIndex} from './log-index.js';
import {openLogWriter} from './log-writer.js';
import type {StallReason} from './log-writer.js';
import {Tail} from './tail.js';

export {DEFAULT_MAX_LINE_CHARS};

export type OpenOutputOptions = {
	/** Byte-exact log; appended to, so a retried or resumed task keeps its earlier output. */
	readonly logPath: string;
	/** Lines kept in the tail (default 500). */
	readonly maxLines?: number;
	readonly maxLineChars?: number;
	/** Cap on an unfinished line held in memory (bytes, default 1 MiB). */
	readonly maxHeldBytes?: number;
	/**
	 * Each complete line, unsanitized and uncapped (but at most `maxHeldBytes`), carriage-return
	 * rule applied. For the marker scan and agent parsers; must not throw.
	 */
	readonly onLine?: (rawLine: string) => void;
	/**
	 * When set, `onLine` gets only the lines containing this text (e.g. `FANOUT-NEEDS:`), and a
	 * chunk without it is never decoded for `onLine`: the marker scan then costs one byte search.
	 */
	readonly onLineMatch?: string;
	/**
	 * Turns each raw line into the lines to show (an agent adapter rendering JSON events); the
	 * tail and the sink then show these, sanitized, instead of the raw lines.
	 */
	readonly display?: (rawLine: string) => readonly string[];
	/** Receives the sanitized lines of each chunk in one call (headless output). */
	readonly sink?: LineBatchSink;
	/** How often a log waiting for disk space tries again (ms, default 1000). */
	readonly retryMs?: number;
};

export type {StallReason};

/** What the store tells the run about its logs. */
export type OutputStoreEvents = {
	/** A log's disk is full: the task's output is paused (back-pressure) until space frees up. */
	readonly onStall?: (key: string, failure: IoFailure) => void;
	/** The paused log could be written again: nothing was lost. */
	readonly onResume?: (key: string) => void;
	/** A log cannot be written for another reason than space: the run cannot go on as asked. */
	readonly onLogFailure?: (key: string, failure: IoFailure) => void;
};

/** One task's output: the writer end and the tail the UI reads. */
export type TaskOutput = OutputTail & {
	readonly key: string;
	/** Set when the log could not be written; display goes on, the log is incomplete. */
	readonly logError: string | undefined;
	/** Set while the log waits for disk space: the task's output is paused, nothing is dropped. */
	readonly stalled: StallReason | undefined;
	/**
	 * Stops waiting for disk space (the run is stopping): what could not be written is counted as
	 * cut, `drained()` resolves, and later bytes go to the tail only.
	 */
	giveUp(): void;
	/** Resolves once no byte waits for disk space (at once when none does). */
	logWritten(): Promise<void>;
	/**
	 * Takes a chunk of the task's stdout/stderr. The chunk is kept by reference until later
	 * chunks push it out of the tail: do not reuse its memory. Returns false when the sink asks
	 * the producer to slow down (pause the pipes until `drained()`).
	 */
	write(chunk: Buffer): boolean;
	drained(): Promise<void>;
	/** Flushes the unfinished line and closes the log. Later writes are ignored. */
	end(): Promise<void>;
	readonly ended: boolean;
};

/** The OutputStore plus the means to open tails; one per run. */
export type TaskOutputStore = OutputStore & {
	/** Opens (or reopens, for a retry) the output of `key`; throws when the log cannot be opened. */
	open(key: string, options: OpenOutputOptions): TaskOutput;
	get(key: string): TaskOutput | undefined;
	keys(): string[];
	/** Why some task's output is paused now (the header shows it), or undefined. */
	readonly stalled: StallReason | undefined;
	/** Every paused log gives up waiting (see TaskOutput.giveUp): the run is stopping. */
	giveUpStalls(): void;
};

/** Creates an empty store. */
export function createOutputStore(events: OutputStoreEvents = {}): TaskOutputStore {
	const outputs = new Map<string, TaskOutput>();
	let total = 0;
	const bump = (): void => {
		total++;
	};
	return {
		get: (key) => outputs.get(key),
		get version() {
			return total;
		},
		keys: () => [...outputs.keys()],
		get stalled() {
			for (const output of outputs.values()) if (output.stalled) return output.stalled;
			return undefined;
		},
		giveUpStalls() {
			for (const output of outputs.values()) output.giveUp();
		},
		openLog(key) {
			const output = outputs.get(key);
			return output ? LogIndex.open(output.logPath) : {error: `no log for ${key}`};
		},
		open(key, options) {
			// A reopened key starts above the old version so panes see the change.
			const previous = outputs.get(key)?.version ?? 0;
			const output = openTaskOutput(key, options, previous, bump, events);
			outputs.set(key, output);
			bump();
			return output;
		},
	};
}

function openTaskOutput(key: string, options: OpenOutputOptions, startVersion: number, onChange: () => void, events: OutputStoreEvents): TaskOutput {
	const {logPath, onLine, sink, display} = options;
	const match = options.onLineMatch;
	const matchBytes = match === undefined ? undefined : Buffer.from(match);
	const maxChars = Math.max(8, options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
	const toDisplay = (line: string): string => displayLine(line, maxChars);
	const tail = new Tail(options.maxLines, toDisplay);
	const splitter = new LineSplitter({maxHeldBytes: options.maxHeldBytes});
	let version = startVersion;
	let bytes = 0;
	let lineCount = 0;
	let ended = false;
	let heldVersion = 0;
	let partialCache: {version: number; line: string | undefined} | undefined;
	let pressured = false;

	const changed = (): void => {
		version++;
		onChange();
	};

	const log = openLogWriter(logPath, options.retryMs ?? 1000, {
		onStall(failure) {
			changed();
			events.onStall?.(key, failure);
		},
		onResume(gaveUp) {
			changed();
			if (!gaveUp) events.onResume?.(key);
		},
		onFailure: failure => events.onLogFailure?.(key, failure),
	});

	const take = (chunk: Buffer, first: string | undefined, start: number, end: number): number => {
		const count = end > start ? countNewlines(chunk, start, end) : 0;
		if (first === undefined && count === 0) return 0;
		const total = count + (first === undefined ? 0 : 1);
		if (display) {
			// Adapter output is small: line by line, no fast path needed.
			const raw = first === undefined ? decodeLines(chunk, start, end) : [first, ...decodeLines(chunk, start, end)];
			const shown: string[] = [];
			for (const line of raw) {
				onLine?.(line);
				for (const out of display(line)) shown.push(toDisplay(out));
			}
			tail.pushShown(shown);
			if (sink && !sink.writeLines(key, shown)) pressured = true;
			lineCount += total;
			return total;
		}
		if (onLine) {
			if (first !== undefined && (match === undefined || first.includes(match))) onLine(first);
			if (count > 0 && (matchBytes === undefined || chunk.subarray(start, end).includes(matchBytes))) {
				for (const line of decodeLines(chunk, start, end)) if (match === undefined || line.includes(match)) onLine(line);
			}
		}
		if (sink && !sink.writeChunk(key, first === undefined ? [] : [toDisplay(first)], chunk, start, end, count)) pressured = true;
		if (first !== undefined) tail.add(first, 1);
		if (count > 0) tail.add(chunk.subarray(start, end), count);
		lineCount += total;
		return total;
	};

	return {
		key,
		logPath,
		get version() {
			return version;
		},
		get bytes() {
			return bytes;
		},
		get lineCount() {
			return lineCount;
		},
		get logError() {
			return log.error;
		},
		get stalled() {
			return log.stalled;
		},
		giveUp: () => log.giveUp(),
		get ended() {
			return ended;
		},
		lines(max = tail.capacity) {
			if (splitter.heldVersion !== partialCache?.version) {
				const raw = splitter.partial(maxChars * 4);
				partialCache = {version: splitter.heldVersion, line: raw === undefined ? undefined : toDisplay(raw)};
			}
			// An adapter's unfinished raw line (half a JSON event) means nothing to a reader.
			const partial = display ? undefined : partialCache.line;
			if (partial === undefined || partial === '') return tail.lines(max);
			if (max <= 0) return [];
			const lines = tail.lines(max - 1);
			lines.push(partial);
			return lines;
		},
		write(chunk) {
			if (ended || chunk.length === 0) return true;
			if (!log.write(chunk)) pressured = true;
			bytes += chunk.length;
			const {first, start, end} = splitter.push(chunk);
			const count = take(chunk, first, start, end);
			if (count > 0 || splitter.heldVersion !== heldVersion) {
				heldVersion = splitter.heldVersion;
				changed();
			}
			if (pressured) {
				pressured = false;
				return false;
			}
			return true;
		},
		logWritten: () => log.written(),
		drained() {
			const written = log.written();
			return sink ? Promise.all([written, sink.drained()]).then(() => undefined) : written;
		},
		end() {
			if (!ended) {
				ended = true;
				const last = splitter.flush();
				if (last !== undefined) take(Buffer.alloc(0), last, 0, 0);
				// A last try for bytes still waiting for space; what stays unwritten is noted as cut.
				log.close();
				changed();
			}
			return Promise.resolve();
		},
	};
}

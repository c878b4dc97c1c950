// The per-task output pipeline: bytes go unchanged to the log file, then through the line
// splitter to the raw-line callback (marker scan, agent parsers), the sanitizer, the ring
// buffer the UI samples, and optionally a headless sink.

import {closeSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {isOutOfSpace, IoFailure} from './errors.js';
import {dirname} from 'node:path';
import type {OutputStore, OutputTail} from './types.js';
import type {LineBatchSink} from './headless-sink.js';
import {countNewlines, decodeLines, LineSplitter} from './lines.js';
import {Ring, DEFAULT_RING_SIZE} from './ring.js';
import {DEFAULT_MAX_LINE_CHARS, displayLine} from '../text/sanitize.js';
import {LogIndex} from './log-index.js';

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

/** Why a task's output is paused: its log waits for disk space. */
export type StallReason = 'disk full';

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

/** Lines a pending tail item holds: whole lines of a chunk, or one decoded line. */
type PendingItem = {readonly item: Buffer | string; readonly count: number};

/** Biggest region kept whole for the tail; larger ones are cut to their last lines first. */
const MAX_PENDING_REGION = 256 * 1024;

function openTaskOutput(key: string, options: OpenOutputOptions, startVersion: number, onChange: () => void, events: OutputStoreEvents): TaskOutput {
	const {logPath, onLine, sink, display} = options;
	const match = options.onLineMatch;
	const matchBytes = match === undefined ? undefined : Buffer.from(match);
	const maxChars = Math.max(8, options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS);
	const ring = new Ring<string>(options.maxLines ?? DEFAULT_RING_SIZE);
	const splitter = new LineSplitter({maxHeldBytes: options.maxHeldBytes});
	let fd: number | undefined;
	try {
		mkdirSync(dirname(logPath), {recursive: true});
		fd = openSync(logPath, 'a');
	} catch (error) {
		throw new Error(`cannot open log ${logPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {cause: error});
	}
	let version = startVersion;
	let bytes = 0;
	let lineCount = 0;
	let logError: string | undefined;
	let ended = false;
	let heldVersion = 0;
	let partialCache: {version: number; line: string | undefined} | undefined;
	let pressured = false;

	const toDisplay = (line: string): string => displayLine(line, maxChars);

	const changed = (): void => {
		version++;
		onChange();
	};

	// Synchronous writes: order is kept without queueing, memory cannot pile up behind a slow
	// disk (the pipe simply waits), and a kill -9 of fanout loses nothing already read.
	// A full disk pauses the log instead: the unwritten bytes wait here (write() returns false, so
	// the producer stops reading the pipe and the task blocks on it) and are written, in order,
	// once a retry finds space. Nothing is dropped unless the run gives up (giveUp).
	let unwritten: Buffer[] = [];
	let written = 0;
	let stalled: StallReason | undefined;
	let retryTimer: NodeJS.Timeout | undefined;
	let gaveUp = false;
	let lost = 0;
	let logWaiters: Array<() => void> = [];
	const retryMs = options.retryMs ?? 1000;

	/** Writes what waits, then `chunk`; false when the disk is full (the rest waits in `unwritten`). */
	const writeLog = (chunk?: Buffer): boolean => {
		if (chunk) {
			if (gaveUp || fd === undefined) {
				if (gaveUp) lost += chunk.length;
				return true;
			}
			unwritten.push(chunk);
		}
		while (unwritten.length > 0 && fd !== undefined) {
			const next = unwritten[0]!;
			let offset = 0;
			try {
				while (offset < next.length) offset += writeSync(fd, next, offset, next.length - offset);
			} catch (error) {
				written += offset;
				unwritten[0] = next.subarray(offset);
				const failure = new IoFailure(error, logPath, 'writing');
				if (isOutOfSpace(error)) return false;
				logError = `cannot write log ${logPath}: ${failure.code ?? String(error)}`;
				lost += unwritten.reduce((sum, b) => sum + b.length, 0);
				unwritten = [];
				closeQuietly();
				events.onLogFailure?.(key, failure);
				return true;
			}
			written += next.length;
			unwritten.shift();
		}
		return true;
	};

	const stall = (): void => {
		if (stalled) return;
		stalled = 'disk full';
		changed();
		events.onStall?.(key, new IoFailure(Object.assign(new Error('no space left on device'), {code: 'ENOSPC'}), logPath, 'writing'));
		const retry = (): void => {
			retryTimer = undefined;
			if (gaveUp) return;
			if (writeLog()) unstall();
			else retryTimer = setTimeout(retry, retryMs);
		};
		retryTimer = setTimeout(retry, retryMs);
	};

	const unstall = (): void => {
		if (!stalled) return;
		stalled = undefined;
		if (retryTimer) clearTimeout(retryTimer);
		retryTimer = undefined;
		changed();
		if (!gaveUp) events.onResume?.(key);
		const waiters = logWaiters;
		logWaiters = [];
		for (const wake of waiters) wake();
	};

	const logWritten = (): Promise<void> => (stalled ? new Promise<void>(resolve => logWaiters.push(resolve)) : Promise.resolve());

	/** Where the log was cut, written into the log itself when the disk lets it (best effort). */
	const noteCut = (): void => {
		lost += unwritten.reduce((sum, b) => sum + b.length, 0);
		unwritten = [];
		if (lost === 0) return;
		logError = `log cut after ${written} bytes: ${lost} bytes of output were not written (the disk was full)`;
		if (fd === undefined) return;
		try {
			writeSync(fd, `\n[fanout: this log was cut here (after ${written} bytes): the disk was full and ${lost} bytes of output were not written]\n`);
		} catch {
			// The disk is still full: the journal, the summary and the message say it instead.
		}
	};

	const closeQuietly = (): void => {
		if (fd === undefined) return;
		try {
			closeSync(fd);
		} catch {
			// Already unusable; nothing more to lose.
		}
		fd = undefined;
	};

	// The tail is decoded only when read (at most a frame rate), not per chunk: until then it is
	// the raw regions that can still hold one of its last lines.
	let pending: PendingItem[] = [];
	let pendingLines = 0;
	const addPending = (item: Buffer | string, count: number): void => {
		if (typeof item !== 'string' && item.length > MAX_PENDING_REGION && count > ring.capacity) {
			let cut = item.length - 1;
			for (let k = 0; k < ring.capacity; k++) cut = item.lastIndexOf(10, cut - 1);
			item = item.subarray(cut + 1);
			count = ring.capacity;
		}
		pending.push({item, count});
		pendingLines += count;
		while (pending.length > 1 && pendingLines - pending[0]!.count >= ring.capacity) pendingLines -= pending.shift()!.count;
	};
	const materialize = (): void => {
		for (const {item} of pending) {
			const lines = typeof item === 'string' ? [item] : decodeLines(item, 0, item.length);
			const from = Math.max(0, lines.length - ring.capacity);
			for (let i = from; i < lines.length; i++) ring.push(toDisplay(lines[i]!));
		}
		pending = [];
		pendingLines = 0;
	};

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
			ring.pushAll(shown);
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
		if (first !== undefined) addPending(first, 1);
		if (count > 0) addPending(chunk.subarray(start, end), count);
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
			return logError;
		},
		get stalled() {
			return stalled;
		},
		giveUp() {
			if (gaveUp) return;
			gaveUp = true;
			noteCut();
			unstall();
		},
		get ended() {
			return ended;
		},
		lines(max = ring.capacity) {
			if (pending.length > 0) materialize();
			if (splitter.heldVersion !== partialCache?.version) {
				const raw = splitter.partial(maxChars * 4);
				partialCache = {version: splitter.heldVersion, line: raw === undefined ? undefined : toDisplay(raw)};
			}
			// An adapter's unfinished raw line (half a JSON event) means nothing to a reader.
			const partial = display ? undefined : partialCache.line;
			if (partial === undefined || partial === '') return ring.toArray(max);
			if (max <= 0) return [];
			const lines = ring.toArray(max - 1);
			lines.push(partial);
			return lines;
		},
		write(chunk) {
			if (ended || chunk.length === 0) return true;
			if (!writeLog(chunk)) {
				stall();
				pressured = true;
			}
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
		logWritten,
		drained() {
			const log = logWritten();
			return sink ? Promise.all([log, sink.drained()]).then(() => undefined) : log;
		},
		end() {
			if (!ended) {
				ended = true;
				const last = splitter.flush();
				if (last !== undefined) take(Buffer.alloc(0), last, 0, 0);
				// A last try for bytes still waiting for space; what stays unwritten is noted as cut.
				if (!writeLog()) noteCut();
				if (retryTimer) clearTimeout(retryTimer);
				retryTimer = undefined;
				stalled = undefined;
				for (const wake of logWaiters.splice(0)) wake();
				closeQuietly();
				changed();
			}
			return Promise.resolve();
		},
	};
}

// The run journal on disk: `.fanout/runs/<run-id>/` with the plan as run, an append-only
// events.jsonl, the logs folder and summary.json; plus reading runs back for `runs` and `resume`.

import {closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {dirname, join} from 'node:path';
import {parse as parseYaml} from 'yaml';
import {withIo} from './errors.js';
import {writeFileSafely} from './safe-write.js';

/** One journal line: any event object, stamped with an ISO time. */
export type JournalEvent = {readonly type: string; readonly time: string; readonly [field: string]: unknown};

export type RunStatus = 'finished' | 'unfinished';

/** One run, as `fanout runs` lists it. */
export type RunListing = {
	readonly id: string;
	readonly dir: string;
	readonly planName: string | undefined;
	/** ISO time of run.started (or the first event). */
	readonly started: string | undefined;
	readonly status: RunStatus;
	/** The outcome recorded by run.finished, when there is one. */
	readonly outcome: string | undefined;
	readonly ok: number;
	readonly failed: number;
	/** Tasks whose last word was a skip (by policy, by the user, or after a failure). */
	readonly skipped: number;
	/** Whether `fanout resume` can continue it: see isResumable. */
	readonly resumable: boolean;
};

/** A process group a run started and never saw exit: `resume` kills it first. */
export type OpenGroup = {readonly taskId: string | undefined; readonly pid: number; readonly pgid: number};

/** `.fanout/runs` of a workspace. */
export function runsDir(workspace: string): string {
	return join(workspace, '.fanout', 'runs');
}

let lastMs = 0;

/**
 * A new run id: UTC time to the millisecond plus a random suffix, e.g.
 * `20261127-175803-123-3fa9`. Sorts by time as a string; safe as a file name everywhere. Ids
 * made by one process within the same millisecond take the next millisecond, so they still
 * sort in creation order.
 */
export function newRunId(now: Date = new Date()): string {
	const given = now.getTime();
	// Only near-simultaneous ids are nudged; an explicit date far from the last one is kept.
	const ms = given <= lastMs && lastMs - given < 1000 ? lastMs + 1 : given;
	lastMs = ms;
	const iso = new Date(ms).toISOString(); // 2026-11-27T17:58:03.123Z
	const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}-${iso.slice(20, 23)}`;
	return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Creates `.fanout/runs/<runId>/` with plan.yaml and logs/, and `.fanout/.gitignore` (`*`) so
 * the folder never shows in git status. Returns the run folder. Throws an IoFailure (path and
 * action named: errors.ts words it) when the disk refuses.
 */
export function createRunDir(workspace: string, runId: string, planYamlText: string): string {
	const fanoutDir = join(workspace, '.fanout');
	const dir = join(fanoutDir, 'runs', runId);
	const logs = join(dir, 'logs');
	withIo(logs, 'creating', () => makeFolders(logs));
	const ignore = join(fanoutDir, '.gitignore');
	if (!existsSync(ignore)) withIo(ignore, 'writing', () => writeFileSync(ignore, '*\n'));
	const plan = join(dir, 'plan.yaml');
	withIo(plan, 'writing', () => writeFileSync(plan, planYamlText));
	return dir;
}

/**
 * mkdir -p that fails with the real reason: a recursive mkdir on a read-only or forbidden parent
 * reports ENOENT, so the first missing folder is made alone to learn why.
 */
function makeFolders(path: string): void {
	try {
		mkdirSync(path, {recursive: true});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		let missing = path;
		while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
		mkdirSync(missing); // throws EROFS, EACCES... when that is the reason
		throw error;
	}
}

/** Path of a task's byte-exact log. Task ids are plan identifiers; anything else is replaced. */
export function logPathFor(runDir: string, key: string): string {
	return join(runDir, 'logs', `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
}

/** Open journals of this process, by run folder: one descriptor each, opened at the first append. */
const openJournals = new Map<string, number>();

/**
 * Appends one event (with a `time` field unless it has one) as a JSON line. Synchronous (one
 * write on a descriptor kept open for the run), so an event once reported survives a kill -9 of
 * fanout. A failed write (a full disk) throws an IoFailure naming the journal; the line may then
 * be torn, which readEvents skips, and the next append starts on a fresh line.
 */
export function appendEvent(runDir: string, event: {readonly type: string; readonly [field: string]: unknown}): JournalEvent {
	const file = join(runDir, 'events.jsonl');
	const stamped: JournalEvent = {time: new Date().toISOString(), ...event};
	withIo(file, 'writing', () => {
		let fd = openJournals.get(runDir);
		let prefix = '';
		if (fd === undefined) {
			fd = openSync(file, 'a+');
			// A journal torn by a kill mid-write ends without a newline: start on a fresh line so this
			// event is not glued to the fragment. Checked once per opening: every line written
			// through this descriptor ends with one.
			prefix = endsMidLine(fd) ? '\n' : '';
			openJournals.set(runDir, fd);
		}
		const bytes = Buffer.from(`${prefix}${JSON.stringify(stamped)}\n`);
		try {
			for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
		} catch (error) {
			// Torn, perhaps: the next append opens again and checks the end.
			closeJournal(runDir);
			throw error;
		}
	});
	return stamped;
}

/** Closes the run's journal descriptor (the next append opens it again). Never throws. */
export function closeJournal(runDir: string): void {
	const fd = openJournals.get(runDir);
	if (fd === undefined) return;
	openJournals.delete(runDir);
	try {
		closeSync(fd);
	} catch {
		// Already closed: nothing to release.
	}
}

function endsMidLine(fd: number): boolean {
	const size = fstatSync(fd).size;
	if (size === 0) return false;
	const last = Buffer.alloc(1);
	readSync(fd, last, 0, 1, size - 1);
	return last[0] !== 10;
}

/** Reads a journal back; lines that do not parse (a torn last line) are skipped. */
export function readEvents(runDir: string): JournalEvent[] {
	let text: string;
	try {
		text = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
	} catch {
		return [];
	}
	const events: JournalEvent[] = [];
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		try {
			const value: unknown = JSON.parse(line);
			if (value && typeof value === 'object' && typeof (value as {type?: unknown}).type === 'string') events.push(value as JournalEvent);
		} catch {
			// Torn by a kill mid-write: everything before it is intact.
		}
	}
	return events;
}

/** Writes summary.json atomically (temp file, then rename); an IoFailure when the disk refuses. */
export function writeSummary(runDir: string, summary: unknown): void {
	const file = join(runDir, 'summary.json');
	withIo(file, 'writing', () => writeFileSafely(file, `${JSON.stringify(summary, null, 2)}\n`));
}

/** Reads summary.json, or undefined. */
export function readSummary(runDir: string): unknown {
	try {
		return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}

/** Each task's latest outcome in a journal: a retried or resumed task counts once, as it last ended. */
export function taskOutcomes(events: readonly JournalEvent[]): Map<string, string> {
	const outcomes = new Map<string, string>();
	for (const event of events) {
		if (event.type === 'task.started' && typeof event.taskId === 'string') outcomes.set(event.taskId, 'running');
		if (event.type === 'task.skipped' && typeof event.taskId === 'string') outcomes.set(event.taskId, 'skipped');
		if (event.type === 'task.exited' && typeof event.taskId === 'string' && typeof event.outcome === 'string') {
			outcomes.set(event.taskId, event.outcome);
		}
	}
	return outcomes;
}

/** Process groups started (task.started with a pgid or pid) whose task.exited never came. */
export function openGroups(events: readonly JournalEvent[]): OpenGroup[] {
	const open = new Map<string, OpenGroup>();
	for (const event of events) {
		const taskId = typeof event.taskId === 'string' ? event.taskId : undefined;
		const key = taskId ?? String(event.pgid ?? event.pid);
		if (event.type === 'task.started') {
			const pid = typeof event.pid === 'number' ? event.pid : undefined;
			const pgid = typeof event.pgid === 'number' ? event.pgid : pid;
			if (pid !== undefined && pgid !== undefined) open.set(key, {taskId, pid, pgid});
		} else if (event.type === 'task.exited') {
			open.delete(key);
		}
	}
	return [...open.values()];
}

/** Summarises one run folder. */
export function describeRun(dir: string, id: string): RunListing {
	const events = readEvents(dir);
	const startedEvent = events.find((event) => event.type === 'run.started');
	const finishedEvent = lastWhere(events, (event) => event.type === 'run.finished');
	let ok = 0;
	let failed = 0;
	let skipped = 0;
	for (const outcome of taskOutcomes(events).values()) {
		if (outcome === 'passed') ok++;
		else if (outcome === 'failed') failed++;
		else if (outcome === 'skipped') skipped++;
	}
	const status: RunStatus = finishedEvent ? 'finished' : 'unfinished';
	const outcome = typeof finishedEvent?.outcome === 'string' ? finishedEvent.outcome : undefined;
	return {
		id,
		dir,
		planName: planNameOf(dir, startedEvent),
		started: startedEvent?.time ?? events[0]?.time,
		status,
		outcome,
		ok,
		failed,
		skipped,
		resumable: isResumable({status, outcome}),
	};
}

/**
 * The one definition of a resumable run, shared by the start screen and `fanout runs` (and the
 * rule `fanout resume RUN_ID` applies): a run that never finished (killed), or that finished
 * without passing (failed, aborted, stopped on a conflict, interrupted). A run that passed has
 * nothing left to do.
 */
export function isResumable(run: Pick<RunListing, 'status' | 'outcome'>): boolean {
	return run.status === 'unfinished' || (run.outcome !== undefined && run.outcome !== 'passed');
}

/** The runs of a workspace, newest first (what a person looks for), at most `limit` of them. */
export function recentRuns(workspace: string, limit = Number.POSITIVE_INFINITY): RunListing[] {
	return listRuns(workspace).reverse().slice(0, limit);
}

/** Every run of a workspace, oldest first. */
export function listRuns(workspace: string): RunListing[] {
	const root = runsDir(workspace);
	let ids: string[];
	try {
		ids = readdirSync(root, {withFileTypes: true})
			.filter((entry) => entry.isDirectory())
			.map((entry) => entry.name);
	} catch {
		return [];
	}
	return ids.sort().map((id) => describeRun(join(root, id), id));
}

/**
 * The newest run without a run.finished event. (`fanout resume` picks with a wider rule, which
 * also takes runs ended on an open conflict or a signal: latestResumableRun in the run command.)
 */
export function latestUnfinishedRun(workspace: string): RunListing | undefined {
	return lastWhere(listRuns(workspace), (run) => run.status === 'unfinished');
}

// Array.prototype.findLast is ES2023; the project targets ES2022.
function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
	for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
	return undefined;
}

function planNameOf(dir: string, started: JournalEvent | undefined): string | undefined {
	for (const field of ['planName', 'plan'] as const) {
		const value = started?.[field];
		if (typeof value === 'string') return value;
	}
	try {
		const plan: unknown = parseYaml(readFileSync(join(dir, 'plan.yaml'), 'utf8'));
		const name = (plan as {name?: unknown} | null)?.name;
		return typeof name === 'string' ? name : undefined;
	} catch {
		return undefined;
	}
}

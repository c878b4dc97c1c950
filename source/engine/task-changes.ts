// What each task changed, for the screens (`d`, the files columns) and the headless summary:
// read back from the run folder (the last `task.changes` journal entry of the task and its
// patch in `diffs/`), and, in shared mode in a git repository, recorded at the task's end by
// diffing the task's owned paths (and the stray files it was seen to touch) against a snapshot
// taken when its phase started. Worktree isolation records its own entries; this recorder is
// only for the shared working tree, where the diff is an honest approximation (another task's
// write to the same path in the same phase would show too, which ownership rules out).

import {copyFileSync, existsSync, readFileSync, rmSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import type {JournalEntry} from '../machine/journal-events.js';
import type {OrchestratorContext} from '../machine/types.js';
import {git} from '../runner/git/exec.js';
import {changesFromDiff, toRepoPath} from '../runner/git/diff-parse.js';
import {patchPath, writePatch} from '../runner/git/diff.js';
import {fanoutGitDir} from '../runner/git/repo.js';
import {takeSnapshot} from '../runner/git/snapshot.js';
import type {RepoFacts, TaskFileChange} from '../runner/git/types.js';
import {appendEvent, readEvents} from '../runner/journal.js';

/** A task's recorded changes: one record per file, and the unified patch. */
export type TaskChanges = {readonly files: readonly TaskFileChange[]; readonly patch: string};

/** The journal entry a task's changes are recorded in (worktree isolation writes the same). */
export type TaskChangesEntry = {readonly type: 'task.changes'; readonly at: number; readonly task: string; readonly files: readonly TaskFileChange[]};

/** Each task's last recorded `task.changes` files, from one pass over the journal. */
function indexTaskChanges(runDir: string): Map<string, readonly TaskFileChange[]> {
	const index = new Map<string, readonly TaskFileChange[]>();
	for (const event of readEvents(runDir)) {
		if (event.type === 'task.changes' && typeof event['task'] === 'string' && Array.isArray(event['files'])) index.set(event['task'], event['files'] as TaskFileChange[]);
	}
	return index;
}

/** The patch of `taskId` in the run folder, '' when it is missing or unreadable (the file list still shows). */
function readPatch(runDir: string, taskId: string): string {
	const path = patchPath(runDir, taskId);
	try {
		return existsSync(path) ? readFileSync(path, 'utf8') : '';
	} catch {
		return '';
	}
}

/**
 * The last recorded changes of `taskId` in the run folder `runDir`, with its patch ('' when
 * the patch file is missing); undefined when nothing was recorded (yet).
 */
export function readTaskChanges(runDir: string, taskId: string): TaskChanges | undefined {
	const files = indexTaskChanges(runDir).get(taskId);
	return files === undefined ? undefined : {files, patch: readPatch(runDir, taskId)};
}

/**
 * A reader over the run folder: the journal is read once (one pass finds every task's record),
 * until `forget` (a new record: of one task, or of any), so a summary asking for 200 tasks
 * reads it once, not 200 times.
 */
export function createTaskChangesReader(runDir: string): {read(taskId: string): TaskChanges | undefined; forget(taskId?: string): void} {
	let index: Map<string, readonly TaskFileChange[]> | undefined;
	const cache = new Map<string, TaskChanges>();
	return {
		read(taskId) {
			const known = cache.get(taskId);
			if (known) return known;
			index ??= indexTaskChanges(runDir);
			const files = index.get(taskId);
			if (files === undefined) return undefined;
			const found = {files, patch: readPatch(runDir, taskId)};
			cache.set(taskId, found);
			return found;
		},
		forget(taskId) {
			index = undefined;
			if (taskId === undefined) cache.clear();
			else cache.delete(taskId);
		},
	};
}

type RecorderOptions = {
	readonly workspace: string;
	readonly runDir: string;
	/** The run's context now (the task's owned globs and the files it was seen to touch). */
	readonly context: () => OrchestratorContext | undefined;
	/** Told of each entry recorded (after it is appended to the journal): --json prints it. */
	readonly onRecorded?: (entry: TaskChangesEntry) => void;
};

/** Git's diff flags that make the output the same whatever the user's config says. */
const DIFF_FLAGS = ['--no-ext-diff', '--no-textconv', '--no-color', '--src-prefix=a/', '--dst-prefix=b/'];

/**
 * Records `task.changes` for tasks of a shared working tree in a git repository. Feed it every
 * journal entry; `settled()` resolves once every snapshot and recording started so far is done.
 * Outside a git repository (or with no commit) it records nothing.
 */
export function createSharedChangeRecorder(options: RecorderOptions): {note(entry: JournalEntry): void; settled(): Promise<void>} {
	const {workspace, runDir} = options;
	const phaseSnapshots = new Map<number, Promise<{commit: string; facts: RepoFacts} | undefined>>();
	const pending = new Set<Promise<void>>();
	const track = (work: Promise<void>) => {
		pending.add(work);
		void work.finally(() => pending.delete(work));
	};
	const snapshotOf = (phaseIndex: number) => {
		let snapshot = phaseSnapshots.get(phaseIndex);
		if (!snapshot) {
			snapshot = takeSnapshot(workspace).then(
				result => (result.ok ? {commit: result.value.commit, facts: result.value.facts} : undefined),
				() => undefined,
			);
			phaseSnapshots.set(phaseIndex, snapshot);
		}
		return snapshot;
	};
	const record = async (taskId: string): Promise<void> => {
		const context = options.context();
		const run = context?.tasks[taskId];
		if (!context || !run) return;
		const task = context.plan.phases[run.phaseIndex]?.tasks.find(t => t.id === taskId);
		const snapshot = await snapshotOf(run.phaseIndex);
		if (!task || !snapshot) return;
		const {facts, commit} = snapshot;
		const pathspecs = [
			...task.owns.map(glob => `:(glob,top)${toRepoPath(glob, facts.prefix)}`),
			...run.changedFiles.map(path => `:(literal,top)${toRepoPath(path, facts.prefix)}`),
			`:(exclude,literal,top)${facts.prefix}.fanout`,
		];
		const diff = await diffAgainst(facts, commit, pathspecs);
		if (!diff) return;
		writePatch(patchPath(runDir, taskId), diff.patch);
		const entry: TaskChangesEntry = {type: 'task.changes', at: Date.now(), task: taskId, files: diff.files};
		appendEvent(runDir, entry);
		options.onRecorded?.(entry);
	};
	return {
		note(entry) {
			if (entry.type === 'phase.awaiting' || entry.type === 'phase.started') track(snapshotOf(entry.phaseIndex).then(() => undefined));
			else if (entry.type === 'task.exited') track(record(entry.taskId).catch(() => undefined));
		},
		async settled() {
			while (pending.size > 0) await Promise.all([...pending]);
		},
	};
}

/** The diff of the workspace's current files under `pathspecs` against `commit`, with a private index. */
async function diffAgainst(facts: RepoFacts, commit: string, pathspecs: readonly string[]): Promise<TaskChanges | undefined> {
	const indexFile = join(fanoutGitDir(facts), `index-changes-${process.pid}-${randomBytes(4).toString('hex')}`);
	try {
		const userIndex = join(facts.gitDir, 'index');
		const env = {GIT_INDEX_FILE: indexFile};
		if (existsSync(userIndex)) copyFileSync(userIndex, indexFile);
		else if (!(await git(['read-tree', commit], {cwd: facts.top, env})).ok) return undefined;
		// `add -A` fails on a pathspec that matches nothing (an owned folder not made yet): each
		// one is added on its own. Not with the exclusion: beside a glob, it made git skip new
		// files (git 2.x, checked); the diff below leaves .fanout out instead.
		for (const spec of pathspecs.filter(p => !p.startsWith(':(exclude'))) await git(['add', '-A', '--', spec], {cwd: facts.top, env});
		const base = ['diff', '--cached', '-M', ...DIFF_FLAGS];
		const [raw, numstat, patch] = await Promise.all([
			git([...base, '--raw', '-z', '--no-abbrev', commit, '--', ...pathspecs], {cwd: facts.top, env}),
			git([...base, '--numstat', '-z', commit, '--', ...pathspecs], {cwd: facts.top, env}),
			git([...base, '--patch', commit, '--', ...pathspecs], {cwd: facts.top, env}),
		]);
		if (!raw.ok || !numstat.ok || !patch.ok) return undefined;
		return {files: changesFromDiff(raw.value, numstat.value, facts.prefix), patch: patch.value};
	} finally {
		rmSync(indexFile, {force: true});
	}
}

// Journal -> RunReport: one pass over a run's events.jsonl, plus what the run folder holds
// (log tails, patches), handed in as functions so this stays pure and testable.

import {foldJournal} from '../machine/journal-events.js';
import type {JournalEntry} from '../machine/journal-events.js';
import {parallelSpeedup} from '../machine/selectors.js';
import {exitCodeOf} from '../machine/exit-code.js';
import type {ConflictHow, RunOutcome} from '../machine/types.js';
import type {Plan, TaskStatus} from '../plan/types.js';
import type {JournalEvent} from '../runner/journal.js';
import {sanitizeLine, stripColour} from '../text/sanitize.js';
import {criticalPath} from './critical-path.js';
import {planChanges} from './plan-changes.js';
import {REPORT_VERSION} from './types.js';
import type {ConflictSeen, ReportAttempt, ReportConflict, ReportFile, ReportPhase, ReportRevision, ReportTask, ReportVerify, ReportWait, RunReport, TaskFileChange} from './types.js';

/** What the report needs from the run folder besides the journal. */
export type RunFolder = {
	readonly runId: string;
	/** Workspace-relative (or absolute) path of the run folder, for the paths the report shows. */
	readonly runDir: string;
	/** The last lines of a log (`logs/<key>.log`), undecoded; undefined when there is no log. */
	readonly logTail: (key: string) => readonly string[] | undefined;
	/** Workspace-relative path of `diffs/<task>.patch`, when it exists. */
	readonly diffOf: (taskId: string) => string | undefined;
	readonly logPathOf: (key: string) => string;
};

/** `task.changes`: written by the isolation work at a task's end; absent from older runs. */
type TaskChangesEntry = {type: 'task.changes'; at?: number; task: string; files: readonly TaskFileChange[]};

const seenWords: Record<ConflictHow, ConflictSeen> = {
	declared: 'declared',
	watcher: 'watcher',
	blocked: 'guard',
	'agent-report': 'agent report',
	'phase-end-scan': 'phase-end scan',
	diff: 'worktree diff',
	workspace: 'workspace edit',
};

/** A string from a task or an agent: control and escape sequences out, colour out. */
export function clean(text: string): string {
	return text
		.split('\n')
		.map(line => stripColour(sanitizeLine(line)))
		.join('\n');
}

const optional = (text: string | undefined | null): string | null => (text === undefined || text === null ? null : clean(text));

type MutableAttempt = {-readonly [K in keyof ReportAttempt]: ReportAttempt[K]} & {task: string; costUsd?: number; tokens?: number};
type MutablePhase = {-readonly [K in keyof ReportPhase]: ReportPhase[K]} & {tasks: string[]};

/** Builds the report of one run from its journal entries (oldest first). */
export function buildReport(events: readonly JournalEvent[], folder: RunFolder): RunReport {
	const entries = events as unknown as readonly (JournalEntry | TaskChangesEntry)[];
	const journal = entries.filter((e): e is JournalEntry => e.type !== 'task.changes');
	const state = foldJournal(journal);
	const started = journal.find(e => e.type === 'run.started');
	const firstPlan: Plan | undefined = started?.type === 'run.started' ? started.plan : state.plan;
	const finalPlan: Plan = state.plan ?? firstPlan ?? {name: '?', pattern: 'custom', ignore: [], phases: [], verify: []};
	const at = (e: {at?: number; time?: string}) => e.at ?? (e.time === undefined ? 0 : Date.parse(e.time));

	let plan = firstPlan ?? finalPlan;
	const phases: MutablePhase[] = [];
	const attempts: MutableAttempt[] = [];
	const running = new Map<string, MutableAttempt>();
	const conflicts = new Map<number, {-readonly [K in keyof ReportConflict]: ReportConflict[K]} & {refused: {choice: string; reason: string}[]}>();
	const revisions: ReportRevision[] = [];
	const waits: ReportWait[] = [];
	const verify = new Map<number, {-readonly [K in keyof ReportVerify]: ReportVerify[K]}>();
	const changes = new Map<string, readonly TaskFileChange[]>();
	const awaiting = new Map<number, {at: number; name: string}>();
	let lastAt = 0;
	let runStarts = 0;
	let previousPlan = plan;

	const phaseRun = (index: number): MutablePhase => {
		for (let i = phases.length - 1; i >= 0; i--) if (phases[i]!.index === index) return phases[i]!;
		const phase: MutablePhase = {index, name: plan.phases[index]?.name ?? `phase ${index + 1}`, status: 'pending', startedAt: null, endedAt: null, tasks: []};
		phases.push(phase);
		return phase;
	};
	const end = (taskId: string, when: number, status: TaskStatus, exitCode: number | null, reason: string | undefined) => {
		const open = running.get(taskId);
		if (!open) return;
		running.delete(taskId);
		Object.assign(open, {endedAt: when, status, exitCode, reason: optional(reason)});
	};

	for (const entry of entries) {
		const when = at(entry);
		switch (entry.type) {
			case 'run.started': {
				runStarts++;
				if (runStarts > 1) {
					// A resume: the time between the interrupted run and this one is no one's work.
					waits.push({kind: 'interrupted', from: lastAt, to: when, label: 'interrupted, then resumed'});
					for (const open of running.values()) Object.assign(open, {endedAt: lastAt, status: 'stopped', reason: 'interrupted'});
					running.clear();
				}
				break;
			}
			case 'revision.created': {
				revisions.push({
					number: entry.number,
					at: when,
					decision: clean(entry.decision),
					conflict: entry.conflictId ?? null,
					file: `${folder.runDir}/plan.r${entry.number}.yaml`,
					changes: planChanges(previousPlan, entry.plan).map(clean),
				});
				previousPlan = entry.plan;
				plan = entry.plan;
				break;
			}
			case 'phase.awaiting':
				awaiting.set(entry.phaseIndex, {at: when, name: entry.name});
				break;
			case 'phase.approved':
			case 'phase.skipped': {
				const wait = awaiting.get(entry.phaseIndex);
				awaiting.delete(entry.phaseIndex);
				if (wait) waits.push({kind: 'approval', from: wait.at, to: when, label: `approval of ${clean(wait.name)}`});
				if (entry.type === 'phase.skipped') {
					const phase = phaseRun(entry.phaseIndex);
					phase.status = 'skipped';
				}
				break;
			}
			case 'phase.started': {
				const last = phases[phases.length - 1];
				// A phase started again after a resume is a new row; the same index seen first in a
				// skipped or pending placeholder is reused.
				const reuse = last !== undefined && last.index === entry.phaseIndex && last.startedAt === null ? last : undefined;
				const phase: MutablePhase = reuse ?? {index: entry.phaseIndex, name: '', status: 'running', startedAt: null, endedAt: null, tasks: []};
				Object.assign(phase, {name: clean(entry.name), status: 'running', startedAt: when});
				if (!reuse) phases.push(phase);
				break;
			}
			case 'phase.finished': {
				const phase = phaseRun(entry.phaseIndex);
				phase.endedAt = when;
				phase.status = entry.status === 'pending' ? 'pending' : entry.status;
				break;
			}
			case 'task.spawned': {
				const phase = phaseRun(entry.phaseIndex);
				if (!phase.tasks.includes(entry.taskId)) phase.tasks.push(entry.taskId);
				const attempt: MutableAttempt = {
					task: entry.taskId,
					attempt: entry.attempt,
					phase: phases.indexOf(phase),
					startedAt: when,
					endedAt: null,
					status: 'running',
					exitCode: null,
					reason: null,
					critical: false,
				};
				attempts.push(attempt);
				running.set(entry.taskId, attempt);
				break;
			}
			case 'task.exited':
				end(entry.taskId, when, entry.outcome, entry.exitCode, entry.reason);
				break;
			case 'task.stopped':
				end(entry.taskId, when, entry.status, null, entry.reason);
				break;
			case 'task.applied': {
				// Work that landed after the run stopped its task: that attempt passed (machine/context.ts, landed).
				const attempt = running.has(entry.taskId) ? undefined : lastAttemptOf(attempts, entry.taskId);
				if (attempt && attempt.status !== 'passed') Object.assign(attempt, {status: 'passed', exitCode: attempt.exitCode ?? 0, reason: null});
				break;
			}
			case 'task.report': {
				// Cost belongs to the attempt that spent it: a retried task costs every attempt.
				const attempt = running.get(entry.taskId) ?? lastAttemptOf(attempts, entry.taskId);
				if (attempt && entry.costUsd !== undefined) attempt.costUsd = entry.costUsd;
				if (attempt && entry.tokens !== undefined) attempt.tokens = entry.tokens;
				break;
			}
			case 'task.changes':
				if (typeof entry.task === 'string' && Array.isArray(entry.files)) changes.set(entry.task, entry.files);
				break;
			case 'conflict.detected': {
				const c = entry.conflict;
				conflicts.set(c.id, {
					id: c.id,
					task: c.taskId ?? null,
					suspects: [...c.suspects],
					path: clean(c.path),
					seen: seenWords[c.how] ?? (clean(String(c.how)) as ConflictSeen),
					owner: c.owner ?? null,
					reason: optional(c.reason),
					detectedAt: c.at ?? when,
					decidedAt: null,
					choice: null,
					decision: null,
					revision: null,
					refused: [],
				});
				break;
			}
			case 'conflict.refused':
				conflicts.get(entry.conflictId)?.refused.push({choice: entry.choice, reason: clean(entry.reason)});
				break;
			case 'conflict.decided':
			case 'conflict.dropped': {
				const c = conflicts.get(entry.conflictId);
				if (!c) break;
				c.decidedAt = when;
				if (entry.type === 'conflict.decided') {
					c.choice = entry.choice;
					c.decision = clean(entry.decision);
					c.revision = entry.revision ?? null;
					if (entry.taskId !== undefined && c.task === null) c.task = entry.taskId;
				} else {
					c.decision = `dropped: ${clean(entry.reason)}`;
				}
				waits.push({kind: 'conflict', from: c.detectedAt, to: when, label: `conflict #${c.id} on ${c.path}`});
				break;
			}
			case 'verify.started':
				verify.set(entry.index, {index: entry.index, command: clean(entry.command), status: 'running', exitCode: null, startedAt: when, endedAt: null, logTail: []});
				break;
			case 'verify.exited': {
				const v = verify.get(entry.index) ?? {index: entry.index, command: clean(entry.command), status: 'running', exitCode: null, startedAt: null, endedAt: null, logTail: []};
				Object.assign(v, {status: entry.status, exitCode: entry.exitCode, endedAt: when});
				verify.set(entry.index, v);
				break;
			}
			default:
				break;
		}
		// After the entry: a resume measures its gap from the interrupted run's last event.
		if (entry.type !== 'run.finished') lastAt = Math.max(lastAt, when);
	}

	const finished = state.finished;
	const startedAt = started ? at(started) : (entries[0] ? at(entries[0]) : 0);
	const finishedEntry = [...journal].reverse().find(e => e.type === 'run.finished');
	const endedAt = finishedEntry ? at(finishedEntry) : null;

	// Spans still open when the journal ends ran until its last event, as far as anyone knows.
	for (const attempt of attempts) if (attempt.endedAt === null && finished) Object.assign(attempt, {endedAt: lastAt, status: 'stopped', reason: attempt.reason ?? 'interrupted'});
	const critical = new Set(criticalPath(attempts.map((a, i) => ({key: String(i), start: a.startedAt, end: a.endedAt ?? lastAt}))));
	attempts.forEach((a, i) => (a.critical = critical.has(String(i))));

	const outcome: RunOutcome | 'unfinished' = finished?.outcome ?? 'unfinished';
	const exitCode = finished ? (exitCodeOf({status: 'done', value: 'done', context: {outcome: finished.outcome, tasks: state.tasks, ...(finished.signal === undefined ? {} : {signal: finished.signal as 'SIGINT'})}}) ?? null) : null;

	const order = [
		...finalPlan.phases.flatMap(p => p.tasks.map(t => ({task: t, phase: p.name}))),
		...Object.keys(state.tasks)
			.filter(id => !finalPlan.phases.some(p => p.tasks.some(t => t.id === id)))
			.map(id => ({task: firstPlan?.phases.flatMap(p => p.tasks).find(t => t.id === id), id, phase: ''})),
	];
	const tasks: ReportTask[] = order.flatMap(({task, phase}, i) => {
		const id = task?.id ?? (order[i] as {id?: string}).id ?? '';
		const run = state.tasks[id];
		const mine = attempts.filter(a => a.task === id);
		const last = mine[mine.length - 1];
		const costs = mine.filter(a => a.costUsd !== undefined);
		const tokens = mine.filter(a => a.tokens !== undefined);
		const files: ReportFile[] = changes.has(id)
			? changes.get(id)!.map(f => ({
					path: clean(f.path),
					status: f.status,
					from: f.from === undefined ? null : clean(f.from),
					added: f.added ?? null,
					removed: f.removed ?? null,
					binary: Boolean(f.binary),
				}))
			: (run?.changedFiles ?? []).map(path => ({path: clean(path), status: null, from: null, added: null, removed: null, binary: false}));
		const tail = mine.length > 0 ? folder.logTail(id) : undefined;
		return [
			{
				id,
				title: optional(task?.title),
				phase: clean(phase),
				kind: task === undefined ? 'command' : task.run !== undefined ? 'command' : agentName(task.agent ?? finalPlan.agent),
				status: run?.status ?? 'pending',
				exitCode: run?.exitCode ?? null,
				reason: optional(run?.reason),
				durationMs: last && last.endedAt !== null ? last.endedAt - last.startedAt : null,
				attempts: mine.map(({task: _task, costUsd: _cost, tokens: _tokens, ...a}) => a),
				report: optional(run?.report),
				costUsd: costs.length > 0 ? costs.reduce((s, a) => s + a.costUsd!, 0) : null,
				tokens: tokens.length > 0 ? tokens.reduce((s, a) => s + a.tokens!, 0) : null,
				turns: run?.turns ?? null,
				files,
				diff: folder.diffOf(id) ?? null,
				log: mine.length > 0 ? folder.logPathOf(id) : null,
				logTail: (tail ?? []).map(clean),
			},
		];
	});

	const verifyRuns: ReportVerify[] = finalPlan.verify.map((command, index) => {
		const v = verify.get(index);
		return {...(v ?? {index, command: clean(command), status: 'pending', exitCode: null, startedAt: null, endedAt: null}), logTail: (folder.logTail(`verify:${index}`) ?? []).map(clean)};
	});

	// Phases of the final plan never reached, so the report lists every phase.
	const seenNames = new Set(phases.map(p => p.name));
	finalPlan.phases.forEach((p, index) => {
		if (!seenNames.has(p.name)) phases.push({index, name: clean(p.name), status: 'pending', startedAt: null, endedAt: null, tasks: p.tasks.map(t => t.id)});
	});
	for (const phase of phases) if (phase.status === 'running' && finished) phase.status = 'failed';

	const costed = tasks.filter(t => t.costUsd !== null);
	const tokened = tasks.filter(t => t.tokens !== null);
	const count = (statuses: readonly TaskStatus[]) => tasks.filter(t => statuses.includes(t.status)).length;
	return {
		reportVersion: REPORT_VERSION,
		runId: folder.runId,
		runDir: folder.runDir,
		workspace: started?.type === 'run.started' ? started.workspace : '',
		planFile: started?.type === 'run.started' ? started.planFile : '',
		plan: {name: clean(finalPlan.name), goal: optional(finalPlan.goal)},
		outcome,
		exitCode,
		startedAt,
		endedAt,
		durationMs: endedAt === null ? null : endedAt - startedAt,
		speedup: parallelSpeedup({plan: finalPlan, tasks: state.tasks}) ?? null,
		totals: {
			tasks: tasks.length,
			passed: count(['passed']),
			failed: count(['failed', 'stopped', 'conflicted']),
			skipped: count(['skipped']),
			other: count(['pending', 'running']),
			costUsd: costed.length > 0 ? costed.reduce((s, t) => s + t.costUsd!, 0) : null,
			tokens: tokened.length > 0 ? tokened.reduce((s, t) => s + t.tokens!, 0) : null,
		},
		phases: phases.map(({tasks: ids, ...p}) => ({...p, tasks: [...ids]})),
		tasks,
		conflicts: [...conflicts.values()].sort((a, b) => a.detectedAt - b.detectedAt),
		revisions,
		waits: waits.filter(w => w.to >= w.from),
		verify: verifyRuns,
	};
}

function lastAttemptOf(attempts: readonly MutableAttempt[], taskId: string): MutableAttempt | undefined {
	for (let i = attempts.length - 1; i >= 0; i--) if (attempts[i]!.task === taskId) return attempts[i];
	return undefined;
}

function agentName(agent: Plan['agent']): string {
	if (agent === undefined) return 'agent';
	if (typeof agent === 'string') return agent;
	return 'command' in agent ? (agent.command[0] ?? 'agent') : agent.name;
}

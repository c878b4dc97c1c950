// One run session: the engine built over a run folder, signals that stop it (leaving with
// 128 + signal), faults that stop it (a full disk, a bug: see fault.ts; leaving with 74 or 70),
// every process group stopped at the end, the summary written, and the plan's revisions kept
// beside it. A driver (headless, or the TUI) answers for the user meanwhile.

import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {SIGNAL_EXIT_CODES, STOP_SIGNALS} from '../machine/exit-code.js';
import type {StopSignal} from '../machine/exit-code.js';
import type {JournalEntry} from '../machine/journal-events.js';
import type {Conflict, Revision, TaskRun} from '../machine/types.js';
import type {Plan, PlanSource, ValidationReport} from '../plan/types.js';
import {validatePlan} from '../plan/validate.js';
import {planToYaml} from '../plan/yaml.js';
import {writeBackReport} from '../runner/write-back.js';
import {killAllGroupsNow, stopAllGroups} from '../runner/groups.js';
import type {LineBatchSink} from '../runner/headless-sink.js';
import {describeIoError, withIo} from '../runner/errors.js';
import {appendEvent, closeJournal, writeSummary} from '../runner/journal.js';
import {createOutputStore} from '../runner/output.js';
import type {TaskOutput, TaskOutputStore} from '../runner/output.js';
import {createEngine} from './engine.js';
import {catchProcessFaults, classifyFault, faultMessage, saveStack, testFaultInjector} from './fault.js';
import type {FaultNotice, FaultView, RunFault} from './fault.js';
import {guardCommand} from './guard-command.js';
import {onOutputGone} from './output-gone.js';
import {stopSpawner} from '../runner/spawner.js';
import type {Engine, EditPlanRequest} from './types.js';

/** What a run starts from: a checked plan and where it runs. */
export type Prepared = {
	readonly plan: Plan;
	readonly source: PlanSource;
	readonly planFile: string;
	readonly workspace: string;
	readonly report: ValidationReport;
};

/** What a resumed run carries over from its journal (see resume.ts). */
export type ResumeState = {
	readonly restored?: Record<string, TaskRun>;
	readonly startPhase?: number;
	readonly sessions?: Record<string, string>;
	readonly revisions?: readonly Revision[];
	readonly nextConflictId?: number;
	readonly openConflicts?: readonly Conflict[];
};

/** Who answers for the user during a session: the headless policy, or the TUI. */
export type Driver = {
	/** Headless: sanitized lines go here as well as to the tails. */
	readonly sink?: LineBatchSink;
	/** Each journal entry, with the plan as of the latest revision. */
	readonly onJournal?: (entry: JournalEntry, plan: Plan) => void;
	/** The driver shows each phase's files and agents before approval: the engine describes them. */
	readonly describesPhases?: boolean;
	/** The driver draws while tasks start: `run:` commands come from the spawner's pool (EngineOptions.pool). */
	readonly pool?: boolean;
	/** Runs the engine to its end; resolves with the exit code, or 'edit-plan'. */
	drive(engine: Engine): Promise<number | EditPlanRequest>;
};

export type SessionOptions = {
	readonly runId: string;
	readonly runDir: string;
	readonly graceMs?: number;
	readonly maxParallel?: number;
	/** Write the final revision over the plan file when the plan was revised (headless --write-back). */
	readonly writeBack?: boolean;
	readonly onWarning?: (message: string) => void;
	/** Told what --write-back did to the plan file (a line for the user: written, unchanged, or why not). */
	readonly onWroteBack?: (message: string) => void;
	/** The fault message, when the screen did not show it (default: stderr). */
	readonly onFault?: (message: string) => void;
};

/** The grace between SIGTERM and SIGKILL when nothing else was asked for. */
export const DEFAULT_GRACE_MS = 5000;

function validatorFor(source: PlanSource, workspace: string): (plan: Plan) => ValidationReport {
	return plan => validatePlan(plan, source, {workspace});
}

/** Runs one session of `prepared` in its run folder; resolves with the exit code (or 'edit-plan'). */
export async function runSession(prepared: Prepared, options: SessionOptions, driver: Driver, resumed: ResumeState = {}): Promise<number | EditPlanRequest> {
	const {runId, runDir} = options;
	const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
	// Banners count the phases of the latest revision (a defer adds one).
	let currentPlan = prepared.plan;
	const faults = faultPath(runDir, options);
	// The TUI (the driver that describes phases) shows a paused log in its header; headless says it.
	const tellStalls = driver.describesPhases ? undefined : options.onWarning;
	const store = createOutputStore({
		onStall: (key, failure) => tellStalls?.(`${describeIoError(failure) ?? failure.message}: the output of ${key} is paused until there is space (nothing is lost)`),
		onResume: key => tellStalls?.(`there is space again: the output of ${key} goes on`),
		onLogFailure: (_key, failure) => faults.raise(failure),
	});
	faults.store = store;
	const injectTestFault = testFaultInjector();
	const engine = createEngine({
		runId,
		runDir,
		plan: prepared.plan,
		planFile: prepared.planFile,
		workspace: prepared.workspace,
		report: prepared.report,
		validate: validatorFor(prepared.source, prepared.workspace),
		store,
		...(driver.sink ? {sink: driver.sink} : {}),
		guardCommand: guardCommand(),
		...(options.graceMs === undefined ? {} : {graceMs: options.graceMs}),
		...(options.maxParallel === undefined ? {} : {maxParallel: options.maxParallel}),
		...(resumed.restored ? {restored: resumed.restored} : {}),
		...(resumed.startPhase === undefined ? {} : {startPhase: resumed.startPhase}),
		...(resumed.sessions ? {sessions: resumed.sessions} : {}),
		...(resumed.revisions && resumed.revisions.length > 0 ? {revisions: resumed.revisions} : {}),
		...(resumed.nextConflictId === undefined ? {} : {nextConflictId: resumed.nextConflictId}),
		...(resumed.openConflicts && resumed.openConflicts.length > 0 ? {openConflicts: resumed.openConflicts} : {}),
		...(options.onWarning ? {onWarning: options.onWarning} : {}),
		...(driver.describesPhases ? {describePhases: true} : {}),
		...(driver.pool ? {pool: true} : {}),
		onJournal: entry => {
			if (entry.type === 'revision.created') {
				const file = join(runDir, `plan.r${entry.number}.yaml`);
				withIo(file, 'writing', () => writeFileSync(file, planToYaml(entry.plan)));
				currentPlan = entry.plan;
			}
			if (entry.type === 'task.started') injectTestFault?.();
			driver.onJournal?.(entry, currentPlan);
		},
	});
	faults.engine = engine;
	const removeSignalHandlers = stopOnSignals(engine, runDir);
	const summary = (exitCode: number, fault?: RunFault) => {
		const context = engine.finalContext();
		writeSummary(runDir, {
			runId,
			plan: context.plan.name,
			outcome: context.outcome,
			signal: context.signal,
			exitCode,
			...(fault ? {fault: {kind: fault.kind, words: fault.words}} : {}),
			tasks: context.tasks,
			verify: context.verify,
			revisions: context.revisions.map(r => ({number: r.number, decision: r.decision})),
		});
	};
	try {
		// A driver that throws is a fault like any other: every task is stopped.
		const driving = driver.drive({...engine, faults: faults.notice}).catch((error: unknown) => {
			faults.raise(error);
			return undefined;
		});
		const code = await Promise.race([driving, faults.raised]);
		if (faults.fault) return await endOnFault(faults, graceMs, driving, summary);
		if (code === 'edit-plan' || code === undefined) return code ?? 1;
		await stopAllGroups({graceMs});
		try {
			summary(code);
		} catch (error) {
			// The run is over; only its record failed: said as a fault, with nothing left to stop.
			faults.raise(error);
			return await endOnFault(faults, graceMs, driving, summary);
		}
		const {context} = engine.actor.getSnapshot();
		if (options.writeBack && context.revisions.length > 1) {
			options.onWroteBack?.(writeBackReport(prepared.planFile, context.plan, runDir, context.revisions.length));
		}
		await stopSpawner();
		return code;
	} finally {
		engine.close();
		removeSignalHandlers();
		faults.remove();
		closeJournal(runDir);
	}
}

/** The session's fault path while it runs: the first fault wins, later ones are consequences. */
type FaultPath = {
	/** Resolves (with undefined) once a fault is raised. */
	readonly raised: Promise<undefined>;
	readonly fault: RunFault | undefined;
	readonly message: string | undefined;
	readonly notice: FaultNotice;
	/** Was the message shown on screen (the TUI)? */
	readonly shown: boolean;
	raise(error: unknown): void;
	remove(): void;
	engine?: Engine;
	store?: TaskOutputStore;
	readonly onFault: (message: string) => void;
};

/**
 * Builds the fault path: process-wide handlers, and what a fault does at once (synchronously, so
 * nothing else runs first): logs waiting for space give up (their cut is noted), the message is
 * put together, the screen shows it, the stop is recorded and sent through the machine the way
 * SIGTERM is. The stop itself (TERM, grace, KILL to every group) is endOnFault's.
 */
function faultPath(runDir: string, options: SessionOptions): FaultPath {
	let resolveRaised: (value: undefined) => void = () => undefined;
	const raised = new Promise<undefined>(resolve => {
		resolveRaised = resolve;
	});
	const listeners = new Set<(fault: FaultView) => void>();
	let view: FaultView | undefined;
	const path: FaultPath = {
		raised,
		fault: undefined,
		message: undefined,
		shown: false,
		engine: undefined,
		store: undefined,
		onFault: options.onFault ?? (message => void process.stderr.write(message)),
		notice: {
			subscribe(listener) {
				if (view) listener(view);
				else listeners.add(listener);
				return () => listeners.delete(listener);
			},
			markShown: () => void ((path as {shown: boolean}).shown = true),
			raise: error => path.raise(error),
			exitCode: () => path.fault?.exitCode,
		},
		raise(error) {
			if (path.fault) return; // a consequence of the first fault (e.g. the journal failing again)
			const fault = classifyFault(error);
			Object.assign(path, {fault});
			path.store?.giveUpStalls();
			const cutLogs = (path.store?.keys() ?? []).flatMap(key => {
				const problem = (path.store?.get(key) as TaskOutput | undefined)?.logError;
				return problem ? [`the log of ${key}: ${problem}`] : [];
			});
			const stackFile = fault.kind === 'internal' ? saveStack(runDir, error) : undefined;
			const message = faultMessage({fault, runDir, ...(stackFile ? {stackFile} : {}), cutLogs});
			Object.assign(path, {message});
			view = {message, exitCode: fault.exitCode};
			for (const listener of listeners) listener(view);
			listeners.clear();
			try {
				appendEvent(runDir, {type: 'run.fault', kind: fault.kind, words: fault.words});
			} catch {
				// The journal may be what failed: the message and the summary say it.
			}
			try {
				path.engine?.actor.send({type: 'run.signal', signal: 'SIGTERM'});
			} catch {
				// The machine may be what broke: endOnFault stops every group without it.
			}
			resolveRaised(undefined);
		},
		remove: () => catcher.remove(),
	};
	const catcher = catchProcessFaults(error => path.raise(error));
	return path;
}

/** How long the fault path waits for the driver to give the terminal back. */
const DRIVER_GRACE_MS = 3000;

/**
 * The rest of a fault: every task's group stopped (TERM, grace, KILL), the summary written if the
 * disk lets it, the terminal given back by the driver, the message printed unless the screen
 * showed it. Resolves with the fault's exit code.
 */
async function endOnFault(faults: FaultPath, graceMs: number, driving: Promise<unknown>, summary: (exitCode: number, fault: RunFault) => void): Promise<number> {
	const fault = faults.fault!;
	await stopAllGroups({graceMs});
	try {
		summary(fault.exitCode, fault);
	} catch {
		// The disk may still be full: the journal (if it could be written) and the message remain.
	}
	// The TUI unmounts on the fault notice; a driver stuck in a bug is not waited for long.
	await Promise.race([driving, new Promise(resolve => setTimeout(resolve, DRIVER_GRACE_MS).unref())]);
	if (!faults.shown && faults.message) faults.onFault(faults.message);
	return fault.exitCode;
}

/**
 * Signals: the first one stops every task's group through the machine (which records the stop);
 * a second one, or one after the run is over, kills what is left and leaves with 128 + signal.
 * fanout's output going away while the run goes on (a closed terminal: EIO; a reader that quit:
 * EPIPE) is a hang-up: recorded, then stopped as for SIGHUP (exit 129); the terminal's own SIGHUP
 * that follows is the same hang-up, not a second signal. Returns the function that removes the
 * handlers.
 */
function stopOnSignals(engine: Engine, runDir: string): () => void {
	let signalled: StopSignal | undefined;
	let outputGone = false;
	const onSignal = (signal: StopSignal) => {
		if (signal === 'SIGHUP' && outputGone) return;
		// A second signal: no more grace. A run already over (its summary on screen) has nothing
		// left to stop: leave now.
		if (signalled || engine.actor.getSnapshot().status === 'done') {
			killAllGroupsNow();
			process.exit(SIGNAL_EXIT_CODES[signal]);
		}
		signalled = signal;
		engine.actor.send({type: 'run.signal', signal});
	};
	const handlers = STOP_SIGNALS.map(signal => {
		const handler = () => onSignal(signal);
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	const removeOutputWatch = onOutputGone(gone => {
		// Once the run is over (a summary written to a closed pipe) or stopping, there is nothing left to stop.
		if (outputGone || signalled || engine.actor.getSnapshot().status === 'done') return;
		try {
			appendEvent(runDir, {type: 'run.output-closed', stream: gone.stream, code: gone.code});
		} catch {
			// The journal may be failing too: the stop below is what matters.
		}
		onSignal('SIGHUP');
		outputGone = true;
		if (gone.stream === 'stdout') {
			const runId = runDir.split(/[\\/]/).pop() ?? '';
			process.stderr.write(`fanout: its output was closed (${gone.code} on stdout): every task was stopped, as for a hang-up (exit 129). \`fanout resume ${runId}\` finishes the run.\n`);
		}
	});
	return () => {
		for (const [signal, handler] of handlers) process.off(signal, handler);
		removeOutputWatch();
	};
}

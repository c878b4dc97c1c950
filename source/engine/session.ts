// One run session: the engine built over a run folder, signals that stop it (leaving with
// 128 + signal), every process group stopped at the end, the summary written, and the plan's
// revisions kept beside it. A driver (headless, or the TUI) answers for the user meanwhile.

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
import {writeSummary} from '../runner/journal.js';
import {createOutputStore} from '../runner/output.js';
import {createEngine} from './engine.js';
import {guardCommand} from './guard-command.js';
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
	const engine = createEngine({
		runId,
		runDir,
		plan: prepared.plan,
		planFile: prepared.planFile,
		workspace: prepared.workspace,
		report: prepared.report,
		validate: validatorFor(prepared.source, prepared.workspace),
		store: createOutputStore(),
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
		onJournal: entry => {
			if (entry.type === 'revision.created') {
				writeFileSync(join(runDir, `plan.r${entry.number}.yaml`), planToYaml(entry.plan));
				currentPlan = entry.plan;
			}
			driver.onJournal?.(entry, currentPlan);
		},
	});
	const removeSignalHandlers = stopOnSignals(engine);
	try {
		const code = await driver.drive(engine);
		if (code === 'edit-plan') return code;
		await stopAllGroups({graceMs});
		const {context} = engine.actor.getSnapshot();
		writeSummary(runDir, {
			runId,
			plan: context.plan.name,
			outcome: context.outcome,
			signal: context.signal,
			exitCode: code,
			tasks: context.tasks,
			verify: context.verify,
			revisions: context.revisions.map(r => ({number: r.number, decision: r.decision})),
		});
		if (options.writeBack && context.revisions.length > 1) {
			options.onWroteBack?.(writeBackReport(prepared.planFile, context.plan, runDir, context.revisions.length));
		}
		return code;
	} finally {
		engine.close();
		removeSignalHandlers();
	}
}

/**
 * Signals: the first one stops every task's group through the machine (which records the stop);
 * a second one, or one after the run is over, kills what is left and leaves with 128 + signal.
 * Returns the function that removes the handlers.
 */
function stopOnSignals(engine: Engine): () => void {
	let signalled: StopSignal | undefined;
	const onSignal = (signal: StopSignal) => {
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
	return () => {
		for (const [signal, handler] of handlers) process.off(signal, handler);
	};
}

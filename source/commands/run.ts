// `fanout run PLAN` and `fanout resume [RUN_ID]`: load and check the plan, open the run folder,
// build the engine, then drive it headless (flags answer for the user) or through the TUI.

import {existsSync, rmSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import type {JournalEntry} from '../machine/journal-events.js';
import {foldJournal} from '../machine/journal-events.js';
import {exitCodeOf, parallelSpeedup} from '../machine/selectors.js';
import type {Conflict, OrchestratorContext, Revision, TaskRun} from '../machine/types.js';
import {formatReport} from '../plan/report-format.js';
import {loadPlan, parsePlanText} from '../plan/load.js';
import type {Plan, PlanSource, ValidationReport} from '../plan/types.js';
import {validatePlan} from '../plan/validate.js';
import {planToYaml} from '../plan/yaml.js';
import {missingAgents} from '../runner/agents/index.js';
import {editorCommand, editPlan, runEditorSync} from '../runner/edit-plan.js';
import {writeBackReport, writePlanBack} from '../runner/write-back.js';
import {createEngine} from '../runner/engine.js';
import type {Engine, EngineOptions} from '../runner/engine.js';
import {groupHasEnv, isGroupAlive, killAllGroupsNow, killGroup, stopAllGroups} from '../runner/groups.js';
import {createHeadlessSink} from '../runner/headless-sink.js';
import {createRunDir, listRuns, logPathFor, newRunId, openGroups, readEvents, runsDir, writeSummary} from '../runner/journal.js';
import type {RunListing} from '../runner/journal.js';
import {createOutputStore} from '../runner/output.js';
import type {Command, CommandIO} from './io.js';
import {headlessAnswer} from '../headless/policy.js';
import type {HeadlessPolicy} from '../headless/policy.js';
import {formatSummary} from '../headless/summary.js';
import {withoutFetch} from '../without-fetch.js';
// Type only: the TUI itself is loaded when a run is interactive.
import type {EditPlanRequest} from '../tui.js';

const runOptions = {
	workspace: {type: 'string'},
	headless: {type: 'boolean'},
	yes: {type: 'boolean', short: 'y'},
	json: {type: 'boolean'},
	'max-parallel': {type: 'string'},
	'keep-going': {type: 'boolean'},
	'on-conflict': {type: 'string'},
	'write-back': {type: 'boolean'},
	grace: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const;

const RUN_USAGE = `Usage: fanout run PLAN [options]

  --workspace DIR         folder the tasks work in (overrides the plan's workspace:)
  --headless              no interactive UI (automatic when stdout is not a terminal)
  --yes, -y               approve every phase (required headless)
  --json                  headless: print the run's events as JSON lines
  --max-parallel N        at most N tasks at once in a parallel phase
  --keep-going            headless: continue past a failed phase
  --on-conflict MODE      headless: abort (default) | defer | skip
  --write-back            headless: write the final plan revision over PLAN
  --grace SECONDS         between SIGTERM and SIGKILL when stopping tasks (default 5)
`;

const RESUME_USAGE = `Usage: fanout resume [RUN_ID] [options]

Continues an interrupted run (default: the latest run of this workspace that was killed, stopped
by a signal or stopped at a conflict): kills any of its processes still alive, keeps the tasks
that passed, runs the rest. A conflict left open is asked again (headless: --on-conflict).
Options as for \`fanout run\` (--workspace names the workspace whose runs to look in).
`;

type Flags = {
	readonly workspace?: string;
	readonly headless: boolean;
	readonly yes: boolean;
	readonly json: boolean;
	readonly maxParallel?: number;
	readonly policy: HeadlessPolicy;
	readonly writeBack: boolean;
	readonly graceMs?: number;
};

type Parsed = {readonly flags: Flags; readonly positionals: readonly string[]} | {readonly exit: number};

function usageError(io: CommandIO, usage: string, message: string): {exit: number} {
	io.stderr(`fanout: ${message}\n\n${usage}`);
	return {exit: 2};
}

function parseFlags(argv: readonly string[], io: CommandIO, usage: string): Parsed {
	let values: Record<string, string | boolean | undefined>;
	let positionals: string[];
	try {
		({values, positionals} = parseArgs({args: [...argv], options: runOptions, allowPositionals: true, strict: true}));
	} catch (error) {
		return usageError(io, usage, error instanceof Error ? error.message.split('\n')[0]! : String(error));
	}
	if (values['help']) {
		io.stdout(usage);
		return {exit: 0};
	}
	let maxParallel: number | undefined;
	if (values['max-parallel'] !== undefined) {
		maxParallel = Number(values['max-parallel']);
		if (!Number.isInteger(maxParallel) || maxParallel < 1) return usageError(io, usage, '--max-parallel takes a whole number of at least 1');
	}
	let graceMs: number | undefined;
	if (values['grace'] !== undefined) {
		graceMs = Number(values['grace']) * 1000;
		if (!Number.isFinite(graceMs) || graceMs < 0) return usageError(io, usage, '--grace takes a number of seconds');
	}
	const onConflict = (values['on-conflict'] as string | undefined) ?? 'abort';
	if (onConflict !== 'abort' && onConflict !== 'defer' && onConflict !== 'skip') {
		return usageError(io, usage, `--on-conflict takes abort, defer or skip (not "${onConflict}")`);
	}
	return {
		positionals,
		flags: {
			...(values['workspace'] === undefined ? {} : {workspace: values['workspace'] as string}),
			headless: Boolean(values['headless']) || Boolean(values['json']) || !io.isTTY,
			yes: Boolean(values['yes']),
			json: Boolean(values['json']),
			...(maxParallel === undefined ? {} : {maxParallel}),
			policy: {keepGoing: Boolean(values['keep-going']), onConflict},
			writeBack: Boolean(values['write-back']),
			...(graceMs === undefined ? {} : {graceMs}),
		},
	};
}

/** How to start `fanout guard` from an agent's hook: this very CLI, by absolute path. */
function guardCommand(): string[] {
	// The CLI that is running now (the bundle, or the compiled tree), else the sources through tsx.
	const running = process.argv[1];
	if (running && running.endsWith('.js') && existsSync(running)) return [process.execPath, running, 'guard'];
	const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
	return existsSync(cli) ? [process.execPath, cli, 'guard'] : [process.execPath, '--import', 'tsx', fileURLToPath(new URL('../cli.tsx', import.meta.url)), 'guard'];
}

/** What a run starts from: a checked plan and where it runs. */
type Prepared = {
	readonly plan: Plan;
	readonly source: PlanSource;
	readonly planFile: string;
	readonly workspace: string;
	readonly report: ValidationReport;
};

function validatorFor(source: PlanSource, workspace: string): (plan: Plan) => ValidationReport {
	return plan => validatePlan(plan, source, {workspace});
}

/** `fanout run PLAN` */
export const runCommand: Command = async (argv, io) => {
	const parsed = parseFlags(argv, io, RUN_USAGE);
	if ('exit' in parsed) return parsed.exit;
	const {flags, positionals} = parsed;
	if (positionals.length !== 1) return usageError(io, RUN_USAGE, positionals.length === 0 ? 'name the plan to run' : 'run takes one plan').exit;
	const planFile = resolve(io.cwd, positionals[0]!);
	if (!existsSync(planFile)) return usageError(io, RUN_USAGE, `no such plan file: ${positionals[0]}`).exit;
	// Interactively, `e` on the plan review edits the plan file; the run then starts over from it.
	for (;;) {
		const result = await runPlanFile(planFile, flags, io);
		if (result !== EDIT_PLAN) return result;
		const edited = runEditorSync(editorCommand(), planFile);
		if (!edited.ok) io.stderr(`fanout: ${edited.reason}\n`);
	}
};

/** Loads, checks and runs the plan file once; interactively, EDIT_PLAN when the user asked to edit it first. */
async function runPlanFile(planFile: string, flags: Flags, io: CommandIO): Promise<number | typeof EDIT_PLAN> {
	const loaded = loadPlan(planFile, {...(flags.workspace ? {workspace: flags.workspace} : {}), cwd: io.cwd});
	if (!loaded.ok) {
		io.stderr(formatReport({valid: false, errors: loaded.errors, warnings: []}, {color: io.color}));
		return 2;
	}
	if (!existsSync(loaded.workspace)) {
		io.stderr(`fanout: the workspace ${loaded.workspace} does not exist. Create it, or point --workspace (or the plan's workspace:) at an existing folder.\n`);
		return 2;
	}
	const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
	const prepared: Prepared = {plan: loaded.plan, source: loaded.source, planFile, workspace: loaded.workspace, report};
	if (flags.headless && !report.valid) {
		io.stderr(formatReport(report, {color: io.color}));
		return 2;
	}
	if (flags.headless) {
		const missing = missingAgents(prepared.plan.phases.flatMap(p => p.tasks), prepared.plan, {cwd: prepared.workspace});
		if (missing.length > 0) {
			for (const m of missing) io.stderr(`fanout: ${m.agent} is not installed (needed by ${m.tasks.join(', ')}). Install it with: ${m.install}\n`);
			return 2;
		}
	}
	if (flags.headless && !flags.yes) {
		io.stderr('fanout: a headless run needs --yes to approve its phases (or run it in a terminal to approve each phase by keypress).\n');
		return 2;
	}
	const runId = newRunId();
	const runDir = createRunDir(prepared.workspace, runId, planToYaml(prepared.plan));
	const result = await execute(prepared, runId, runDir, flags, io, {}, {planFileEditable: !flags.headless});
	// Nothing ran: the run folder of a plan sent back to the editor is not a run to list.
	if (result === EDIT_PLAN) rmSync(runDir, {recursive: true, force: true});
	return result;
}

/**
 * The run `resume` picks by default: the newest one that never finished (killed), or that ended
 * on a conflict left open or on a signal: those are the ones with something left to do.
 */
function latestResumableRun(workspace: string): RunListing | undefined {
	const resumable = new Set(['conflict', 'interrupted']);
	const candidates = listRuns(workspace).filter(run => run.status === 'unfinished' || resumable.has(run.outcome ?? ''));
	return candidates.at(-1);
}

/** `fanout resume [RUN_ID]` */
export const resumeCommand: Command = async (argv, io) => {
	const parsed = parseFlags(argv, io, RESUME_USAGE);
	if ('exit' in parsed) return parsed.exit;
	const {flags, positionals} = parsed;
	const workspace = resolve(io.cwd, flags.workspace ?? '.');
	let runId = positionals[0];
	if (runId === undefined) {
		const latest = latestResumableRun(workspace);
		if (!latest) {
			io.stderr(`fanout: no run to resume in ${workspace}. \`fanout runs\` lists the runs; --workspace names another workspace.\n`);
			return 2;
		}
		runId = latest.id;
	}
	const runDir = join(runsDir(workspace), runId);
	if (!existsSync(join(runDir, 'events.jsonl'))) {
		io.stderr(`fanout: no run "${runId}" in ${workspace}. \`fanout runs\` lists the runs.\n`);
		return 2;
	}
	if (flags.headless && !flags.yes) {
		io.stderr('fanout: a headless resume needs --yes to approve its phases.\n');
		return 2;
	}
	const events = readEvents(runDir);
	// Whatever the interrupted fanout left running dies first: nothing may write under us.
	// After a reboot a group number may belong to someone else: only groups carrying this run's
	// FANOUT_RUN_DIR are ours to kill.
	const leftovers = openGroups(events).filter(g => isGroupAlive(g.pgid) && groupHasEnv(g.pgid, 'FANOUT_RUN_DIR', runDir));
	await Promise.all(leftovers.map(g => killGroup(g.pgid, {graceMs: flags.graceMs ?? 5000})));
	if (leftovers.length > 0) io.stderr(`fanout: stopped ${leftovers.length} process group(s) left by the interrupted run.\n`);
	const state = foldJournal(events as unknown as JournalEntry[]);
	const started = events.find(e => e.type === 'run.started') as (JournalEntry & {type: 'run.started'}) | undefined;
	if (!started) {
		io.stderr(`fanout: the journal of run ${runId} has no start; it cannot be resumed.\n`);
		return 2;
	}
	if (state.finished && state.finished.outcome === 'passed') {
		io.stderr(`fanout: run ${runId} already finished and passed; nothing to resume.\n`);
		return 0;
	}
	const plan = state.plan ?? started.plan;
	const planText = planToYaml(plan);
	const parsedPlan = parsePlanText(planText, join(runDir, 'plan.yaml'));
	const source: PlanSource = parsedPlan.source;
	const report = validatePlan(plan, source, {workspace: started.workspace});
	const restored: Record<string, TaskRun> = {};
	const sessions: Record<string, string> = {};
	for (const [id, run] of Object.entries(state.tasks)) {
		if (run.status === 'passed') restored[id] = run;
		if (run.sessionId && run.status !== 'passed') sessions[id] = run.sessionId;
	}
	const prepared: Prepared = {plan, source, planFile: started.planFile, workspace: started.workspace, report};
	// A run that stopped at a conflict asks again: its task waits for a decision (the prompt, or
	// --on-conflict headless) instead of running again as if nothing had happened.
	const openConflicts = state.openConflicts;
	// Their tasks' partial work (files changed, attempts, money spent) is listed in the prompt again.
	for (const c of openConflicts) {
		for (const id of c.taskId === undefined ? c.suspects : [c.taskId]) {
			const run = state.tasks[id];
			if (run && run.status !== 'passed' && run.phaseIndex === state.phaseIndex) restored[id] = run;
		}
	}
	if (openConflicts.length > 0) {
		const words = openConflicts.map(c => `${c.taskId ?? c.suspects.join(' or ')} needs ${c.path}`).join('; ');
		io.stderr(`fanout: run ${runId} stopped at a conflict (${words}): it will be asked again once the phase is approved.\n`);
	}
	const result = await execute(prepared, runId, runDir, flags, io, {
		restored,
		startPhase: state.phaseIndex,
		sessions,
		revisions: state.revisions,
		nextConflictId: state.nextConflictId,
		openConflicts,
	});
	// A resumed run's plan is the run folder's copy, not a file to edit: the review offers no `e`.
	return result === EDIT_PLAN ? 1 : result;
};

type ResumeState = {
	readonly restored?: Record<string, TaskRun>;
	readonly startPhase?: number;
	readonly sessions?: Record<string, string>;
	readonly revisions?: readonly Revision[];
	readonly nextConflictId?: number;
	readonly openConflicts?: readonly Conflict[];
};

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];
const SIGNAL_CODES: Record<StopSignal, number> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143};

/** What an interactive run returns when the user pressed `e` on the plan review. */
const EDIT_PLAN: EditPlanRequest = 'edit-plan';

async function execute(
	prepared: Prepared,
	runId: string,
	runDir: string,
	flags: Flags,
	io: CommandIO,
	resumed: ResumeState,
	how: {readonly planFileEditable?: boolean} = {},
): Promise<number | typeof EDIT_PLAN> {
	const store = createOutputStore();
	// Banners count the phases of the latest revision (a defer adds one).
	let currentPlan = prepared.plan;
	const sink = flags.headless && !flags.json ? createHeadlessSink(process.stdout, {color: io.color, keys: prepared.plan.phases.flatMap(p => p.tasks.map(t => t.id))}) : undefined;
	// openConflicts: the engine hands it to the machine as OrchestratorInput.openConflicts.
	const engineOptions: EngineOptions & {readonly openConflicts?: readonly Conflict[]} = {
		runId,
		runDir,
		plan: prepared.plan,
		planFile: prepared.planFile,
		workspace: prepared.workspace,
		report: prepared.report,
		validate: validatorFor(prepared.source, prepared.workspace),
		store,
		...(sink ? {sink} : {}),
		guardCommand: guardCommand(),
		...(flags.graceMs === undefined ? {} : {graceMs: flags.graceMs}),
		...(flags.maxParallel === undefined ? {} : {maxParallel: flags.maxParallel}),
		...(resumed.restored ? {restored: resumed.restored} : {}),
		...(resumed.startPhase === undefined ? {} : {startPhase: resumed.startPhase}),
		...(resumed.sessions ? {sessions: resumed.sessions} : {}),
		...(resumed.revisions && resumed.revisions.length > 0 ? {revisions: resumed.revisions} : {}),
		...(resumed.nextConflictId === undefined ? {} : {nextConflictId: resumed.nextConflictId}),
		...(resumed.openConflicts && resumed.openConflicts.length > 0 ? {openConflicts: resumed.openConflicts} : {}),
		onWarning: message => io.stderr(`fanout: warning: ${message}\n`),
		onJournal: entry => {
			if (entry.type === 'revision.created') {
				writeFileSync(join(runDir, `plan.r${entry.number}.yaml`), planToYaml(entry.plan));
				currentPlan = entry.plan;
			}
			if (flags.json) io.stdout(`${JSON.stringify(entry)}\n`);
			else if (sink) bannerFor(entry, currentPlan, sink.banner);
		},
	};
	const engine = createEngine(engineOptions);

	// Signals: stop every task's group, record the stop, leave with 128 + signal.
	let signalled: StopSignal | undefined;
	const onSignal = (signal: StopSignal) => {
		if (signalled) {
			// A second signal: no more grace.
			killAllGroupsNow();
			process.exit(SIGNAL_CODES[signal]);
		}
		signalled = signal;
		// A run already over (its summary on screen) has nothing left to stop: leave now.
		if (engine.actor.getSnapshot().status === 'done') {
			killAllGroupsNow();
			process.exit(SIGNAL_CODES[signal]);
		}
		engine.actor.send({type: 'run.signal', signal});
	};
	const handlers = SIGNALS.map(signal => {
		const handler = () => onSignal(signal);
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	try {
		const code = flags.headless ? await driveHeadless(engine, runDir, flags, io) : await driveInteractive(engine, prepared, runDir, io, how.planFileEditable ?? false);
		if (code === EDIT_PLAN) return code;
		await stopAllGroups({graceMs: flags.graceMs ?? 5000});
		const snapshot = engine.actor.getSnapshot();
		writeSummary(runDir, {runId, plan: snapshot.context.plan.name, outcome: snapshot.context.outcome, signal: snapshot.context.signal, exitCode: code, tasks: snapshot.context.tasks, verify: snapshot.context.verify, revisions: snapshot.context.revisions.map(r => ({number: r.number, decision: r.decision}))});
		if (flags.headless && flags.writeBack && snapshot.context.revisions.length > 1) {
			io.stderr(writeBackReport(prepared.planFile, snapshot.context.plan, runDir, snapshot.context.revisions.length));
		}
		return code;
	} finally {
		engine.close();
		for (const [signal, handler] of handlers) process.off(signal, handler);
	}
}

function bannerFor(entry: JournalEntry, plan: Plan, banner: (text: string) => void): void {
	switch (entry.type) {
		case 'phase.started': {
			const phase = plan.phases[entry.phaseIndex];
			banner(`phase ${entry.phaseIndex + 1} of ${plan.phases.length}: ${entry.name} (${phase?.mode ?? 'parallel'}, ${entry.tasks.length} task${entry.tasks.length === 1 ? '' : 's'})`);
			break;
		}
		case 'task.exited':
			banner(`${entry.outcome === 'passed' ? '✓' : '✗'} ${entry.taskId} ${entry.outcome}${entry.reason ? ` (${entry.reason})` : ''}`);
			break;
		case 'task.skipped':
			banner(`- ${entry.taskId} skipped (${entry.reason})`);
			break;
		case 'task.stopped':
			banner(`■ ${entry.taskId} ${entry.status}: ${entry.reason}`);
			break;
		case 'conflict.detected': {
			const c = entry.conflict;
			const who = c.taskId ?? c.suspects.join(' or ');
			banner(`! conflict: ${who} ${c.how === 'declared' ? 'asked for' : 'changed'} ${c.path}, which it does not own${c.owner ? ` (owner: ${c.owner})` : ' (no task owns it)'}${c.reason ? `: "${c.reason}"` : ''}`);
			break;
		}
		case 'conflict.decided':
			banner(`→ ${entry.decision}`);
			break;
		case 'verify.started':
			banner(`verify: ${entry.command}`);
			break;
		case 'verify.exited':
			banner(`${entry.status === 'passed' ? '✓' : '✗'} verify ${entry.command} ${entry.status}`);
			break;
		default:
			break;
	}
}

async function driveHeadless(engine: Engine, runDir: string, flags: Flags, io: CommandIO): Promise<number> {
	const memory = {answered: new Set<number>()};
	let lastState = '';
	let lastConflict: number | undefined;
	engine.actor.subscribe(snapshot => {
		const state = String(snapshot.value);
		const conflictId = snapshot.context.conflicts[0]?.id;
		if (state === lastState && (state !== 'conflict' || conflictId === lastConflict) && !snapshot.context.refusal) return;
		lastState = state;
		lastConflict = conflictId;
		const answer = headlessAnswer(state, snapshot.context, flags.policy, memory);
		if (answer) queueMicrotask(() => engine.actor.send(answer));
	});
	await engine.start();
	await engine.finished;
	const snapshot = engine.actor.getSnapshot();
	const code = exitCodeOf(snapshot) ?? 1;
	if (!flags.json) {
		const outcome = outcomeLine(snapshot.context.plan.name, snapshot.context.outcome, code, snapshot.context);
		io.stdout(formatSummary(snapshot.context, outcome, {color: io.color, runDir, workspace: snapshot.context.workspace, logPathOf: key => logPathFor(runDir, key)}));
	}
	if (snapshot.context.outcome === 'conflict') {
		const conflict = snapshot.context.conflicts[0];
		if (conflict) {
			const who = conflict.taskId ?? conflict.suspects.join(' or ');
			io.stderr(`fanout: stopped on a conflict: ${who} needs ${conflict.path}, which it does not own${conflict.owner ? ` (owned by ${conflict.owner})` : ''}. To fix it, give ${conflict.path} to ${who} in the plan, or run again with --on-conflict defer (a revision moving ${who} to a new phase after this one, owning ${conflict.path}).\n`);
		}
	}
	return code;
}

function outcomeLine(name: string, outcome: string | undefined, code: number, ctx: OrchestratorContext): string {
	const seconds = (((ctx.endedAt ?? Date.now()) - ctx.startedAt) / 1000).toFixed(1);
	const words: Record<string, string> = {
		passed: 'passed',
		failed: 'failed',
		aborted: 'aborted',
		conflict: 'stopped on a conflict',
		interrupted: 'interrupted',
	};
	const speedup = parallelSpeedup(ctx);
	return `fanout · ${name} · ${words[outcome ?? ''] ?? outcome ?? 'ended'} in ${seconds}s · exit ${code}${speedup === undefined ? '' : ` · ${speedup.toFixed(1)}x faster in parallel`}`;
}

async function driveInteractive(engine: Engine, prepared: Prepared, runDir: string, io: CommandIO, planFileEditable: boolean): Promise<number | typeof EDIT_PLAN> {
	const {runInteractive} = await withoutFetch(() => import('../tui.js'));
	return runInteractive(engine, {
		color: io.color,
		planFile: prepared.planFile,
		planFileEditable,
		writeBack: plan => void writePlanBack(prepared.planFile, plan, runDir),
		// The file is named after the revision the edit would make, beside plan.rN.yaml.
		editPlan: (plan, conflict) => editPlan(plan, {runDir, revision: engine.actor.getSnapshot().context.revisions.length + 1, conflict}),
	});
}

// `fanout run PLAN` and `fanout resume [RUN_ID]`: parse the arguments, load and check the plan
// (or rebuild the run from its journal), then hand over to the engine's session with a driver:
// headless (flags answer for the user) or the TUI.

import {existsSync, rmSync} from 'node:fs';
import {resolve} from 'node:path';
import {formatReport} from '../plan/report-format.js';
import {loadPlan} from '../plan/load.js';
import {validatePlan} from '../plan/validate.js';
import {planToYaml} from '../plan/yaml.js';
import {missingAgents} from '../runner/agents/index.js';
import {writePlanBack} from '../runner/write-back.js';
import {editorCommand, editPlan, runEditorSync} from '../runner/edit-plan.js';
import {withTimersPaused} from '../runner/pausable-timers.js';
import {createRunDir, newRunId} from '../runner/journal.js';
import {describeIoError} from '../runner/errors.js';
import {SETUP_FAULT_EXIT_CODE} from '../engine/fault.js';
import {findRun, latestResumableRun, rebuildRun, stopLeftovers} from '../engine/resume.js';
import {DEFAULT_GRACE_MS, runSession} from '../engine/session.js';
import type {Driver, Prepared, ResumeState} from '../engine/session.js';
import type {EditPlanRequest} from '../engine/types.js';
import {headlessDriver} from '../headless/drive.js';
import type {HeadlessPolicy} from '../headless/policy.js';
import {withoutFetch} from '../without-fetch.js';
import {commandArgs, usageError as commandUsageError} from './args.js';
import type {Command, CommandIO} from './io.js';
import {copyBundledPlan} from './bundled-plan.js';

const runOptions = {
	workspace: {type: 'string'},
	headless: {type: 'boolean'},
	yes: {type: 'boolean', short: 'y'},
	json: {type: 'boolean'},
	'output-lines': {type: 'boolean'},
	'max-parallel': {type: 'string'},
	'keep-going': {type: 'boolean'},
	'on-conflict': {type: 'string'},
	'write-back': {type: 'boolean'},
	grace: {type: 'string'},
} as const;

const RUN_USAGE = `Usage: fanout run PLAN [options]

  --workspace DIR         folder the tasks work in (overrides the plan's workspace:)
  --headless              no interactive UI (automatic when stdout is not a terminal)
  --yes, -y               approve every phase (required headless)
  --json                  headless: print the run's events as JSON lines
  --output-lines          with --json: every task output line too, as {"type":"task.output",...}
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
	readonly outputLines: boolean;
	readonly maxParallel?: number;
	readonly policy: HeadlessPolicy;
	readonly writeBack: boolean;
	readonly graceMs?: number;
};

type Parsed = {readonly flags: Flags; readonly positionals: readonly string[]} | {readonly exit: number};

type RunCommandName = 'run' | 'resume';

function usageError(io: CommandIO, command: RunCommandName, usage: string, message: string): {exit: number} {
	return {exit: commandUsageError(io, command, message, usage)};
}

type RunValues = {[K in keyof typeof runOptions]?: (typeof runOptions)[K]['type'] extends 'string' ? string : boolean};

function parseFlags(argv: readonly string[], io: CommandIO, command: RunCommandName, usage: string): Parsed {
	const args = commandArgs<RunValues>(argv, io, command, usage, runOptions);
	if (!args.ok) return {exit: args.exit};
	const {values, positionals} = args;
	let maxParallel: number | undefined;
	if (values['max-parallel'] !== undefined) {
		maxParallel = Number(values['max-parallel']);
		if (!Number.isInteger(maxParallel) || maxParallel < 1) return usageError(io, command, usage, '--max-parallel takes a whole number of at least 1');
	}
	let graceMs: number | undefined;
	if (values['grace'] !== undefined) {
		graceMs = Number(values['grace']) * 1000;
		if (!Number.isFinite(graceMs) || graceMs < 0) return usageError(io, command, usage, '--grace takes a number of seconds');
	}
	if (values['output-lines'] && !values['json']) return usageError(io, command, usage, '--output-lines goes with --json (the plain headless output already shows every line)');
	const onConflict = (values['on-conflict'] as string | undefined) ?? 'abort';
	if (onConflict !== 'abort' && onConflict !== 'defer' && onConflict !== 'skip') {
		return usageError(io, command, usage, `--on-conflict takes abort, defer or skip (not "${onConflict}")`);
	}
	return {
		positionals,
		flags: {
			...(values['workspace'] === undefined ? {} : {workspace: values['workspace'] as string}),
			headless: Boolean(values['headless']) || Boolean(values['json']) || !io.isTTY,
			yes: Boolean(values['yes']),
			json: Boolean(values['json']),
			outputLines: Boolean(values['output-lines']),
			...(maxParallel === undefined ? {} : {maxParallel}),
			policy: {keepGoing: Boolean(values['keep-going']), onConflict},
			writeBack: Boolean(values['write-back']),
			...(graceMs === undefined ? {} : {graceMs}),
		},
	};
}

/** What an interactive run returns when the user pressed `e` on the plan review. */
const EDIT_PLAN: EditPlanRequest = 'edit-plan';

/** `fanout run PLAN` */
export const runCommand: Command = async (argv, io) => {
	const parsed = parseFlags(argv, io, 'run', RUN_USAGE);
	if ('exit' in parsed) return parsed.exit;
	const {flags, positionals} = parsed;
	if (positionals.length !== 1) return usageError(io, 'run', RUN_USAGE, positionals.length === 0 ? 'name the plan to run' : 'run takes one plan').exit;
	const planFile = resolve(io.cwd, positionals[0]!);
	if (!existsSync(planFile)) return usageError(io, 'run', RUN_USAGE, `no such plan file: ${positionals[0]}`).exit;
	const {runFile, runFlags, ranOnCopy} = onCopyIfBundled(planFile, flags, io);
	// Interactively, `e` on the plan review edits the plan file; the run then starts over from it.
	for (;;) {
		const result = await runPlanFile(runFile, runFlags, io);
		if (result !== EDIT_PLAN) {
			ranOnCopy?.();
			return result;
		}
		const edited = runEditorSync(editorCommand(), runFile);
		if (!edited.ok) io.stderr(`fanout: ${edited.reason}\n`);
	}
};

/**
 * fanout's own example plans (its `plans/` folder) run on a temporary copy of that folder, as the
 * demo does, so a run never changes the sample app that ships with fanout. Says where the copy
 * is before the run and again after it (a terminal run's screen hides the first message).
 */
function onCopyIfBundled(planFile: string, flags: Flags, io: CommandIO): {runFile: string; runFlags: Flags; ranOnCopy?: () => void} {
	const bundled = copyBundledPlan(planFile, flags.workspace, io.cwd);
	if (!bundled) return {runFile: planFile, runFlags: flags};
	const where = `fanout: ${bundled.planFile} is a copy of fanout's example plan ${planFile}, with the sample app beside it in ${bundled.folder}/plans; fanout's own plans/ stay unchanged.\n`;
	io.stderr(where);
	return {
		runFile: bundled.planFile,
		runFlags: bundled.workspace === undefined ? flags : {...flags, workspace: bundled.workspace},
		ranOnCopy: () => io.stderr(`fanout: the example ran on a copy, kept in ${bundled.folder}/plans; fanout's own plans/ are unchanged.\n`),
	};
}

/** Loads, checks and runs the plan file once; interactively, EDIT_PLAN when the user asked to edit it first. */
async function runPlanFile(planFile: string, flags: Flags, io: CommandIO): Promise<number | EditPlanRequest> {
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
	let runDir: string;
	try {
		runDir = createRunDir(prepared.workspace, runId, planToYaml(prepared.plan));
	} catch (error) {
		// The user's own folder (a file named .fanout, a read-only or full disk): words, not a bug.
		const words = describeIoError(error);
		if (words === undefined) throw error;
		io.stderr(`fanout: cannot make the run folder: ${words}. Nothing was started.
`);
		return SETUP_FAULT_EXIT_CODE;
	}
	const result = await session(prepared, runId, runDir, flags, io, {}, !flags.headless);
	// Nothing ran: the run folder of a plan sent back to the editor is not a run to list.
	if (result === EDIT_PLAN) rmSync(runDir, {recursive: true, force: true});
	return result;
}

/** `fanout resume [RUN_ID]` */
export const resumeCommand: Command = async (argv, io) => {
	const parsed = parseFlags(argv, io, 'resume', RESUME_USAGE);
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
	const runDir = findRun(workspace, runId);
	if (runDir === undefined) {
		io.stderr(`fanout: no run "${runId}" in ${workspace}. \`fanout runs\` lists the runs.\n`);
		return 2;
	}
	if (flags.headless && !flags.yes) {
		io.stderr('fanout: a headless resume needs --yes to approve its phases.\n');
		return 2;
	}
	const stopped = await stopLeftovers(runDir, flags.graceMs ?? DEFAULT_GRACE_MS);
	if (stopped > 0) io.stderr(`fanout: stopped ${stopped} process group(s) left by the interrupted run.\n`);
	const rebuilt = rebuildRun(runId, runDir);
	if (!rebuilt.ok) {
		io.stderr(`fanout: ${rebuilt.message}\n`);
		return rebuilt.exitCode;
	}
	const openConflicts = rebuilt.resumed.openConflicts ?? [];
	if (openConflicts.length > 0) {
		const words = openConflicts.map(c => `${c.taskId ?? c.suspects.join(' or ')} needs ${c.path}`).join('; ');
		io.stderr(`fanout: run ${runId} stopped at a conflict (${words}): it will be asked again once the phase is approved.\n`);
	}
	const result = await session(rebuilt.prepared, runId, runDir, flags, io, rebuilt.resumed, false);
	// A resumed run's plan is the run folder's copy, not a file to edit: the review offers no `e`.
	return result === EDIT_PLAN ? 1 : result;
};

/** Hands the prepared run to the engine's session, with the driver the flags ask for. */
function session(prepared: Prepared, runId: string, runDir: string, flags: Flags, io: CommandIO, resumed: ResumeState, planFileEditable: boolean): Promise<number | EditPlanRequest> {
	const driver = flags.headless
		? headlessDriver(prepared.plan, {policy: flags.policy, json: flags.json, outputLines: flags.outputLines, runDir}, io)
		: interactiveDriver(prepared, runDir, io, planFileEditable);
	return runSession(
		prepared,
		{
			runId,
			runDir,
			...(flags.graceMs === undefined ? {} : {graceMs: flags.graceMs}),
			...(flags.maxParallel === undefined ? {} : {maxParallel: flags.maxParallel}),
			writeBack: flags.headless && flags.writeBack,
			onWarning: message => io.stderr(`fanout: warning: ${message}\n`),
			onWroteBack: message => io.stderr(message),
		},
		driver,
		resumed,
	);
}

/** The TUI as the session's driver; loaded only when a run is interactive. */
function interactiveDriver(prepared: Prepared, runDir: string, io: CommandIO, planFileEditable: boolean): Driver {
	return {
		describesPhases: true,
		// A fork of fanout holds the event loop ~10 ms per task; the pool keeps keys and frames going.
		pool: true,
		async drive(engine) {
			const {runInteractive} = await withoutFetch(() => import('../ui/tui.js'));
			return runInteractive(engine, {
				color: io.color,
				planFile: prepared.planFile,
				planFileEditable,
				writeBack: plan => void writePlanBack(prepared.planFile, plan, runDir),
				// The file is named after the revision the edit would make, beside plan.rN.yaml.
				// The editor blocks this process: task timeouts are held and its time is taken off the
				// running tasks' clocks (README, "Conflicts").
				editPlan: (plan, conflict) =>
					withTimersPaused(
						() => editPlan(plan, {runDir, revision: engine.actor.getSnapshot().context.revisions.length + 1, conflict}),
						ms => engine.actor.send({type: 'clock.paused', ms}),
					),
			});
		},
	};
}

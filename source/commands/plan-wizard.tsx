// The planning wizard as `fanout plan` (in a terminal) and the start screen open it: scans the
// workspace, runs the wizard's machine with the real effects (the agent planner, writing
// plans/<name>.yaml), renders it with Ink, and after saving runs the plan when the user asks to.

import {relative, resolve} from 'node:path';
import {render, type RenderOptions} from 'ink';
import {createActor, fromPromise, toPromise} from 'xstate';
import {wizardMachine} from '../machine/wizard.js';
import type {PlannerRequest, SaveRequest, SaveResult, WizardOutput} from '../machine/wizard-types.js';
import {planJsonSchema} from '../plan/json-schema.js';
import {plannerPrompt} from '../plan/planner-prompt.js';
import {isPlannerAgent, type PlannerAgent} from '../plan/agents.js';
import type {AgentSpec} from '../plan/types.js';
import {listWorkspaceFiles, summarizeTree} from '../plan/workspace-tree.js';
import {editInEditor} from '../runner/edit-plan.js';
import {spawnPlanner, type PlannerContext} from '../runner/planner-agent.js';
import {InkWriter, lendTerminal} from '../ui/lend-terminal.js';
import type {EditPromptInEditor} from '../ui/wizard/review-step.js';
import {WizardScreen, type WizardActor} from '../ui/wizard/wizard-screen.js';
import type {CommandIO} from './io.js';
import {savePlanFile, workspaceField} from './plan-file.js';

/** What the wizard receives when `fanout plan` runs in a terminal without --pattern. */
export type WizardOptions = {readonly workspace: string; readonly goal?: string; readonly out?: string; readonly agent?: AgentSpec};

/** Runs a saved plan (`fanout run <file>`), resolving with its exit code. */
export type RunPlan = (file: string, io: CommandIO) => Promise<number>;

/**
 * Runs an agent planner and resolves with its stdout, like runner/planner-agent.ts's RunPlanner, plus a signal
 * that fires when the user leaves the planning step: the agent must stop then, or it would
 * keep fanout alive after the wizard ends (spawnPlanner's `signal`). Any RunPlanner fits: it
 * may ignore the signal.
 */
export type WizardRunPlanner = (prompt: string, agent: PlannerAgent, context: PlannerContext, signal: AbortSignal) => Promise<string>;

/** The wizard's outside world, replaceable in tests. */
export type WizardDeps = {
	/** The agent planner (default: the real agent CLI, as `fanout plan --planner`). */
	readonly runPlanner?: WizardRunPlanner;
	/** Runs the plan when the user says "run it now" (default: `fanout run <file>`). */
	readonly runPlan?: RunPlan;
	/** Ink's render options for tests (stdin/stdout of a fake terminal). */
	readonly renderOptions?: RenderOptions;
	/**
	 * Edits a prompt in the user's editor (review `e`). Default: $VISUAL/$EDITOR on this
	 * terminal, lent by Ink for the time; none when deps.renderOptions gives another terminal.
	 */
	readonly editInEditor?: EditPromptInEditor;
};

/** Builds the wizard's actor over a workspace's files, with the real save and the given planner. */
export function createWizardActor(options: WizardOptions, io: CommandIO, files: readonly string[], runPlanner: WizardRunPlanner): WizardActor {
	const schema = planJsonSchema();
	const machine = wizardMachine.provide({
		actors: {
			planner: fromPromise<string, PlannerRequest>(async ({input, signal}) => {
				const tree = summarizeTree(files);
				const prompt = plannerPrompt({goal: input.goal, tree, schema, ...(input.errors.length > 0 ? {errors: input.errors} : {})});
				return runPlanner(prompt, input.agent, {cwd: options.workspace, schema}, signal);
			}),
			save: fromPromise<SaveResult, SaveRequest>(async ({input}) => savePlanFile(input.plan, input.path, input.overwrite, io, options.workspace)),
		},
	});
	const planner = isPlannerAgent(options.agent) ? options.agent : undefined;
	return createActor(machine, {
		input: {
			files,
			...(options.goal === undefined ? {} : {goal: options.goal}),
			...(options.agent === undefined ? {} : {agent: options.agent}),
			...(planner === undefined ? {} : {planner}),
			...(options.out === undefined ? {} : {out: options.out}),
			workspaceFor: path => workspaceField(resolve(io.cwd, path), options.workspace),
		},
	});
}

/**
 * Runs the wizard to its end and returns how it ended: `{outcome: 'saved', file, runNow}` (file
 * relative to io.cwd) or `{outcome: 'cancelled'}`. Renders with Ink on the process's terminal
 * unless deps.renderOptions gives another.
 */
export async function runWizard(options: WizardOptions, io: CommandIO, deps: WizardDeps = {}): Promise<WizardOutput> {
	const runPlanner = deps.runPlanner ?? ((prompt, agent, context, signal) => spawnPlanner(prompt, agent, {...context, signal}));
	const {files} = await listWorkspaceFiles(options.workspace);
	const actor = createWizardActor(options, io, files, runPlanner);
	actor.start();
	let inkWrite: ((data: string) => void) | undefined;
	const onWriter = (write: (data: string) => void): void => {
		inkWrite = write;
	};
	const editor: EditPromptInEditor | undefined =
		deps.editInEditor ??
		(deps.renderOptions
			? undefined
			: (text, taskId) =>
					lendTerminal(
						() => editInEditor(text, `${taskId}.prompt.md`),
						() => inkWrite?.(''),
					));
	const screen = <WizardScreen actor={actor} workspace={relative(io.cwd, options.workspace) || '.'} color={io.color} {...(editor ? {editInEditor: editor} : {})} />;
	const instance = render(
		<>
			{screen}
			<InkWriter onWriter={onWriter} />
		</>,
		{
			exitOnCtrlC: false,
			patchConsole: false,
			...deps.renderOptions,
		},
	);
	try {
		return await toPromise(actor);
	} finally {
		actor.stop();
		instance.unmount();
		instance.cleanup();
	}
}

/** How a wizard opened from a command ended: an exit code, or 'cancelled' (left unsaved). */
export type WizardExit = number | 'cancelled';

/**
 * The wizard to its end: 'cancelled' when left unsaved, 2 without a terminal, 0 when a plan was
 * saved (or the code of `fanout run` when the user chose to run it now).
 */
export function createWizardOpener(deps: WizardDeps = {}): (options: WizardOptions, io: CommandIO) => Promise<WizardExit> {
	const runPlan: RunPlan = deps.runPlan ?? (async (file, io) => (await import('./run.js')).runCommand([file], io));
	return async (options, io) => {
		if (!deps.renderOptions?.stdin && !process.stdin.isTTY) {
			io.stderr('fanout plan: the wizard reads keys from a terminal, and stdin is not one. Use --pattern or --planner (see fanout plan --help).\n');
			return 2;
		}
		const output = await runWizard(options, io, deps);
		if (output.outcome === 'cancelled') return 'cancelled';
		if (!output.runNow) {
			io.stdout(`Saved ${output.file}. Run it with \`fanout run ${output.file}\`.\n`);
			return 0;
		}
		return runPlan(output.file, io);
	};
}

/**
 * Builds the `openWizard` hook of createPlanCommand. Exit codes: 0 when a plan was saved (or the
 * code of `fanout run` when the user chose to run it now), 1 when the wizard was left unsaved.
 */
export function createOpenWizard(deps: WizardDeps = {}): (options: WizardOptions, io: CommandIO) => Promise<number> {
	const open = createWizardOpener(deps);
	return async (options, io) => {
		const exit = await open(options, io);
		if (exit !== 'cancelled') return exit;
		io.stderr('fanout plan: left without saving a plan.\n');
		return 1;
	};
}

/** The wizard as createPlanCommand's hook, with the real agents and `fanout run`. */
export const openWizard = createOpenWizard();

/** The wizard as the start screen opens it: left unsaved, it goes back to the start screen. */
export const openWizardFromStart = createWizardOpener();

// `fanout plan`: proposes a plan from a goal and a pattern (or asks an agent planner) and writes
// it as YAML without asking questions; in a terminal without --pattern or --planner it opens the
// wizard (plan-wizard.tsx). The agent run and the wizard are injected, so tests use a fake
// agent executable and a fake terminal.

import {existsSync, statSync} from 'node:fs';
import {relative, resolve} from 'node:path';
import {checkPlanText} from '../plan/check.js';
import {planJsonSchema} from '../plan/json-schema.js';
import {findingLine, parsePlannerAnswer, plannerPrompt} from '../plan/planner-prompt.js';
import {proposePlan, slugify} from '../plan/propose.js';
import type {Plan} from '../plan/types.js';
import {listWorkspaceFiles, normalizeRoot, summarizeTree} from '../plan/workspace-tree.js';
import type {PlannerAgent} from '../plan/agents.js';
import {spawnPlanner, type RunPlanner} from '../runner/planner-agent.js';
import type {Command, CommandIO} from './io.js';
import {parsePlanArgs, planUsage as usage, type PlanOptions} from './plan-args.js';
import {planFileYaml, workspaceField, writePlanFile} from './plan-file.js';
import {openWizard, type WizardOptions} from './plan-wizard.js';

/** The outside world of the plan command, replaceable in tests. */
export type PlanCommandDeps = {
	readonly runPlanner?: RunPlanner;
	/** The interactive wizard; when absent, a terminal gets the same usage message as a script. */
	readonly openWizard?: (options: WizardOptions, io: CommandIO) => Promise<number>;
};

const isDirectory = (path: string) => {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
};

function countTasks(plan: Plan): number {
	return plan.phases.reduce((n, p) => n + p.tasks.length, 0);
}

/** Prints the notes, the file written and the verdict; returns the exit code. */
function report(io: CommandIO, plan: Plan, shownPath: string, notes: readonly string[], errors: readonly string[], warnings: readonly string[]): number {
	for (const note of notes) io.stdout(`  ${note}\n`);
	const phases = plan.phases.length;
	io.stdout(`Wrote ${shownPath}: ${phases} phase${phases === 1 ? '' : 's'}, ${countTasks(plan)} task${countTasks(plan) === 1 ? '' : 's'}.\n`);
	for (const error of errors) io.stdout(`  error: ${error}\n`);
	for (const warning of warnings) io.stdout(`  warning: ${warning}\n`);
	if (errors.length > 0) {
		io.stdout(`Invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}. Fix them in ${shownPath}, then run \`fanout validate ${shownPath}\`.\n`);
		return 1;
	}
	io.stdout(`Valid${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}. Run it with \`fanout run ${shownPath}\`.\n`);
	return 0;
}

/** Builds the plan command around its outside world. */
export function createPlanCommand(deps: PlanCommandDeps = {}): Command {
	const runPlanner = deps.runPlanner ?? ((prompt, agent, context) => spawnPlanner(prompt, agent, context));
	return async (argv, io) => {
		const parsed = parsePlanArgs(argv, io.cwd);
		if (!parsed.ok) {
			io.stderr(`fanout plan: ${parsed.error}.\n\n${usage}`);
			return 2;
		}
		const options = parsed.options;
		if (options.help) {
			io.stdout(usage);
			return 0;
		}
		if (!isDirectory(options.workspace)) {
			io.stderr(`fanout plan: workspace ${options.workspace} does not exist or is not a folder.\n`);
			return 2;
		}
		if (options.pattern === undefined && options.planner === undefined) {
			if (io.isTTY && deps.openWizard) {
				return deps.openWizard({workspace: options.workspace, ...(options.goal === undefined ? {} : {goal: options.goal}), ...(options.out === undefined ? {} : {out: options.out}), ...(options.agent === undefined ? {} : {agent: options.agent})}, io);
			}
			io.stderr(`fanout plan: --pattern (or --planner) is required without a terminal.\n\n${usage}`);
			return 2;
		}
		if (options.goal === undefined) {
			io.stderr(`fanout plan: --goal is required: say what the agents should do.\n\n${usage}`);
			return 2;
		}
		const {files} = await listWorkspaceFiles(options.workspace);
		if (options.root !== undefined) {
			const root = normalizeRoot(options.root);
			if (root !== '' && !files.some(f => f.startsWith(`${root}/`))) {
				io.stderr(`fanout plan: no files under --root ${options.root} in ${options.workspace}.\n`);
				return 2;
			}
		}
		const target: Target = {
			workspace: options.workspace,
			files,
			outFor: name => resolve(io.cwd, options.out ?? `plans/${name}.yaml`),
			shown: file => {
				const rel = relative(io.cwd, file);
				return rel.startsWith('..') ? file : rel;
			},
			force: options.force,
		};

		// Known before planning: refuse before an agent spends minutes on a plan that cannot be saved.
		if (options.out !== undefined && refusesOverwrite(io, resolve(io.cwd, options.out), target)) return 2;
		if (options.planner !== undefined) {
			return planWithAgent(options, options.planner, options.goal, runPlanner, target, io);
		}
		const proposal = proposePlan({
			goal: options.goal,
			pattern: options.pattern!,
			files,
			...(options.root === undefined ? {} : {root: options.root}),
			features: options.features,
			...(options.agent === undefined ? {} : {agent: options.agent}),
			...(options.name === undefined ? {} : {name: options.name}),
		});
		return writeAndReport(io, proposal.plan, proposal.notes, target);
	};
}

/** Where a proposed plan goes: the workspace and its files, the output path and how to show it. */
type Target = {
	readonly workspace: string;
	readonly files: readonly string[];
	/** The output file for a plan name (absolute). */
	readonly outFor: (name: string) => string;
	/** A file as the user should read it (relative to the current folder when inside it). */
	readonly shown: (file: string) => string;
	/** --force: an existing output file may be overwritten. */
	readonly force: boolean;
};

/**
 * A script has nobody to ask (the wizard asks): an existing file is the user's work, kept unless
 * --force says otherwise. Says so and returns true when the write must not happen.
 */
function refusesOverwrite(io: CommandIO, out: string, target: Target): boolean {
	if (target.force || !existsSync(out)) return false;
	io.stderr(`fanout plan: ${target.shown(out)} already exists; nothing was written. Give another --out, or add --force to overwrite it.\n`);
	return true;
}

/**
 * Points the plan's `workspace:` from its file, writes it as YAML, and reports what the loader
 * and validation make of exactly the text written. Returns the exit code.
 */
function writeAndReport(io: CommandIO, proposed: Plan, notes: readonly string[], target: Target): number {
	const out = target.outFor(proposed.name);
	if (refusesOverwrite(io, out, target)) return 2;
	const plan: Plan = {...proposed, workspace: workspaceField(out, target.workspace)};
	const yaml = planFileYaml(plan, out, [io.cwd, target.workspace]);
	// What the loader and validation make of exactly the text written.
	const checked = checkPlanText(yaml, target.shown(out), target.files);
	const failure = writePlanFile(out, yaml);
	if (failure) {
		io.stderr(`fanout plan: ${failure}.\n`);
		return 2;
	}
	return report(io, plan, target.shown(out), notes, checked.errors.map(findingLine), checked.warnings.map(findingLine));
}

async function planWithAgent(options: PlanOptions, agent: PlannerAgent, goal: string, runPlanner: RunPlanner, target: Target, io: CommandIO): Promise<number> {
	const {files} = target;
	const schema = planJsonSchema();
	const tree = summarizeTree(files);
	let errors: readonly string[] = [];
	let answer: ReturnType<typeof parsePlannerAnswer> | undefined;
	for (let attempt = 0; attempt <= options.retries; attempt++) {
		io.stderr(attempt === 0 ? `Asking ${agent} for a plan…\n` : `Asking ${agent} again with ${errors.length} error${errors.length === 1 ? '' : 's'}…\n`);
		let text: string;
		try {
			text = await runPlanner(plannerPrompt({goal, tree, schema, ...(errors.length > 0 ? {errors} : {})}), agent, {cwd: options.workspace, schema});
		} catch (error) {
			io.stderr(`fanout plan: ${agent} could not plan: ${error instanceof Error ? error.message : String(error)}.\n`);
			return 1;
		}
		answer = parsePlannerAnswer(text, files, `${agent}'s answer`);
		if (answer.ok) break;
		errors = answer.errors;
	}
	if (!answer) return 1;
	if (!answer.plan) {
		io.stderr(`fanout plan: ${agent}'s answer is not a usable plan; nothing was written.\n`);
		for (const error of answer.errors) io.stderr(`  error: ${error}\n`);
		return 1;
	}
	const named: Plan = {
		...answer.plan,
		...(options.name === undefined ? {} : {name: slugify(options.name, 'plan')}),
		...(options.agent === undefined ? {} : {agent: options.agent}),
		goal: answer.plan.goal ?? goal,
	};
	return writeAndReport(io, named, [`Planned by ${agent} (pattern ${named.pattern}).`], target);
}

/** `fanout plan`: scripted with --pattern or --planner, the wizard in a terminal otherwise. */
export const planCommand: Command = createPlanCommand({openWizard});

// `fanout plan`: proposes a plan from a goal and a pattern (or asks an agent planner) and writes
// it as YAML without asking questions. The agent run and the wizard are injected, so tests use
// a fake agent executable and the interactive wizard can be wired in by cli.tsx later.

import {spawn} from 'node:child_process';
import {mkdirSync, statSync} from 'node:fs';
import {dirname, relative, resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {planJsonSchema} from '../plan/json-schema.js';
import {parsePlanText} from '../plan/load.js';
import {findingLine, parsePlannerAnswer, plannerPrompt} from '../plan/planner-prompt.js';
import {proposePlan, proposalPatterns, slugify, type FeatureSpec, type ProposalPattern} from '../plan/propose.js';
import type {AgentSpec, Plan, ValidationReport} from '../plan/types.js';
import {validatePlanAgainstFiles} from '../plan/validate.js';
import {listWorkspaceFiles, normalizeRoot, summarizeTree} from '../plan/workspace-tree.js';
import {planToYaml} from '../plan/yaml.js';
import {writeFileSafely} from '../runner/safe-write.js';
import type {Command, CommandIO} from './io.js';
import {localSchemaReference} from './schema.js';

/** Agents that can plan headless. */
export type PlannerAgent = 'claude' | 'codex' | 'gemini';
const plannerAgents: readonly PlannerAgent[] = ['claude', 'codex', 'gemini'];
const taskAgents = ['claude', 'codex', 'gemini', 'aider'] as const;

/** Where and how the planner runs. */
export type PlannerContext = {
	/** The workspace: the agent runs there so it can look at the files. */
	readonly cwd: string;
	/** The plan's JSON Schema, for agents that accept one. */
	readonly schema: object;
};

/** Runs an agent headless on a planning prompt and returns everything it printed on stdout. */
export type RunPlanner = (prompt: string, agent: PlannerAgent, context: PlannerContext) => Promise<string>;

/** What the wizard receives when `fanout plan` runs in a terminal without --pattern. */
export type WizardOptions = {readonly workspace: string; readonly goal?: string; readonly out?: string; readonly agent?: AgentSpec};

/** The outside world of the plan command, replaceable in tests. */
export type PlanCommandDeps = {
	readonly runPlanner?: RunPlanner;
	/** The interactive wizard; when absent, a terminal gets the same usage message as a script. */
	readonly openWizard?: (options: WizardOptions, io: CommandIO) => Promise<number>;
};

const usage = `Usage: fanout plan --pattern PATTERN --goal TEXT [options]
       fanout plan --planner AGENT --goal TEXT [options]

Proposes a plan and writes it as YAML, without questions.

  --pattern P          ${proposalPatterns.map(p => `${p.pattern.padEnd(11)}${p.useWhen}`).join('\n                       ')}
  --goal TEXT          what the agents should do (required)
  --root DIR           source folder whose subfolders are the modules (default: the biggest one)
  --feature N=G,G      a feature and its globs, for --pattern feature (repeatable)
  --agent A            agent of the tasks: claude (default), codex, gemini, aider
  --name NAME          plan name (default: from the goal)
  --out FILE           where to write (default: plans/<name>.yaml)
  --workspace DIR      folder the tasks work in (default: the current directory)
  --planner A          let an agent plan it: claude, codex or gemini
  --retries N          with --planner: ask again with the errors, up to N times (default 0)
`;

type Options = {
	readonly pattern?: ProposalPattern;
	readonly planner?: PlannerAgent;
	readonly goal?: string;
	readonly root?: string;
	readonly features: readonly FeatureSpec[];
	readonly agent?: AgentSpec;
	readonly name?: string;
	readonly out?: string;
	readonly workspace: string;
	readonly retries: number;
	readonly help: boolean;
};

/** Parses the arguments, or says what is wrong with them. */
export function parsePlanArgs(argv: readonly string[], cwd: string): {readonly ok: true; readonly options: Options} | {readonly ok: false; readonly error: string} {
	let values;
	try {
		({values} = parseArgs({
			args: [...argv],
			strict: true,
			allowPositionals: false,
			options: {
				pattern: {type: 'string'},
				planner: {type: 'string'},
				goal: {type: 'string'},
				root: {type: 'string'},
				feature: {type: 'string', multiple: true},
				agent: {type: 'string'},
				name: {type: 'string'},
				out: {type: 'string'},
				workspace: {type: 'string'},
				retries: {type: 'string'},
				help: {type: 'boolean', short: 'h'},
			},
		}));
	} catch (error) {
		return {ok: false, error: error instanceof Error ? error.message.split('\n')[0]! : String(error)};
	}
	if (values.help) return {ok: true, options: {features: [], workspace: cwd, retries: 0, help: true}};
	const pattern = values.pattern;
	if (pattern !== undefined && !proposalPatterns.some(p => p.pattern === pattern)) {
		return {ok: false, error: `unknown pattern "${pattern}": use one of ${proposalPatterns.map(p => p.pattern).join(', ')}`};
	}
	const planner = values.planner;
	if (planner !== undefined && !(plannerAgents as readonly string[]).includes(planner)) {
		return {ok: false, error: `--planner must be one of ${plannerAgents.join(', ')}, not "${planner}"`};
	}
	if (planner !== undefined && pattern !== undefined) return {ok: false, error: 'give either --pattern or --planner, not both'};
	const goal = values.goal?.trim();
	if (values.goal !== undefined && goal === '') return {ok: false, error: '--goal is empty: say what the agents should do'};
	const agent = values.agent;
	if (agent !== undefined && !(taskAgents as readonly string[]).includes(agent)) {
		return {ok: false, error: `--agent must be one of ${taskAgents.join(', ')}, not "${agent}"`};
	}
	const features: FeatureSpec[] = [];
	for (const spec of values.feature ?? []) {
		const eq = spec.indexOf('=');
		const name = eq < 0 ? '' : spec.slice(0, eq).trim();
		const globs = eq < 0 ? [] : spec.slice(eq + 1).split(',').map(g => g.trim()).filter(g => g !== '');
		if (name === '' || globs.length === 0) return {ok: false, error: `--feature "${spec}" should look like name=glob,glob (e.g. auth=src/auth/**)`};
		if (slugify(name, '') === '') return {ok: false, error: `--feature name "${name}" needs at least one letter`};
		features.push({name, globs});
	}
	if (features.length > 0 && pattern !== 'feature') return {ok: false, error: '--feature goes with --pattern feature'};
	let retries = 0;
	if (values.retries !== undefined) {
		retries = Number(values.retries);
		if (!Number.isInteger(retries) || retries < 0 || retries > 5) return {ok: false, error: `--retries must be a whole number from 0 to 5, not "${values.retries}"`};
	}
	if (values.name !== undefined && slugify(values.name, '') === '') return {ok: false, error: `--name "${values.name}" needs at least one letter`};
	return {
		ok: true,
		options: {
			...(pattern === undefined ? {} : {pattern: pattern as ProposalPattern}),
			...(planner === undefined ? {} : {planner: planner as PlannerAgent}),
			...(goal === undefined ? {} : {goal}),
			...(values.root === undefined ? {} : {root: values.root}),
			features,
			...(agent === undefined ? {} : {agent: agent as AgentSpec}),
			...(values.name === undefined ? {} : {name: values.name}),
			...(values.out === undefined ? {} : {out: values.out}),
			workspace: resolve(cwd, values.workspace ?? '.'),
			retries,
			help: false,
		},
	};
}

const isDirectory = (path: string) => {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
};

/** The plan's `workspace:` as seen from the folder the plan file is written to. */
export function workspaceField(outFile: string, workspace: string): string {
	const rel = relative(dirname(outFile), workspace).replaceAll('\\', '/');
	return rel === '' ? '.' : rel;
}

/** Round-trips the YAML through the loader and validates it, so what is written is what was checked. */
function checkWritten(yaml: string, file: string, files: readonly string[]): {readonly report?: ValidationReport; readonly errors: readonly string[]} {
	const parsed = parsePlanText(yaml, file);
	if (!parsed.ok) return {errors: parsed.errors.map(findingLine)};
	const report = validatePlanAgainstFiles(parsed.plan, parsed.source, files);
	return {report, errors: report.errors.map(findingLine)};
}

/**
 * The schema line's target: a `fanout.schema.json` the user keeps (README: `fanout schema >
 * fanout.schema.json`) in the first of `folders` that has one (the current folder, then the
 * workspace), relative to the plan; else `./plan.schema.json` beside the plan, written if missing.
 */
export function schemaReference(outFile: string, folders: readonly string[]): string | undefined {
	for (const folder of folders) {
		const candidate = resolve(folder, 'fanout.schema.json');
		try {
			if (statSync(candidate).isFile()) {
				const rel = relative(dirname(outFile), candidate).replaceAll('\\', '/');
				return rel.startsWith('.') ? rel : `./${rel}`;
			}
		} catch {
			// Not there: try the next folder.
		}
	}
	return localSchemaReference(outFile);
}

/**
 * Writes a plan's text, making its folder; returns why it could not (naming the file as
 * `shown`), or undefined once written.
 */
export function writePlanFile(file: string, yaml: string, shown: string = file): string | undefined {
	try {
		mkdirSync(dirname(file), {recursive: true});
		writeFileSafely(file, yaml);
		return undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOTDIR' ? 'a part of the path is a file' : (code ?? 'unknown error');
		return `cannot write ${shown}: ${why}`;
	}
}

function toYaml(plan: Plan, out: string, folders: readonly string[]): string {
	const schema = schemaReference(out, folders);
	return planToYaml(plan, schema === undefined ? {} : {schema});
}

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
		};

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
};

/**
 * Points the plan's `workspace:` from its file, writes it as YAML, and reports what the loader
 * and validation make of exactly the text written. Returns the exit code.
 */
function writeAndReport(io: CommandIO, proposed: Plan, notes: readonly string[], target: Target): number {
	const out = target.outFor(proposed.name);
	const plan: Plan = {...proposed, workspace: workspaceField(out, target.workspace)};
	const yaml = toYaml(plan, out, [io.cwd, target.workspace]);
	const checked = checkWritten(yaml, target.shown(out), target.files);
	const failure = writePlanFile(out, yaml);
	if (failure) {
		io.stderr(`fanout plan: ${failure}.\n`);
		return 2;
	}
	return report(io, plan, target.shown(out), notes, checked.errors, checked.report?.warnings.map(findingLine) ?? []);
}

async function planWithAgent(options: Options, agent: PlannerAgent, goal: string, runPlanner: RunPlanner, target: Target, io: CommandIO): Promise<number> {
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

/** Options of {@link spawnPlanner}. */
export type SpawnPlannerOptions = PlannerContext & {
	/** Environment of the agent (default: this process's). */
	readonly env?: NodeJS.ProcessEnv;
	/** Give up after this long (default 10 minutes). */
	readonly timeoutMs?: number;
	/**
	 * Stops the agent when it fires: the wizard's user left the planning step, and an agent
	 * left running would keep fanout alive after the wizard ends.
	 */
	readonly signal?: AbortSignal;
};

/** The headless command line of each planner agent; none of them may edit files while planning. */
export function plannerArgv(prompt: string, agent: PlannerAgent, context: PlannerContext): readonly string[] {
	switch (agent) {
		case 'claude':
			return ['claude', '-p', prompt, '--output-format', 'json', '--disallowedTools', 'Edit,Write,NotebookEdit,Bash', '--json-schema', JSON.stringify(context.schema)];
		case 'codex':
			return ['codex', 'exec', '--json', '-s', 'read-only', '--skip-git-repo-check', '-C', context.cwd, prompt];
		case 'gemini':
			return ['gemini', '-p', prompt, '--output-format', 'json'];
	}
}

/**
 * Runs a planner agent as a child process (stdin ignored) and resolves with its stdout. The
 * agent is stopped (SIGTERM, then SIGKILL 2 s later) on timeout or when the signal fires.
 * Rejects with a one-line reason when the agent cannot start, is stopped, or exits without
 * printing anything.
 */
export function spawnPlanner(prompt: string, agent: PlannerAgent, options: SpawnPlannerOptions): Promise<string> {
	const [command, ...args] = plannerArgv(prompt, agent, options);
	const timeoutMs = options.timeoutMs ?? 600_000;
	const {signal} = options;
	return new Promise((resolvePromise, reject) => {
		if (signal?.aborted) {
			reject(new Error('cancelled'));
			return;
		}
		// Not detached: the planner runs while the user watches, so the terminal's Ctrl-C must
		// reach it together with fanout.
		const child = spawn(command!, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		let stderr = '';
		let stopped: string | undefined;
		let killTimer: NodeJS.Timeout | undefined;
		const stop = (why: string) => {
			if (stopped !== undefined) return;
			stopped = why;
			child.kill('SIGTERM');
			// An agent that ignores SIGTERM still goes.
			killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
			killTimer.unref();
		};
		const onAbort = () => stop('cancelled');
		signal?.addEventListener('abort', onAbort, {once: true});
		const timer = setTimeout(() => stop(`no answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
		const finish = () => {
			clearTimeout(timer);
			clearTimeout(killTimer);
			signal?.removeEventListener('abort', onAbort);
		};
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-2000);
		});
		child.on('error', error => {
			finish();
			const code = (error as NodeJS.ErrnoException).code;
			reject(new Error(code === 'ENOENT' ? `${command} is not installed (not found on PATH)` : error.message));
		});
		child.on('close', code => {
			finish();
			const text = Buffer.concat(stdout).toString('utf8');
			if (stopped !== undefined) reject(new Error(stopped));
			else if (text.trim() === '') {
				const last = stderr.trim().split('\n').pop() ?? '';
				reject(new Error(`${command} exited with code ${code ?? 'none'} without an answer${last === '' ? '' : `: ${last}`}`));
			} else resolvePromise(text);
		});
	});
}

/** `fanout plan` with the real agents and no wizard (cli.tsx wires the wizard in later). */
export const planCommand: Command = createPlanCommand();

// The plan's shape: which fields exist, and the checker that turns a parsed YAML/JSON value
// into a typed Plan or into findings that say what to write instead. Hand-written rather
// than zod: messages name the field and the fix, and `fanout validate` starts faster.

import {agentNames} from './agents.js';
import {makeFinding} from './findings.js';
import type {AgentName, AgentSpec, Isolation, WorktreeSettings, ConfiguredAgent, Finding, Pattern, Phase, PhaseMode, Plan, PlanSource, SourcePosition, Task} from './types.js';

/** Fields a plan may have at the top level. */
export const planFields = ['$schema', 'name', 'goal', 'pattern', 'workspace', 'agent', 'permissionMode', 'ignore', 'phases', 'tasks', 'verify', 'isolation', 'worktree', 'gate'] as const;
/** Fields of a phase. */
export const phaseFields = ['name', 'mode', 'isolation', 'tasks'] as const;
/** Fields of a task. */
export const taskFields = ['id', 'title', 'owns', 'reads', 'dependsOn', 'prompt', 'run', 'timeout', 'env', 'agent', 'permissionMode', 'gate'] as const;
/** The named agents (one list, in agents.ts), as json-schema.ts reads them from here. */
export {agentNames};
/** The planning patterns. */
export const patterns: readonly Pattern[] = ['module', 'layer', 'feature', 'read-heavy', 'custom'];
/** Phase modes. */
export const phaseModes: readonly PhaseMode[] = ['parallel', 'sequential'];
/** Isolation modes. */
export const isolationModes: readonly Isolation[] = ['worktree', 'shared'];
/**
 * Task ids and plan names: lowercase letters, digits and '-', at most 64 characters. Ids name
 * log files, worktrees and branches (`<id>.log`, `fanout/<run>/<id>`), so the limit keeps every
 * derived name far below the 255-byte limit of a file name.
 */
export const idPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The id rule in words, quoted by every message that refuses an id. */
export const idRule = "lowercase letters, digits and '-', starting with a letter or digit, at most 64 characters";
/** Phase names are free text, shown in headers and the journal: one line, at most this long. */
export const maxPhaseNameLength = 80;
/** Durations such as `90s`, `10m`, `1h30m`, `1500ms`. */
export const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

// Words people reach for instead of the real field names.
const aliases: Record<string, string> = {
	depends: 'dependsOn',
	depends_on: 'dependsOn',
	after: 'dependsOn',
	needs: 'dependsOn',
	command: 'run',
	cmd: 'run',
	script: 'run',
	shell: 'run',
	description: 'title',
	timeout_ms: 'timeout',
	timeoutms: 'timeout',
	environment: 'env',
	writes: 'owns',
	files: 'owns',
	steps: 'phases',
	stages: 'phases',
	read: 'reads',
	own: 'owns',
	permission_mode: 'permissionMode',
};

const maxDurationMs = 30 * 24 * 3600 * 1000;

/** Parses `90s`, `10m`, `1h30m`, `1500ms` into milliseconds (undefined when malformed or absurd). */
export function parseDuration(text: string): number | undefined {
	if (!durationPattern.test(text)) return undefined;
	const unit: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
	let total = 0;
	for (const [, amount, u] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * unit[u!]!;
	if (!Number.isFinite(total) || total <= 0 || total > maxDurationMs) return undefined;
	return Math.round(total);
}

function editDistance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}

/** The known field a mistyped one most likely meant, if any is close enough. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
	const plain = word.toLowerCase().replaceAll(/[-_ ]/g, '');
	const alias = aliases[word.toLowerCase()] ?? aliases[plain];
	if (alias && known.includes(alias)) return alias;
	const same = known.find(k => k.toLowerCase() === plain);
	if (same) return same;
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const k of known) {
		const d = editDistance(plain, k.toLowerCase());
		if (d < bestDistance) {
			best = k;
			bestDistance = d;
		}
	}
	return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Where the loader found things: value positions plus the positions of keys. */
export type ShapeSource = PlanSource & {readonly keyPositions: ReadonlyMap<string, SourcePosition>};

/** What the shape check produced: a plan (when no errors) and the flat task list if one was given. */
export type ShapeResult = {
	readonly plan?: Plan;
	/** Set for a plan written as a flat `tasks:` list; `plan.phases` is then empty until scheduled. */
	readonly flatTasks?: readonly Task[];
	readonly errors: readonly Finding[];
};

type Ctx = {readonly source: ShapeSource; readonly errors: Finding[]};

function describe(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
	return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** A value as written: quoted text, or a description of anything else. */
function shown(value: unknown): string {
	// A 2,000-character id would bury the message: show its start and its length.
	if (typeof value === 'string' && value.length > 48) return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
	return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(ctx: Ctx, at: string, code: string, message: string, tasks: readonly string[] = [], onKey = false): void {
	const position = onKey ? ctx.source.keyPositions.get(at) : undefined;
	ctx.errors.push(makeFinding('error', ctx.source, {code, message, at, tasks, ...(position ? {position} : {})}));
}

function checkKeys(ctx: Ctx, value: Record<string, unknown>, at: string, known: readonly string[], where: string, tasks: readonly string[] = []): void {
	for (const key of Object.keys(value)) {
		if (known.includes(key)) continue;
		const path = at === '' ? key : `${at}.${key}`;
		const guess = didYouMean(key, known.filter(k => !(k in value)));
		const elsewhere = guess ? undefined : misplaced(key, known);
		const hint = guess ? `Did you mean "${guess}"?` : elsewhere ? elsewhere : `Known fields: ${known.filter(k => k !== '$schema').join(', ')}.`;
		fail(ctx, path, 'shape.unknown-field', `Unknown field "${key}" in ${where}. ${hint}`, tasks, true);
	}
}

/** "owns is a task field" when a key (or a near miss of one) belongs to another level. */
function misplaced(key: string, known: readonly string[]): string | undefined {
	const levels: [string, readonly string[]][] = [
		['a task', taskFields],
		['a phase', phaseFields],
		['the plan (top level)', planFields],
	];
	for (const [where, fields] of levels) {
		if (fields === known) continue;
		const match = didYouMean(key, fields);
		if (match) return `"${match}" is a field of ${where}: move it there${match === key ? '' : ` (and spell it ${match})`}.`;
	}
	return undefined;
}

function optionalString(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[] = []): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'string' && value.trim() !== '') return value;
	fail(ctx, at, 'shape.wrong-type', `${what} must be non-empty text, not ${describe(value)}.`, tasks);
	return undefined;
}

function stringList(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[] = []): string[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) {
		const example = typeof value === 'string' ? ` Write it as a list: ${at.split('.').at(-1)}: [${value}]` : '';
		fail(ctx, at, 'shape.wrong-type', `${what} must be a list of text, not ${describe(value)}.${example}`, tasks);
		return [];
	}
	const items: string[] = [];
	value.forEach((item, i) => {
		if (typeof item === 'string' && item.trim() !== '') items.push(item.trim());
		else fail(ctx, `${at}.${i}`, 'shape.wrong-type', `Each entry of ${what} must be non-empty text, not ${describe(item)}.`, tasks);
	});
	return items;
}

function globList(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[]): string[] {
	// Globs are matched against POSIX paths without a leading `./`.
	return stringList(ctx, value, at, what, tasks).map(glob => {
		let g = glob;
		while (g.startsWith('./')) g = g.slice(2);
		return g;
	});
}

/** Fields of the configured form of a named agent (`agent: {name: claude, model: ...}`). */
export const agentFields = ['name', 'model', 'allow', 'args', 'env'] as const;

const agentFix = `agent must be one of ${agentNames.join(', ')}, or {name: claude, model: sonnet, allow: ["npm test"], args: [...], env: {...}}, or a custom {command: [program, args..., "{prompt}"], output: text|jsonl}`;

function agentNameOf(ctx: Ctx, value: unknown, at: string, tasks: readonly string[]): AgentName | undefined {
	if (typeof value === 'string' && (agentNames as readonly string[]).includes(value)) return value as AgentName;
	const guess = typeof value === 'string' ? didYouMean(value, agentNames) : undefined;
	const what = typeof value === 'string' ? `"${value}"` : describe(value);
	fail(ctx, at, 'shape.bad-agent', `Unknown agent ${what}.${guess ? ` Did you mean "${guess}"?` : ''} ${agentFix}.`, tasks);
	return undefined;
}

/** `agent: {name, model, allow, args, env}`: each field checked, each error placed on its line. */
function configuredAgent(ctx: Ctx, value: Record<string, unknown>, at: string, tasks: readonly string[]): ConfiguredAgent | undefined {
	const before = ctx.errors.length;
	checkKeys(ctx, value, at, agentFields, 'the agent', tasks);
	const name = agentNameOf(ctx, value['name'], `${at}.name`, tasks);
	const rawModel = value['model'];
	let model: string | undefined;
	if (rawModel !== undefined) {
		if (typeof rawModel === 'string' && rawModel.trim() !== '') model = rawModel.trim();
		else fail(ctx, `${at}.model`, 'shape.bad-agent', `The agent's model must be a model name such as sonnet or gpt-5-codex, not ${describe(rawModel)}: name one, or remove model to use the CLI's default.`, tasks);
	}
	const allow = value['allow'] === undefined ? undefined : stringList(ctx, value['allow'], `${at}.allow`, 'allow', tasks);
	let args: string[] | undefined;
	const rawArgs = value['args'];
	if (rawArgs !== undefined) {
		if (!Array.isArray(rawArgs)) {
			fail(ctx, `${at}.args`, 'shape.bad-agent', `The agent's args must be a list of text, e.g. args: ["--max-turns", "30"], not ${describe(rawArgs)}.`, tasks);
		} else {
			args = [];
			rawArgs.forEach((arg, i) => {
				if (typeof arg === 'string') args!.push(arg);
				else fail(ctx, `${at}.args.${i}`, 'shape.bad-agent', `Each of the agent's args must be text, not ${describe(arg)}: quote it, e.g. "${String(arg)}".`, tasks);
			});
		}
	}
	let env: Record<string, string> | undefined;
	const rawEnv = value['env'];
	if (rawEnv !== undefined) {
		if (!isRecord(rawEnv)) {
			fail(ctx, `${at}.env`, 'shape.bad-agent', `The agent's env must be a mapping of names to text, e.g. env: {SOME_VAR: "1"}, not ${describe(rawEnv)}.`, tasks);
		} else {
			env = {};
			for (const [key, v] of Object.entries(rawEnv)) {
				if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(ctx, `${at}.env.${key}`, 'shape.bad-env', `"${key}" is not a valid environment variable name: use letters, digits and '_'.`, tasks, true);
				else if (typeof v === 'string') env[key] = v;
				else fail(ctx, `${at}.env.${key}`, 'shape.bad-agent', `The agent's env value of ${key} must be text, not ${describe(v)}: quote it, e.g. ${key}: "${String(v)}".`, tasks);
			}
		}
	}
	if (name === undefined || ctx.errors.length > before) return undefined;
	return {
		name,
		...(model !== undefined ? {model} : {}),
		...(allow !== undefined ? {allow} : {}),
		...(args !== undefined ? {args} : {}),
		...(env !== undefined ? {env} : {}),
	};
}

function agentSpec(ctx: Ctx, value: unknown, at: string, tasks: readonly string[] = []): AgentSpec | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'string') return agentNameOf(ctx, value, at, tasks);
	if (!isRecord(value)) {
		fail(ctx, at, 'shape.bad-agent', `${agentFix}, not ${describe(value)}.`, tasks);
		return undefined;
	}
	if ('name' in value && 'command' in value) {
		fail(ctx, at, 'shape.bad-agent', 'This agent has both name and command: keep name for claude, codex, gemini or aider, or command for a program of your own.', tasks);
		return undefined;
	}
	if (!('command' in value)) {
		if (!('name' in value)) {
			fail(ctx, at, 'shape.bad-agent', `This agent has no name: add name: ${agentNames.join(' | ')} (or command: [...] for a program of your own).`, tasks);
			return undefined;
		}
		return configuredAgent(ctx, value, at, tasks);
	}
	checkKeys(ctx, value, at, ['command', 'output'], 'a custom agent', tasks);
	const command = value['command'];
	if (!Array.isArray(command) || command.length === 0 || !command.every(part => typeof part === 'string' && part !== '')) {
		fail(ctx, `${at}.command`, 'shape.bad-agent', `A custom agent's command must be a non-empty list of text, e.g. command: [my-agent, --prompt, "{prompt}"].`, tasks);
		return undefined;
	}
	const output = value['output'];
	if (output !== undefined && output !== 'text' && output !== 'jsonl') {
		fail(ctx, `${at}.output`, 'shape.wrong-type', `A custom agent's output must be text or jsonl, not ${describe(output)}.`, tasks);
		return undefined;
	}
	return output === undefined ? {command: command as string[]} : {command: command as string[], output};
}

function envMap(ctx: Ctx, value: unknown, at: string, tasks: readonly string[]): Record<string, string> {
	if (value === undefined || value === null) return {};
	if (!isRecord(value)) {
		fail(ctx, at, 'shape.wrong-type', `env must be a mapping of names to text, e.g. env: {LOG_LEVEL: debug}, not ${describe(value)}.`, tasks);
		return {};
	}
	const env: Record<string, string> = {};
	for (const [name, v] of Object.entries(value)) {
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
			fail(ctx, `${at}.${name}`, 'shape.bad-env', `"${name}" is not a valid environment variable name: use letters, digits and '_'.`, tasks, true);
		} else if (typeof v === 'string') env[name] = v;
		else if (typeof v === 'number' || typeof v === 'boolean') env[name] = String(v);
		else fail(ctx, `${at}.${name}`, 'shape.wrong-type', `env value of ${name} must be text, not ${describe(v)}.`, tasks);
	}
	return env;
}

function checkTask(ctx: Ctx, value: unknown, at: string): Task | undefined {
	if (!isRecord(value)) {
		fail(ctx, at, 'shape.wrong-type', `A task must be a mapping with id, owns and prompt or run, not ${describe(value)}.`);
		return undefined;
	}
	const before = ctx.errors.length;
	const rawId = value['id'];
	let id = '';
	if (rawId === undefined) fail(ctx, at, 'shape.missing-field', `This task has no id. Add one, e.g. id: api-logging (${idRule}).`);
	else if (typeof rawId !== 'string' || !idPattern.test(rawId)) {
		const suggestion = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).toLowerCase().replaceAll(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 64).replace(/-+$/, '') : '';
		fail(ctx, `${at}.id`, 'shape.bad-id', `Task id ${shown(rawId)} is not valid: use ${idRule}${suggestion ? ` (e.g. ${suggestion})` : ''}.`);
	} else id = rawId;
	const tasks = id ? [id] : [];
	checkKeys(ctx, value, at, taskFields, id ? `task "${id}"` : 'a task', tasks);
	const title = optionalString(ctx, value['title'], `${at}.title`, 'title', tasks);
	const owns = globList(ctx, value['owns'], `${at}.owns`, 'owns', tasks);
	const reads = globList(ctx, value['reads'], `${at}.reads`, 'reads', tasks);
	const dependsOn = stringList(ctx, value['dependsOn'], `${at}.dependsOn`, 'dependsOn', tasks);
	const prompt = optionalString(ctx, value['prompt'], `${at}.prompt`, 'prompt', tasks);
	const run = optionalString(ctx, value['run'], `${at}.run`, 'run', tasks);
	if ('prompt' in value && 'run' in value) {
		fail(ctx, `${at}.run`, 'shape.prompt-and-run', `Task "${id}" has both prompt and run: keep prompt for an agent task, or run for a shell command.`, tasks, true);
	} else if (!('prompt' in value) && !('run' in value)) {
		fail(ctx, at, 'shape.no-work', `Task "${id}" has neither prompt nor run: add prompt (an agent task) or run (a shell command).`, tasks);
	}
	let timeoutMs: number | undefined;
	const timeout = value['timeout'];
	if (timeout !== undefined) {
		timeoutMs = typeof timeout === 'string' ? parseDuration(timeout.trim()) : undefined;
		if (timeoutMs === undefined) {
			fail(ctx, `${at}.timeout`, 'shape.bad-duration', `timeout ${shown(timeout)} is not a duration: write a number and a unit (ms, s, m, h) such as 90s, 10m or 1h, at most 30 days.`, tasks);
		}
	}
	const env = envMap(ctx, value['env'], `${at}.env`, tasks);
	const agent = agentSpec(ctx, value['agent'], `${at}.agent`, tasks);
	const permissionMode = optionalString(ctx, value['permissionMode'], `${at}.permissionMode`, 'permissionMode', tasks);
	const gate = gateList(ctx, value['gate'], `${at}.gate`, tasks);
	if (ctx.errors.length > before) return undefined;
	return {
		id,
		...(title !== undefined ? {title} : {}),
		owns,
		reads,
		dependsOn,
		...(prompt !== undefined ? {prompt} : {}),
		...(run !== undefined ? {run} : {}),
		...(timeoutMs !== undefined ? {timeoutMs} : {}),
		env,
		...(agent !== undefined ? {agent} : {}),
		...(permissionMode !== undefined ? {permissionMode} : {}),
		...(gate !== undefined ? {gate} : {}),
	};
}

function isolationOf(ctx: Ctx, value: unknown, at: string): Isolation | undefined {
	if (value === undefined) return undefined;
	if (value === 'worktree' || value === 'shared') return value;
	fail(ctx, at, 'shape.bad-enum', `isolation must be worktree (each task in its own git worktree) or shared (all tasks in the workspace), not ${describe(value)}.`);
	return undefined;
}

/** `gate:` as a list of commands; a single command string is taken as a list of one. */
function gateList(ctx: Ctx, value: unknown, at: string, tasks: readonly string[] = []): string[] | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'string' && value.trim() !== '') return [value];
	return stringList(ctx, value, at, 'gate', tasks);
}

function worktreeSettings(ctx: Ctx, value: unknown): WorktreeSettings | undefined {
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) {
		fail(ctx, 'worktree', 'shape.wrong-type', `worktree must be a mapping such as worktree: {link: [node_modules, .venv]}, not ${describe(value)}.`);
		return undefined;
	}
	checkKeys(ctx, value, 'worktree', ['link'], 'worktree');
	if (!('link' in value)) return {};
	const link = stringList(ctx, value['link'], 'worktree.link', 'worktree.link');
	link.forEach((entry, i) => {
		if (entry.startsWith('/') || entry.split('/').includes('..')) {
			fail(ctx, `worktree.link.${i}`, 'shape.bad-link', `worktree.link entry ${shown(entry)} must be a folder inside the workspace, relative to it, e.g. node_modules.`);
		}
	});
	return {link};
}

function checkTaskList(ctx: Ctx, value: unknown, at: string, where: string): Task[] {
	if (!Array.isArray(value)) {
		fail(ctx, at, 'shape.wrong-type', `tasks of ${where} must be a list of tasks, not ${describe(value)}.`);
		return [];
	}
	if (value.length === 0) fail(ctx, at, 'shape.empty', `${where} has no tasks: add at least one, or remove it.`);
	const tasks: Task[] = [];
	value.forEach((item, i) => {
		const task = checkTask(ctx, item, `${at}.${i}`);
		if (task) tasks.push(task);
	});
	return tasks;
}

function checkPhase(ctx: Ctx, value: unknown, at: string, index: number): Phase | undefined {
	if (!isRecord(value)) {
		fail(ctx, at, 'shape.wrong-type', `A phase must be a mapping with name, mode and tasks, not ${describe(value)}.`);
		return undefined;
	}
	const before = ctx.errors.length;
	let name = `phase-${index + 1}`;
	const rawName = value['name'];
	if (rawName === undefined) fail(ctx, at, 'shape.missing-field', `Phase ${index + 1} has no name. Add one, e.g. name: logging.`);
	else if (typeof rawName !== 'string' || rawName.trim() === '') fail(ctx, `${at}.name`, 'shape.wrong-type', `A phase name must be non-empty text, not ${describe(rawName)}.`);
	else if (rawName.length > maxPhaseNameLength || /[\u0000-\u001f\u007f]/.test(rawName)) {
		fail(ctx, `${at}.name`, 'shape.bad-phase-name', `Phase name ${shown(rawName)} is not valid: use one line of at most ${maxPhaseNameLength} characters, e.g. name: logging.`);
	} else name = rawName;
	checkKeys(ctx, value, at, phaseFields, `phase "${name}"`);
	let mode: PhaseMode = 'parallel';
	const rawMode = value['mode'];
	if (rawMode !== undefined) {
		if (rawMode === 'parallel' || rawMode === 'sequential') mode = rawMode;
		else fail(ctx, `${at}.mode`, 'shape.bad-enum', `Phase mode must be parallel or sequential, not ${describe(rawMode)}.`);
	}
	const isolation = isolationOf(ctx, value['isolation'], `${at}.isolation`);
	if (!('tasks' in value)) fail(ctx, at, 'shape.missing-field', `Phase "${name}" has no tasks: add a tasks: list.`);
	const tasks = 'tasks' in value ? checkTaskList(ctx, value['tasks'], `${at}.tasks`, `phase "${name}"`) : [];
	if (ctx.errors.length > before) return undefined;
	return {name, mode, ...(isolation ? {isolation} : {}), tasks};
}

/** Checks a parsed plan value (YAML or JSON) and builds the typed plan. Never throws. */
export function checkPlanShape(value: unknown, source: ShapeSource): ShapeResult {
	const ctx: Ctx = {source, errors: []};
	if (!isRecord(value)) {
		const what = value === null || value === undefined ? 'The plan file is empty' : `The plan file holds ${describe(value)}`;
		fail(ctx, '', 'shape.not-a-plan', `${what}; a plan is a mapping with name and phases (or a flat tasks: list). Run \`fanout schema\` for the format.`);
		return {errors: ctx.errors};
	}
	checkKeys(ctx, value, '', planFields, 'the plan');
	const rawName = value['name'];
	let name = '';
	if (rawName === undefined) fail(ctx, '', 'shape.missing-field', `The plan has no name. Add one at the top, e.g. name: add-logging.`);
	else if (typeof rawName !== 'string' || !idPattern.test(rawName)) {
		fail(ctx, 'name', 'shape.bad-name', `Plan name ${shown(rawName)} is not a slug: use ${idRule}, e.g. add-logging.`);
	} else name = rawName;
	const goal = optionalString(ctx, value['goal'], 'goal', 'goal');
	let pattern: Pattern = 'custom';
	const rawPattern = value['pattern'];
	if (rawPattern !== undefined) {
		if (typeof rawPattern === 'string' && (patterns as readonly string[]).includes(rawPattern)) pattern = rawPattern as Pattern;
		else {
			const guess = typeof rawPattern === 'string' ? didYouMean(rawPattern, patterns) : undefined;
			fail(ctx, 'pattern', 'shape.bad-enum', `pattern must be one of ${patterns.join(', ')}, not ${describe(rawPattern)}.${guess ? ` Did you mean "${guess}"?` : ''}`);
		}
	}
	const workspace = optionalString(ctx, value['workspace'], 'workspace', 'workspace');
	const agent = agentSpec(ctx, value['agent'], 'agent');
	const permissionMode = optionalString(ctx, value['permissionMode'], 'permissionMode', 'permissionMode');
	const ignore = globList(ctx, value['ignore'], 'ignore', 'ignore', []);
	const verify = stringList(ctx, value['verify'], 'verify', 'verify');
	const isolation = isolationOf(ctx, value['isolation'], 'isolation');
	const worktree = worktreeSettings(ctx, value['worktree']);
	const gate = gateList(ctx, value['gate'], 'gate');
	optionalString(ctx, value['$schema'], '$schema', '$schema');

	const hasPhases = 'phases' in value;
	const hasTasks = 'tasks' in value;
	let phases: Phase[] = [];
	let flatTasks: Task[] | undefined;
	if (hasPhases && hasTasks) {
		fail(ctx, 'tasks', 'shape.phases-and-tasks', 'The plan has both phases and a flat tasks list: keep one (a flat list is split into phases by `fanout schedule`).', [], true);
	} else if (hasPhases) {
		const rawPhases = value['phases'];
		if (!Array.isArray(rawPhases)) fail(ctx, 'phases', 'shape.wrong-type', `phases must be a list of phases, not ${describe(rawPhases)}.`);
		else if (rawPhases.length === 0) fail(ctx, 'phases', 'shape.empty', 'phases is empty: add at least one phase with tasks.');
		else {
			rawPhases.forEach((raw, i) => {
				const phase = checkPhase(ctx, raw, `phases.${i}`, i);
				if (phase) phases.push(phase);
			});
		}
	} else if (hasTasks) {
		flatTasks = checkTaskList(ctx, value['tasks'], 'tasks', 'the plan');
	} else {
		fail(ctx, '', 'shape.missing-field', 'The plan has no phases: add a phases: list (or a flat tasks: list for `fanout schedule`).');
	}
	checkUniqueNames(ctx, value);
	if (ctx.errors.length > 0) return {errors: ctx.errors};
	if (flatTasks) phases = [];
	const plan: Plan = {
		name,
		...(goal !== undefined ? {goal} : {}),
		pattern,
		...(workspace !== undefined ? {workspace} : {}),
		...(agent !== undefined ? {agent} : {}),
		...(permissionMode !== undefined ? {permissionMode} : {}),
		ignore,
		phases,
		verify,
		...(isolation ? {isolation} : {}),
		...(worktree ? {worktree} : {}),
		...(gate !== undefined ? {gate} : {}),
	};
	return flatTasks ? {plan, flatTasks, errors: []} : {plan, errors: []};
}

/** Task ids must be unique across the whole plan, phase names across its phases. */
function checkUniqueNames(ctx: Ctx, value: Record<string, unknown>): void {
	const seenIds = new Map<string, string>();
	const seenPhases = new Set<string>();
	const visitTasks = (tasks: unknown, at: string) => {
		if (!Array.isArray(tasks)) return;
		tasks.forEach((task, i) => {
			const id = isRecord(task) ? task['id'] : undefined;
			if (typeof id !== 'string') return;
			const first = seenIds.get(id);
			if (first !== undefined) {
				const where = ctx.source.positions.get(`${first}.id`);
				fail(ctx, `${at}.${i}.id`, 'shape.duplicate-id', `Task id "${id}" is used twice${where ? ` (first at line ${where.line})` : ''}: give each task its own id.`, [id]);
			} else seenIds.set(id, `${at}.${i}`);
		});
	};
	const phases = value['phases'];
	if (Array.isArray(phases)) {
		phases.forEach((phase, i) => {
			if (!isRecord(phase)) return;
			const name = phase['name'];
			if (typeof name === 'string') {
				if (seenPhases.has(name)) fail(ctx, `phases.${i}.name`, 'shape.duplicate-phase', `Phase name "${name}" is used twice: give each phase its own name.`);
				seenPhases.add(name);
			}
			visitTasks(phase['tasks'], `phases.${i}.tasks`);
		});
	}
	visitTasks(value['tasks'], 'tasks');
}

// The plan's shape: the checker that turns a parsed YAML/JSON value into a typed Plan, or into
// findings that say what to write instead. Hand-written rather than zod: messages name the field
// and the fix, and `fanout validate` starts faster. The vocabulary is in fields.ts, the small
// checks in shape-kit.ts, the agent field in agent-shape.ts.

import {agentSpec} from './agent-shape.js';
import {didYouMean, idPattern, idRule, maxPhaseNameLength, parseDuration, patterns, phaseFields, planFields, taskFields} from './fields.js';
import {checkKeys, describe, envMap, fail, globList, isRecord, optionalString, shown, stringList} from './shape-kit.js';
import type {Ctx, ShapeSource} from './shape-kit.js';
import type {Finding, Isolation, Pattern, Phase, PhaseMode, Plan, Task, WorktreeSettings} from './types.js';

export type {ShapeSource};

/** What the shape check produced: a plan (when no errors) and the flat task list if one was given. */
export type ShapeResult = {
	readonly plan?: Plan;
	/** Set for a plan written as a flat `tasks:` list; `plan.phases` is then empty until scheduled. */
	readonly flatTasks?: readonly Task[];
	readonly errors: readonly Finding[];
};

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

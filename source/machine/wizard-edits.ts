// The planning wizard's edits on a plan: rename the plan; rename, move, add and remove tasks and
// phases; switch a phase's mode; set globs, prompts, commands and agents. Pure: each edit returns
// a new plan or a refusal saying why, and never leaves a dangling dependsOn behind. Also what a
// text field of the review shows when opened and which edit it makes when committed.

import {agentNames} from '../plan/agents.js';
import {createGlobIndex} from '../plan/match.js';
import type {AgentSpec, Phase, Plan, Task} from '../plan/types.js';
import type {OpenField} from './wizard-types.js';

/** The outcome of an edit: the new plan, or why the edit was refused (the plan is unchanged). */
export type EditResult = {readonly ok: true; readonly plan: Plan} | {readonly ok: false; readonly reason: string};

/** One edit the review step can make. Tasks are named by id, phases by index. */
export type PlanEdit =
	| {readonly kind: 'plan.rename'; readonly name: string}
	| {readonly kind: 'task.rename'; readonly taskId: string; readonly newId: string}
	| {readonly kind: 'task.title'; readonly taskId: string; readonly title: string}
	| {readonly kind: 'task.prompt'; readonly taskId: string; readonly prompt: string}
	| {readonly kind: 'task.command'; readonly taskId: string; readonly command: string}
	| {readonly kind: 'task.globs'; readonly taskId: string; readonly field: 'owns' | 'reads'; readonly globs: readonly string[]}
	| {readonly kind: 'task.move'; readonly taskId: string; readonly toPhase: number}
	| {readonly kind: 'task.add'; readonly phaseIndex: number}
	| {readonly kind: 'task.remove'; readonly taskId: string}
	| {readonly kind: 'task.agent'; readonly taskId: string; readonly agent: AgentSpec | undefined}
	| {readonly kind: 'phase.rename'; readonly phaseIndex: number; readonly name: string}
	| {readonly kind: 'phase.add'; readonly afterIndex: number}
	| {readonly kind: 'phase.remove'; readonly phaseIndex: number}
	| {readonly kind: 'phase.toggleMode'; readonly phaseIndex: number};

const idPattern = /^[a-z][a-z0-9-]*$/;

const refuse = (reason: string): EditResult => ({ok: false, reason});
const done = (plan: Plan): EditResult => ({ok: true, plan});

/** Where a task sits in the plan, or undefined. */
export function locateTask(plan: Plan, taskId: string): {readonly phaseIndex: number; readonly taskIndex: number} | undefined {
	for (let p = 0; p < plan.phases.length; p++) {
		const t = plan.phases[p]!.tasks.findIndex(task => task.id === taskId);
		if (t >= 0) return {phaseIndex: p, taskIndex: t};
	}
	return undefined;
}

function allIds(plan: Plan): Set<string> {
	return new Set(plan.phases.flatMap(phase => phase.tasks.map(task => task.id)));
}

/** The first of `base`, `base-2`, `base-3`… not in `used`. */
export function uniqueName(base: string, used: ReadonlySet<string>): string {
	let name = base;
	for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
	return name;
}

function mapTask(plan: Plan, taskId: string, change: (task: Task) => Task): Plan {
	return {...plan, phases: plan.phases.map(phase => (phase.tasks.some(t => t.id === taskId) ? {...phase, tasks: phase.tasks.map(t => (t.id === taskId ? change(t) : t))} : phase))};
}

function withoutTaskRefs(plan: Plan, removed: ReadonlySet<string>): Plan {
	return {
		...plan,
		phases: plan.phases.map(phase => ({
			...phase,
			tasks: phase.tasks.map(t => (t.dependsOn.some(d => removed.has(d)) ? {...t, dependsOn: t.dependsOn.filter(d => !removed.has(d))} : t)),
		})),
	};
}

/** Splits what the user typed into globs: commas or whitespace separate them. */
export function parseGlobList(text: string): string[] {
	return [...new Set(text.split(/[\s,]+/).map(g => g.trim()).filter(g => g !== ''))];
}

/** How many of the workspace's files a list of globs matches. */
export function countMatches(globs: readonly string[], files: readonly string[]): number {
	if (globs.length === 0) return 0;
	const index = createGlobIndex(globs);
	let n = 0;
	for (const file of files) if (index.matching(file).length > 0) n++;
	return n;
}

/** Files matched by each task's owns and reads, counted in one pass over the files. */
export function matchCounts(plan: Plan, files: readonly string[]): Map<string, {readonly owns: number; readonly reads: number}> {
	const globs: string[] = [];
	const slots: number[] = [];
	const tasks = plan.phases.flatMap(phase => phase.tasks);
	tasks.forEach((task, t) => {
		for (const glob of task.owns) {
			globs.push(glob);
			slots.push(t * 2);
		}
		for (const glob of task.reads) {
			globs.push(glob);
			slots.push(t * 2 + 1);
		}
	});
	const counts = new Array<number>(tasks.length * 2).fill(0);
	if (globs.length > 0) {
		const index = createGlobIndex(globs);
		const hit = new Set<number>();
		for (const file of files) {
			const matching = index.matching(file);
			if (matching.length === 0) continue;
			hit.clear();
			// A file matched by two globs of one list counts once.
			for (const g of matching) hit.add(slots[g]!);
			for (const slot of hit) counts[slot]!++;
		}
	}
	return new Map(tasks.map((task, t) => [task.id, {owns: counts[t * 2]!, reads: counts[t * 2 + 1]!}]));
}

/** The agents a task can be given, in the order `a` cycles through them (undefined: the plan's). */
export const agentChoices: readonly (AgentSpec | undefined)[] = [undefined, ...agentNames];

/** The next agent in {@link agentChoices} after the task's current one (a custom command goes back to the plan's). */
export function nextAgent(current: AgentSpec | undefined): AgentSpec | undefined {
	const index = agentChoices.findIndex(a => a === current);
	return agentChoices[(index + 1) % agentChoices.length];
}

/** Applies one edit. Refuses edits that name nothing, or would make a duplicate or malformed id. */
export function applyEdit(plan: Plan, edit: PlanEdit): EditResult {
	switch (edit.kind) {
		case 'plan.rename': {
			const name = edit.name.trim();
			if (!idPattern.test(name)) return refuse(`"${name}" is not a plan name: use lowercase letters, digits and '-', starting with a letter, e.g. add-logging`);
			return done({...plan, name});
		}
		case 'task.rename': {
			const newId = edit.newId.trim();
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			if (newId === edit.taskId) return done(plan);
			if (!idPattern.test(newId)) return refuse(`"${newId}" is not a task id: use lowercase letters, digits and '-', starting with a letter`);
			if (allIds(plan).has(newId)) return refuse(`a task "${newId}" already exists`);
			const renamed = mapTask(plan, edit.taskId, t => ({...t, id: newId}));
			// Tasks that waited for the old id now wait for the new one.
			return done({
				...renamed,
				phases: renamed.phases.map(phase => ({...phase, tasks: phase.tasks.map(t => (t.dependsOn.includes(edit.taskId) ? {...t, dependsOn: t.dependsOn.map(d => (d === edit.taskId ? newId : d))} : t))})),
			});
		}
		case 'task.title': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			const title = edit.title.trim();
			return done(
				mapTask(plan, edit.taskId, ({title: _old, ...t}) => (title === '' ? t : {...t, title})),
			);
		}
		case 'task.prompt': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			const prompt = edit.prompt.trim();
			if (prompt === '') return refuse('a prompt cannot be empty: give the task a prompt or a command');
			// A task is either agent work or a command: the prompt replaces the command.
			return done(mapTask(plan, edit.taskId, ({run: _run, prompt: _prompt, ...t}) => ({...t, prompt})));
		}
		case 'task.command': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			const command = edit.command.trim();
			if (command === '') return refuse('a command cannot be empty: give the task a prompt or a command');
			return done(mapTask(plan, edit.taskId, ({run: _run, prompt: _prompt, ...t}) => ({...t, run: command})));
		}
		case 'task.globs': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			const globs = [...new Set(edit.globs.map(g => g.trim()).filter(g => g !== ''))];
			return done(mapTask(plan, edit.taskId, t => ({...t, [edit.field]: globs})));
		}
		case 'task.move': {
			const at = locateTask(plan, edit.taskId);
			if (!at) return refuse(`there is no task "${edit.taskId}"`);
			if (edit.toPhase < 0 || edit.toPhase >= plan.phases.length) return refuse(`there is no phase ${edit.toPhase + 1}`);
			if (edit.toPhase === at.phaseIndex) return done(plan);
			const task = plan.phases[at.phaseIndex]!.tasks[at.taskIndex]!;
			const phases = plan.phases.map((phase, p) => {
				if (p === at.phaseIndex) return {...phase, tasks: phase.tasks.filter(t => t.id !== task.id)};
				if (p === edit.toPhase) return {...phase, tasks: [...phase.tasks, task]};
				return phase;
			});
			return done({...plan, phases});
		}
		case 'task.add': {
			const phase = plan.phases[edit.phaseIndex];
			if (!phase) return refuse(`there is no phase ${edit.phaseIndex + 1}`);
			const id = uniqueName('new-task', allIds(plan));
			const task: Task = {id, owns: [], reads: [], dependsOn: [], prompt: 'Describe what this task should do.', env: {}};
			return done({...plan, phases: plan.phases.map((p, i) => (i === edit.phaseIndex ? {...p, tasks: [...p.tasks, task]} : p))});
		}
		case 'task.remove': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			const removed = {...plan, phases: plan.phases.map(phase => ({...phase, tasks: phase.tasks.filter(t => t.id !== edit.taskId)}))};
			return done(withoutTaskRefs(removed, new Set([edit.taskId])));
		}
		case 'task.agent': {
			if (!locateTask(plan, edit.taskId)) return refuse(`there is no task "${edit.taskId}"`);
			return done(mapTask(plan, edit.taskId, ({agent: _agent, ...t}) => (edit.agent === undefined ? t : {...t, agent: edit.agent})));
		}
		case 'phase.rename': {
			if (!plan.phases[edit.phaseIndex]) return refuse(`there is no phase ${edit.phaseIndex + 1}`);
			const name = edit.name.trim();
			if (name === '') return refuse('a phase needs a name');
			if (plan.phases.some((p, i) => i !== edit.phaseIndex && p.name === name)) return refuse(`a phase "${name}" already exists`);
			return done({...plan, phases: plan.phases.map((p, i) => (i === edit.phaseIndex ? {...p, name} : p))});
		}
		case 'phase.add': {
			if (edit.afterIndex < -1 || edit.afterIndex >= plan.phases.length) return refuse(`there is no phase ${edit.afterIndex + 1}`);
			const name = uniqueName('new-phase', new Set(plan.phases.map(p => p.name)));
			const phase: Phase = {name, mode: 'sequential', tasks: []};
			const phases = [...plan.phases];
			phases.splice(edit.afterIndex + 1, 0, phase);
			return done({...plan, phases});
		}
		case 'phase.remove': {
			const phase = plan.phases[edit.phaseIndex];
			if (!phase) return refuse(`there is no phase ${edit.phaseIndex + 1}`);
			// Removing a phase with its tasks would throw away work silently: empty it first.
			if (phase.tasks.length > 0) return refuse(`phase "${phase.name}" still has ${phase.tasks.length} task${phase.tasks.length === 1 ? '' : 's'}: move or remove them first`);
			if (plan.phases.length === 1) return refuse('a plan needs at least one phase');
			return done({...plan, phases: plan.phases.filter((_, i) => i !== edit.phaseIndex)});
		}
		case 'phase.toggleMode': {
			const phase = plan.phases[edit.phaseIndex];
			if (!phase) return refuse(`there is no phase ${edit.phaseIndex + 1}`);
			const mode = phase.mode === 'parallel' ? 'sequential' : 'parallel';
			return done({...plan, phases: plan.phases.map((p, i) => (i === edit.phaseIndex ? {...p, mode} : p))});
		}
		default: {
			const unknown: never = edit;
			return refuse(`unknown edit ${JSON.stringify(unknown)}`);
		}
	}
}

/** One row of the review tree: a phase header or a task under it. */
export type PlanRow =
	| {readonly kind: 'phase'; readonly phaseIndex: number}
	| {readonly kind: 'task'; readonly phaseIndex: number; readonly taskIndex: number; readonly taskId: string};

/** The review tree's rows, in display order. */
export function planRows(plan: Plan): PlanRow[] {
	return plan.phases.flatMap((phase, phaseIndex) => [
		{kind: 'phase', phaseIndex} as const,
		...phase.tasks.map((task, taskIndex) => ({kind: 'task', phaseIndex, taskIndex, taskId: task.id}) as const),
	]);
}

/** The row to select after an edit: the same task (or phase) wherever it went, else the nearest row. */
export function followRow(before: PlanRow | undefined, after: Plan, fallback: number): number {
	const rows = planRows(after);
	if (before?.kind === 'task') {
		const i = rows.findIndex(r => r.kind === 'task' && r.taskId === before.taskId);
		if (i >= 0) return i;
	}
	return Math.max(0, Math.min(rows.length - 1, fallback));
}

/** The text a field starts from when opened. */
export function fieldText(plan: Plan, field: OpenField): string {
	if (field.kind === 'planName') return plan.name;
	if (field.kind === 'phaseName') return plan.phases[field.phaseIndex]?.name ?? '';
	const task = plan.phases[field.phaseIndex]?.tasks.find(t => t.id === field.taskId);
	if (!task) return '';
	switch (field.kind) {
		case 'id':
			return task.id;
		case 'title':
			return task.title ?? '';
		case 'prompt':
			return task.prompt ?? '';
		case 'command':
			return task.run ?? '';
		case 'owns':
			return task.owns.join(', ');
		case 'reads':
			return task.reads.join(', ');
	}
}

/** The edit a committed field makes. */
export function fieldEdit(field: OpenField, text: string): PlanEdit {
	const taskId = field.taskId ?? '';
	switch (field.kind) {
		case 'id':
			return {kind: 'task.rename', taskId, newId: text};
		case 'title':
			return {kind: 'task.title', taskId, title: text};
		case 'prompt':
			return {kind: 'task.prompt', taskId, prompt: text};
		case 'command':
			return {kind: 'task.command', taskId, command: text};
		case 'owns':
		case 'reads':
			return {kind: 'task.globs', taskId, field: field.kind, globs: parseGlobList(text)};
		case 'phaseName':
			return {kind: 'phase.rename', phaseIndex: field.phaseIndex, name: text};
		case 'planName':
			return {kind: 'plan.rename', name: text};
	}
}

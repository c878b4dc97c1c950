// The well-formed part of a plan that failed its shape check, so `validate` can report its
// dependency and ownership errors beside the shape errors instead of hiding them until the shape
// is fixed. Pure. Only what the shape check would accept is kept, read conservatively: a field it
// rejects counts as empty, so a finding on the part never comes from a guess.

import {idPattern} from './fields.js';
import type {Phase, Plan, PlanSource, SourcePosition, Task} from './types.js';

/** The checkable part of a plan and its source positions (renumbered to the part). */
export type PartialPlan = {
	readonly plan: Plan;
	readonly source: PlanSource;
	/** Every string id written in the file, kept or not: a dependency on one is no new error. */
	readonly writtenIds: ReadonlySet<string>;
	/** For a flat `tasks:` list: its tasks (positions at `tasks.J`); `plan.phases` is then empty, to schedule. */
	readonly flatTasks?: readonly Task[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list of strings as written, or [] when it is anything else (the shape check says why). */
const strings = (value: unknown): string[] => (Array.isArray(value) && value.every(item => typeof item === 'string') ? value : []);

/**
 * The tasks of `rawTasks` that have a valid, not yet seen id, with their positions moved from
 * `from.I` to `to.J` (J counting only the tasks kept).
 */
function keptTasks(rawTasks: unknown, from: string, to: string, seen: Set<string>, written: Set<string>, positions: ReadonlyMap<string, SourcePosition>, moved: Map<string, SourcePosition>): Task[] {
	if (!Array.isArray(rawTasks)) return [];
	const tasks: Task[] = [];
	rawTasks.forEach((raw, i) => {
		const id = isRecord(raw) ? raw['id'] : undefined;
		if (typeof id === 'string') written.add(id);
		if (!isRecord(raw) || typeof id !== 'string' || !idPattern.test(id) || seen.has(id)) return;
		seen.add(id);
		const old = `${from}.${i}`;
		const now = `${to}.${tasks.length}`;
		for (const [key, position] of positions) if (key === old || key.startsWith(`${old}.`)) moved.set(now + key.slice(old.length), position);
		tasks.push({id, owns: strings(raw['owns']), reads: strings(raw['reads']), dependsOn: strings(raw['dependsOn']), env: {}, run: ''});
	});
	return tasks;
}

/**
 * The part of the parsed plan `value` whose tasks can be checked, or undefined when nothing can
 * (not a mapping, no task with a valid id). A phase with an unreadable mode counts as sequential,
 * so no ownership overlap is claimed for it.
 */
export function partialPlan(value: unknown, file: string, positions: ReadonlyMap<string, SourcePosition>): PartialPlan | undefined {
	if (!isRecord(value)) return undefined;
	const seen = new Set<string>();
	const written = new Set<string>();
	const moved = new Map<string, SourcePosition>();
	for (const [key, position] of positions) if (!key.startsWith('phases.') && !key.startsWith('tasks.')) moved.set(key, position);
	const flat = !('phases' in value) && 'tasks' in value;
	let phases: Phase[] = [];
	let flatTasks: Task[] | undefined;
	if (flat) {
		flatTasks = keptTasks(value['tasks'], 'tasks', 'tasks', seen, written, positions, moved);
		if (flatTasks.length === 0) return undefined;
	} else {
		const rawPhases: unknown[] = Array.isArray(value['phases']) ? value['phases'] : [];
		// Every phase keeps its index (an unreadable one is empty), so phase positions hold as written.
		phases = rawPhases.map((raw, p) => {
			const phase = isRecord(raw) ? raw : {};
			for (const [key, position] of positions) if (key === `phases.${p}` || key === `phases.${p}.name` || key === `phases.${p}.mode`) moved.set(key, position);
			const name = typeof phase['name'] === 'string' && phase['name'].trim() !== '' ? phase['name'] : `phase-${p + 1}`;
			const mode = phase['mode'] === undefined || phase['mode'] === 'parallel' ? 'parallel' : 'sequential';
			return {name, mode, tasks: keptTasks(phase['tasks'], `phases.${p}.tasks`, `phases.${p}.tasks`, seen, written, positions, moved)};
		});
	}
	if (!flatTasks && phases.every(phase => phase.tasks.length === 0)) return undefined;
	const ignore = strings(value['ignore']);
	const workspace = typeof value['workspace'] === 'string' ? value['workspace'] : undefined;
	const plan: Plan = {name: 'partial', pattern: 'custom', ...(workspace === undefined ? {} : {workspace}), ignore, phases, verify: []};
	return {plan, source: {file, positions: moved}, writtenIds: written, ...(flatTasks ? {flatTasks} : {})};
}

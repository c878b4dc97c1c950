// What one plan revision changed, in words: phases added or removed, tasks moved, dropped or
// added, ownership gained or lost. Pure; for the report's list of revisions.

import type {Plan, Task} from '../plan/types.js';

type Placed = {readonly task: Task; readonly phase: string};

function placed(plan: Plan): Map<string, Placed> {
	return new Map(plan.phases.flatMap(phase => phase.tasks.map(task => [task.id, {task, phase: phase.name}] as const)));
}

/** One line per change from `before` to `after`, in plan order. Empty when nothing changed. */
export function planChanges(before: Plan, after: Plan): string[] {
	const lines: string[] = [];
	const oldPhases = new Set(before.phases.map(p => p.name));
	const newPhases = new Set(after.phases.map(p => p.name));
	after.phases.forEach((phase, i) => {
		if (oldPhases.has(phase.name)) return;
		const previous = after.phases[i - 1]?.name;
		lines.push(`new phase ${phase.name}${previous === undefined ? ' first' : ` after ${previous}`}`);
	});
	for (const phase of before.phases) if (!newPhases.has(phase.name)) lines.push(`phase ${phase.name} removed`);
	const was = placed(before);
	const now = placed(after);
	for (const [id, {task, phase}] of now) {
		const old = was.get(id);
		if (!old) {
			lines.push(`task ${id} added to ${phase}`);
			continue;
		}
		if (old.phase !== phase) lines.push(`${id} moved from ${old.phase} to ${phase}`);
		const gained = task.owns.filter(glob => !old.task.owns.includes(glob));
		const lost = old.task.owns.filter(glob => !task.owns.includes(glob));
		if (gained.length > 0) lines.push(`${id} now owns ${gained.join(', ')}`);
		if (lost.length > 0) lines.push(`${id} no longer owns ${lost.join(', ')}`);
		const deps = task.dependsOn.filter(d => !old.task.dependsOn.includes(d));
		if (deps.length > 0) lines.push(`${id} now depends on ${deps.join(', ')}`);
		if (old.task.run !== task.run || old.task.prompt !== task.prompt) lines.push(`${id}: its ${task.run === undefined ? 'prompt' : 'command'} changed`);
	}
	for (const [id, {phase}] of was) if (!now.has(id)) lines.push(`${id} removed from ${phase}`);
	const verifyChanged = before.verify.length !== after.verify.length || before.verify.some((v, i) => v !== after.verify[i]);
	if (verifyChanged) lines.push('verify commands changed');
	return lines;
}

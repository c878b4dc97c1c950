// Headless banners: the one-line notes printed between task output for the journal entries a
// reader of the log wants to see (a phase starting, a task ending, a conflict and its decision).

import type {JournalEntry} from '../machine/journal-events.js';
import type {Plan} from '../plan/types.js';

/** The banner for `entry`, if it gets one; `plan` is the latest revision (phase counts). */
export function bannerFor(entry: JournalEntry, plan: Plan): string | undefined {
	switch (entry.type) {
		case 'phase.started': {
			const phase = plan.phases[entry.phaseIndex];
			const tasks = `${entry.tasks.length} task${entry.tasks.length === 1 ? '' : 's'}`;
			return `phase ${entry.phaseIndex + 1} of ${plan.phases.length}: ${entry.name} (${phase?.mode ?? 'parallel'}, ${tasks})`;
		}
		case 'task.exited':
			return `${entry.outcome === 'passed' ? '✓' : '✗'} ${entry.taskId} ${entry.outcome}${entry.reason ? ` (${entry.reason})` : ''}`;
		case 'task.skipped':
			return `- ${entry.taskId} skipped (${entry.reason})`;
		case 'task.stopped':
			return `■ ${entry.taskId} ${entry.status}: ${entry.reason}`;
		case 'conflict.detected': {
			const c = entry.conflict;
			const who = c.taskId ?? c.suspects.join(' or ');
			const owner = c.owner ? ` (owner: ${c.owner})` : ' (no task owns it)';
			return `! conflict: ${who} ${c.how === 'declared' ? 'asked for' : 'changed'} ${c.path}, which it does not own${owner}${c.reason ? `: "${c.reason}"` : ''}`;
		}
		case 'conflict.decided':
			return `→ ${entry.decision}`;
		case 'verify.started':
			return `verify: ${entry.command}`;
		case 'verify.exited':
			return `${entry.status === 'passed' ? '✓' : '✗'} verify ${entry.command} ${entry.status}`;
		default:
			return undefined;
	}
}

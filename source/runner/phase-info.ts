// What the approval screen says about a phase beyond the plan itself: how many files each task
// owns today, and which agents it needs are on PATH or missing (named with how to install them).

import type {Plan} from '../plan/types.js';
import {compileGlobs} from '../plan/ownership.js';
import {scanWorkspace} from '../plan/file-scan.js';
import {agentName, missingAgents, resolveAgent} from './agents/index.js';

/** What the approval screen says about a phase beyond the plan: files owned today, agents. */
export type PhaseInfo = {
	/** Files each task owns today (glob expansion reads the disk: the caller counts). */
	readonly ownedFileCounts: Readonly<Record<string, number>>;
	/** Agents the phase needs that are on PATH. */
	readonly agentsFound: readonly string[];
	/** Agents the phase needs that are missing, with how to install them. */
	readonly agentsMissing: readonly {readonly agent: string; readonly install: string; readonly tasks: readonly string[]}[];
};
/** Looks at the workspace and PATH for one phase of a plan. */
export function describePhase(plan: Plan, phaseIndex: number, workspace: string): PhaseInfo {
	const tasks = plan.phases[phaseIndex]?.tasks ?? [];
	const scan = scanWorkspace(workspace, plan.ignore);
	const files = scan.ok ? scan.files : [];
	const ownedFileCounts: Record<string, number> = {};
	for (const task of tasks) {
		const owns = compileGlobs(task.owns);
		ownedFileCounts[task.id] = files.reduce((n, file) => (owns(file) ? n + 1 : n), 0);
	}
	const agentsMissing = missingAgents(tasks, plan, {cwd: workspace});
	const missing = new Set(agentsMissing.map(m => m.agent));
	const needed = new Set(tasks.filter(t => t.prompt !== undefined && t.run === undefined).map(t => agentName(resolveAgent(t, plan))));
	return {ownedFileCounts, agentsFound: [...needed].filter(a => !missing.has(a)), agentsMissing};
}

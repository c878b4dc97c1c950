// Plan -> readable YAML, in the field order people write, with short lists on one line.
// What `fanout schedule` prints and what planning writes; loadPlan reads it back unchanged.

import {Document, isSeq, visit} from 'yaml';
import type {AgentSpec, Plan, Task} from './types.js';

/** Options of planToYaml. */
export type YamlOptions = {
	/** Adds `# yaml-language-server: $schema=<this>` on top so editors check the file. */
	readonly schema?: string;
};

/** 600000 -> `10m`, 90000 -> `90s`, 1500 -> `1500ms`: the largest unit that is exact. */
export function formatDuration(ms: number): string {
	if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
	if (ms % 60_000 === 0) return `${ms / 60_000}m`;
	if (ms % 1000 === 0) return `${ms / 1000}s`;
	return `${ms}ms`;
}

function agentValue(agent: AgentSpec): unknown {
	if (typeof agent === 'string') return agent;
	if (!('command' in agent)) return {...agent, ...(agent.allow ? {allow: [...agent.allow]} : {}), ...(agent.args ? {args: [...agent.args]} : {}), ...(agent.env ? {env: {...agent.env}} : {})};
	return {command: [...agent.command], ...(agent.output ? {output: agent.output} : {})};
}

function taskValue(task: Task): Record<string, unknown> {
	return {
		id: task.id,
		...(task.title !== undefined ? {title: task.title} : {}),
		owns: [...task.owns],
		...(task.reads.length > 0 ? {reads: [...task.reads]} : {}),
		...(task.dependsOn.length > 0 ? {dependsOn: [...task.dependsOn]} : {}),
		...(task.prompt !== undefined ? {prompt: task.prompt} : {}),
		...(task.run !== undefined ? {run: task.run} : {}),
		...(task.timeoutMs !== undefined ? {timeout: formatDuration(task.timeoutMs)} : {}),
		...(Object.keys(task.env).length > 0 ? {env: {...task.env}} : {}),
		...(task.agent !== undefined ? {agent: agentValue(task.agent)} : {}),
		...(task.permissionMode !== undefined ? {permissionMode: task.permissionMode} : {}),
		...(task.gate !== undefined ? {gate: [...task.gate]} : {}),
	};
}

/** The plan as the plain object a plan file holds (defaults written out, empty lists left out). */
export function planToValue(plan: Plan): Record<string, unknown> {
	return {
		name: plan.name,
		...(plan.goal !== undefined ? {goal: plan.goal} : {}),
		pattern: plan.pattern,
		...(plan.workspace !== undefined ? {workspace: plan.workspace} : {}),
		...(plan.agent !== undefined ? {agent: agentValue(plan.agent)} : {}),
		...(plan.permissionMode !== undefined ? {permissionMode: plan.permissionMode} : {}),
		...(plan.ignore.length > 0 ? {ignore: [...plan.ignore]} : {}),
		...(plan.isolation !== undefined ? {isolation: plan.isolation} : {}),
		...(plan.worktree !== undefined ? {worktree: plan.worktree.link ? {link: [...plan.worktree.link]} : {}} : {}),
		...(plan.gate !== undefined ? {gate: [...plan.gate]} : {}),
		phases: plan.phases.map(phase => ({name: phase.name, mode: phase.mode, ...(phase.isolation ? {isolation: phase.isolation} : {}), tasks: phase.tasks.map(taskValue)})),
		...(plan.verify.length > 0 ? {verify: [...plan.verify]} : {}),
	};
}

/** Serializes a plan as YAML that loadPlan reads back to the same plan. */
export function planToYaml(plan: Plan, options: YamlOptions = {}): string {
	const document = new Document(planToValue(plan));
	// Short lists of globs or ids read best on one line: owns: [src/api/**, src/db/**].
	visit(document, {
		Seq(_, node) {
			const items = node.items as {value?: unknown}[];
			const short = items.every(item => typeof item.value === 'string' && item.value.length < 60) && items.reduce((n, item) => n + String(item.value).length, 0) < 70;
			if (isSeq(node) && short && items.length > 0) node.flow = true;
		},
	});
	const header = options.schema ? `# yaml-language-server: $schema=${options.schema}\n` : '';
	return header + document.toString({lineWidth: 0, flowCollectionPadding: false});
}

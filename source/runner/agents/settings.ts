// What a task's agent is configured with: the plan's `agent:` merged with the task's, and the
// rule for the user's extra `args` when they name an option fanout passes itself.

import type {AgentName, AgentSpec, ConfiguredAgent, CustomAgent, Plan, Task} from '../../plan/types.js';

/** A named agent's settings, resolved for one task. */
export type AgentSettings = {
	readonly name: AgentName;
	readonly model?: string;
	readonly allow: readonly string[];
	readonly args: readonly string[];
	readonly env: Readonly<Record<string, string>>;
};

function named(spec: AgentSpec): AgentSettings | undefined {
	if (typeof spec === 'string') return {name: spec, allow: [], args: [], env: {}};
	if ('command' in spec) return undefined;
	return {name: spec.name, ...(spec.model ? {model: spec.model} : {}), allow: spec.allow ?? [], args: spec.args ?? [], env: spec.env ?? {}};
}

/**
 * The task's agent settings: the task's `agent:` wins over the plan's. When both name the same
 * agent, what the task leaves out comes from the plan (model, allow, args), and the two `env`
 * mappings merge (the task's values win): `agent: claude` on a task keeps the plan's model.
 * A custom command is returned as it is.
 */
export function resolveAgentSettings(task: Task, plan: Plan): AgentSettings | CustomAgent {
	const planSpec = plan.agent ?? 'claude';
	const taskSpec = task.agent ?? planSpec;
	if (typeof taskSpec !== 'string' && 'command' in taskSpec) return taskSpec;
	const own = named(taskSpec)!;
	const inherited = task.agent === undefined ? undefined : named(planSpec);
	if (!inherited || inherited.name !== own.name) return own;
	const ownSpec: Partial<ConfiguredAgent> = typeof taskSpec === 'string' ? {} : taskSpec;
	return {
		name: own.name,
		...((ownSpec.model ?? inherited.model) ? {model: ownSpec.model ?? inherited.model} : {}),
		allow: ownSpec.allow ?? inherited.allow,
		args: ownSpec.args ?? inherited.args,
		env: {...inherited.env, ...own.env},
	};
}

/** One option fanout passes: its spellings, and how many values follow it (`'many'`: up to the next option). */
export type OwnOption = {readonly names: readonly string[]; readonly values: 0 | 1 | 'many'};

/** The user's extra arguments after the clash rule: what is passed, and what was dropped. */
export type ExtraArgs = {readonly kept: readonly string[]; readonly dropped: readonly string[]};

/**
 * Applies "fanout's own flags win" to the user's `args`. A clash is an option fanout itself
 * passes in this invocation, under any of its spellings, alone (`--model x`) or joined
 * (`--model=x`): the user's copy is dropped with its value(s), and listed in `dropped` so the
 * review screen can say so. Options fanout does not pass this time (say `--model` when the plan
 * sets no model) are not clashes and go through. Everything after a bare `--` is kept as it is.
 */
export function applyClashRule(args: readonly string[], own: readonly OwnOption[]): ExtraArgs {
	const kept: string[] = [];
	const dropped: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '--') {
			kept.push(...args.slice(i));
			break;
		}
		const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
		const name = eq < 0 ? arg : arg.slice(0, eq);
		const option = own.find(o => o.names.includes(name));
		if (!option) {
			kept.push(arg);
			continue;
		}
		dropped.push(arg);
		if (eq >= 0 || option.values === 0) continue;
		if (option.values === 1) {
			if (i + 1 < args.length) dropped.push(args[++i]!);
			continue;
		}
		while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) dropped.push(args[++i]!);
	}
	return {kept, dropped};
}

// The `agent:` field's shape, at plan and task level: a named agent, a configured one
// ({name, model, allow, args, env}) or a custom command with its output format.

import {agentNames} from './agents.js';
import {didYouMean} from './fields.js';
import {checkKeys, describe, fail, isRecord, stringList} from './shape-kit.js';
import type {Ctx} from './shape-kit.js';
import type {AgentName, AgentSpec, ConfiguredAgent} from './types.js';

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

export function agentSpec(ctx: Ctx, value: unknown, at: string, tasks: readonly string[] = []): AgentSpec | undefined {
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

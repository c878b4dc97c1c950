// The plan's JSON Schema (draft 2020-12), built from the same field lists the loader checks,
// for editors (yaml-language-server) and for planners that accept a schema.

import {agentNames, idPattern, patterns, phaseModes} from './schema.js';

const stringList = (description: string) => ({type: 'array', items: {type: 'string', minLength: 1}, description});

const agent = {
	description: 'A named agent (short form, or {name, model, allow, args, env}), or a custom command whose "{prompt}" argument receives the prompt.',
	oneOf: [
		{type: 'string', enum: [...agentNames]},
		{
			type: 'object',
			additionalProperties: false,
			required: ['name'],
			properties: {
				name: {type: 'string', enum: [...agentNames]},
				model: {type: 'string', minLength: 1, description: "Passed as the CLI's model flag (claude --model, codex/gemini -m, aider --model)."},
				allow: {type: 'array', items: {type: 'string', minLength: 1}, description: 'Commands the agent may run without asking, e.g. ["npm test"].'},
				args: {type: 'array', items: {type: 'string'}, description: "Extra CLI arguments, after fanout's own (fanout's win where they name the same option)."},
				env: {type: 'object', additionalProperties: {type: 'string'}, description: "Added to the agent's environment."},
			},
		},
		{
			type: 'object',
			additionalProperties: false,
			required: ['command'],
			properties: {
				command: {type: 'array', items: {type: 'string', minLength: 1}, minItems: 1, description: 'Program and arguments; "{prompt}" is replaced by the prompt.'},
				output: {type: 'string', enum: ['text', 'jsonl'], description: 'How to read its output (default text).'},
			},
		},
	],
};

const task = {
	type: 'object',
	additionalProperties: false,
	required: ['id'],
	oneOf: [{required: ['prompt'], not: {required: ['run']}}, {required: ['run'], not: {required: ['prompt']}}],
	properties: {
		id: {type: 'string', pattern: idPattern.source, description: 'Unique across the plan: lowercase letters, digits and "-".'},
		title: {type: 'string', description: 'Shown in the UI.'},
		owns: stringList('Globs relative to the workspace: the files this task may create or change.'),
		reads: stringList('Globs of files it depends on, which must not change under it.'),
		dependsOn: {type: 'array', items: {type: 'string', pattern: idPattern.source}, description: 'Ids of tasks in earlier phases.'},
		prompt: {type: 'string', minLength: 1, description: 'An agent task: the prompt given to the agent.'},
		run: {type: 'string', minLength: 1, description: 'A shell command task.'},
		timeout: {type: 'string', pattern: '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+$', description: 'Such as 90s, 10m, 1h, 1500ms.'},
		env: {type: 'object', additionalProperties: {type: ['string', 'number', 'boolean']}, description: 'Extra environment variables.'},
		agent,
		permissionMode: {type: 'string', description: 'Claude Code permission mode or Codex sandbox for this task.'},
	},
};

const phase = {
	type: 'object',
	additionalProperties: false,
	required: ['name', 'tasks'],
	properties: {
		name: {type: 'string', minLength: 1},
		mode: {type: 'string', enum: [...phaseModes], default: 'parallel', description: 'parallel: tasks run at once; sequential: one after another.'},
		tasks: {type: 'array', items: {$ref: '#/$defs/task'}, minItems: 1},
	},
};

/** The plan format as a JSON Schema object. */
export function planJsonSchema(): Record<string, unknown> {
	return {
		$schema: 'https://json-schema.org/draft/2020-12/schema',
		$id: 'https://fanout.dev/plan.schema.json',
		title: 'fanout plan',
		description: 'Phases run one after another; tasks of a parallel phase run at once, each owning its files.',
		type: 'object',
		additionalProperties: false,
		required: ['name'],
		oneOf: [{required: ['phases'], not: {required: ['tasks']}}, {required: ['tasks'], not: {required: ['phases']}}],
		properties: {
			$schema: {type: 'string'},
			name: {type: 'string', pattern: idPattern.source, description: 'A slug: lowercase letters, digits and "-".'},
			goal: {type: 'string', description: 'Shown in the UI, given to agents.'},
			pattern: {type: 'string', enum: [...patterns], default: 'custom'},
			workspace: {type: 'string', description: 'Folder the tasks work in, relative to this file (default: the current directory).'},
			agent,
			permissionMode: {type: 'string', description: 'Default permission mode for agent tasks.'},
			ignore: stringList('Changes here are never conflicts (build output, caches).'),
			phases: {type: 'array', items: {$ref: '#/$defs/phase'}, minItems: 1},
			tasks: {type: 'array', items: {$ref: '#/$defs/task'}, minItems: 1, description: 'A flat task list; `fanout schedule` splits it into phases.'},
			verify: stringList('Commands run in order after the last phase.'),
		},
		$defs: {phase, task},
	};
}

// The plan's JSON Schema (draft 2020-12), built from the same field lists the loader checks,
// for editors (yaml-language-server) and for planners that accept a schema.

import {agentNames, idPattern, idRule, isolationModes, maxPhaseNameLength, patterns, phaseModes} from './fields.js';

// Text the loader takes: at least one non-space character (it refuses blank values).
const text = {type: 'string', pattern: '\\S'};
// The loader reads a missing or null list as empty: `owns:` with nothing after it is allowed.
const stringList = (description: string) => ({type: ['array', 'null'], items: text, description});
// A glob stays inside the workspace and is not negated (what `fanout validate` checks). No
// lookaheads: planners' structured-output engines take only plain regular expressions.
const glob = {type: 'string', pattern: '^\\s*[^\\s/!]', not: {pattern: '(^|/)\\.\\.(/|$)'}, description: 'Relative to the workspace: no leading / or !, no .. segment.'};
const globList = (description: string) => ({type: ['array', 'null'], items: glob, description});
const id = {type: 'string', pattern: idPattern.source, maxLength: 64};

const isolation = {type: 'string', enum: [...isolationModes], description: 'worktree: each task works in its own git worktree, its changes applied when it passes; shared: every task works in the workspace itself. Default: worktree in a git repository with a commit, else shared.'};
const gate = {type: ['array', 'string', 'null'], items: text, description: "Commands run in the task's worktree after it ends, before its changes are applied; a failing one fails the task."};

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
		id: {...id, description: `Unique across the plan: ${idRule}.`},
		title: {...text, description: 'Shown in the UI.'},
		owns: globList('Globs relative to the workspace: the files this task may create or change.'),
		reads: globList('Globs of files it depends on, which must not change under it.'),
		dependsOn: {type: ['array', 'null'], items: id, description: 'Ids of tasks in earlier phases.'},
		prompt: {...text, description: 'An agent task: the prompt given to the agent.'},
		run: {...text, description: 'A shell command task.'},
		timeout: {type: 'string', pattern: '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+$', description: 'Such as 90s, 10m, 1h, 1500ms.'},
		env: {type: ['object', 'null'], propertyNames: {pattern: '^[A-Za-z_][A-Za-z0-9_]*$'}, additionalProperties: {type: ['string', 'number', 'boolean']}, description: 'Extra environment variables.'},
		agent,
		permissionMode: {...text, description: 'Claude Code permission mode or Codex sandbox for this task.'},
		gate,
	},
};

const phase = {
	type: 'object',
	additionalProperties: false,
	required: ['name', 'tasks'],
	properties: {
		name: {type: 'string', pattern: '^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$', maxLength: maxPhaseNameLength, description: `One line of at most ${maxPhaseNameLength} characters.`},
		mode: {type: 'string', enum: [...phaseModes], default: 'parallel', description: 'parallel: tasks run at once; sequential: one after another.'},
		isolation: {...isolation, description: "Overrides the plan's isolation for this phase."},
		tasks: {type: 'array', items: {$ref: '#/$defs/task'}, minItems: 1},
	},
};

/** The plan format as a JSON Schema object. */
export function planJsonSchema(): Record<string, unknown> {
	return {
		$schema: 'https://json-schema.org/draft/2020-12/schema',
		title: 'fanout plan',
		description: 'Phases run one after another; tasks of a parallel phase run at once, each owning its files.',
		type: 'object',
		additionalProperties: false,
		required: ['name'],
		oneOf: [{required: ['phases'], not: {required: ['tasks']}}, {required: ['tasks'], not: {required: ['phases']}}],
		properties: {
			$schema: {type: 'string'},
			name: {...id, description: `A slug: ${idRule}.`},
			goal: {...text, description: 'Shown in the UI, given to agents.'},
			pattern: {type: 'string', enum: [...patterns], default: 'custom'},
			workspace: {...text, description: 'Folder the tasks work in, relative to this file (default: the current directory).'},
			agent,
			permissionMode: {...text, description: 'Default permission mode for agent tasks.'},
			ignore: stringList('Changes here are never conflicts (build output, caches).'),
			phases: {type: 'array', items: {$ref: '#/$defs/phase'}, minItems: 1},
			tasks: {type: 'array', items: {$ref: '#/$defs/task'}, minItems: 1, description: 'A flat task list; `fanout schedule` splits it into phases.'},
			verify: stringList('Commands run in order after the last phase.'),
			isolation,
			worktree: {
				type: ['object', 'null'],
				additionalProperties: false,
				properties: {link: {type: ['array', 'null'], items: text, description: 'Folders git ignores that each worktree links to (default: node_modules, .venv and the like).'}},
			},
			gate: {...gate, description: 'Default gate of every task.'},
		},
		$defs: {phase, task},
	};
}

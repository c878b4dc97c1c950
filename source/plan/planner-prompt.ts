// The agent planner's side of planning: the prompt that asks an agent for a plan, and the
// parsing of its answer (JSON in prose, in fences, or inside an agent CLI's JSON events)
// through the plan loader and validation. Pure: running the agent is the caller's job.

import {parsePlanText} from './load.js';
import {validatePlanAgainstFiles} from './validate.js';
import {proposalPatterns} from './propose.js';
import type {Finding, Plan} from './types.js';

/** What the planner prompt carries. */
export type PlannerPromptInput = {
	readonly goal: string;
	/** A bounded summary of the workspace's file tree (summarizeTree). */
	readonly tree: string;
	/** The plan's JSON Schema. */
	readonly schema: object;
	/** Errors of the previous answer, when asking again. */
	readonly errors?: readonly string[];
};

const patternGuide: Record<string, string> = {
	module: 'one parallel task per module folder, each owning `<root>/<module>/**`, then a sequential integration phase whose task owns the shared files (manifests, lock files, barrel/index files, files directly in the source root).',
	layer: 'a first phase with one implementation task owning the source, then tests, docs and config in a parallel phase, each owning its own folder or files and reading the source.',
	feature: 'one parallel task per feature, each owning the globs of that feature, then a sequential phase with an integration-tests task that also owns the shared files.',
	'read-heavy': 'a parallel phase of analysis tasks, one per module, each owning only its notes file `.fanout/notes/<task-id>.md` and reading its module, then one sequential task that reads `.fanout/notes/**` and owns the source to apply the findings.',
};

/**
 * The prompt asking an agent to plan: the goal, the four patterns and when to use each, the
 * ownership rules fanout enforces, the workspace tree, the plan's JSON Schema, and (when asking
 * again) the errors of the previous answer. It asks for the plan as one JSON object only.
 */
export function plannerPrompt(input: PlannerPromptInput): string {
	const patterns = proposalPatterns.map(p => `- ${p.pattern} (${p.label}). When to use: ${p.useWhen}. Shape: ${patternGuide[p.pattern]}`);
	const lines = [
		'You are planning work for fanout, which runs coding agents in parallel, safely. Do not change any file: answer with a plan only.',
		'',
		'## Goal',
		input.goal.trim(),
		'',
		'## How a plan works',
		'A plan is a list of phases that run one after another. The tasks of a parallel phase run at the same time; a sequential phase runs its tasks one by one. Each task owns a set of files (globs relative to the workspace): the only files it may create or change. A task has either a `prompt` (work for a coding agent) or a `run` (a shell command). Pick the pattern that fits the goal:',
		...patterns,
		'Use pattern `custom` if none fits.',
		'',
		'## Ownership rules (a plan that breaks one is refused)',
		'- In a parallel phase, no file may be owned by two tasks, and no two tasks may own globs that could match the same new file (`src/new/**` and `src/**/*.ts` clash).',
		"- In a parallel phase, a task's `reads` may not overlap another task's `owns` of that phase: the output of one would be the input of another.",
		'- `dependsOn` names tasks of earlier phases only.',
		'- Globs are relative to the workspace: never absolute, never climbing out with `..`.',
		'- Files several tasks need (package.json, lock files, index/barrel files, shared utilities) go to one task of a later sequential phase, never to two parallel tasks.',
		'- Sequential phases may share files between their tasks.',
		'- Task ids and the plan name are lowercase letters, digits and `-`. Give every agent task a clear `prompt` that says which files it owns and what to do there.',
		'',
		'## The workspace',
		input.tree,
		'',
		'## The plan format (JSON Schema)',
		JSON.stringify(input.schema),
		'',
	];
	if (input.errors !== undefined && input.errors.length > 0) {
		lines.push('## Your previous plan was refused', 'Fix every one of these errors:', ...input.errors.map(e => `- ${e}`), '');
	}
	lines.push('## Answer', 'Answer with the plan as one JSON object that follows the schema, and nothing else: no prose, no comments.');
	return lines.join('\n');
}

/** The outcome of reading a planner's answer. */
export type PlannerAnswer =
	| {readonly ok: true; readonly plan: Plan; readonly errors: readonly string[]; readonly warnings: readonly string[]}
	| {readonly ok: false; readonly plan?: Plan; readonly errors: readonly string[]; readonly warnings: readonly string[]};

/** Parses a JSON value, or undefined. */
function tryJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const looksLikePlan = (value: unknown) => isRecord(value) && ('phases' in value || 'tasks' in value);

/**
 * Unwraps an agent CLI's output: a Claude `result` event (its `structured_output` or `result`
 * string), Codex's last `agent_message`, Gemini's `result`/assistant messages, or plain text.
 * Returns the text that should hold the plan, or an error the agent itself reported.
 */
export function unwrapAgentOutput(text: string): {readonly text: string} | {readonly error: string} {
	const trimmed = text.trim();
	const whole = tryJson(trimmed);
	const events = whole !== undefined ? [whole] : trimmed.split('\n').map(line => tryJson(line.trim())).filter(v => v !== undefined);
	if (events.length === 0 || (events.length === 1 && looksLikePlan(events[0]))) return {text: trimmed};
	let answer: string | undefined;
	for (const event of events) {
		if (!isRecord(event)) continue;
		if (event['type'] === 'result') {
			if (event['is_error'] === true) return {error: `the agent reported an error: ${typeof event['result'] === 'string' ? event['result'] : String(event['subtype'] ?? 'unknown')}`};
			if (looksLikePlan(event['structured_output'])) answer = JSON.stringify(event['structured_output']);
			else if (typeof event['result'] === 'string') answer = event['result'];
			else if (typeof event['response'] === 'string') answer = event['response'];
		} else if (event['type'] === 'item.completed' && isRecord(event['item']) && event['item']['type'] === 'agent_message' && typeof event['item']['text'] === 'string') {
			answer = event['item']['text'];
		} else if (event['type'] === 'turn.failed' && isRecord(event['error'])) {
			return {error: `the agent failed: ${String(event['error']['message'] ?? 'unknown error')}`};
		} else if (event['type'] === 'message' && event['role'] === 'assistant' && typeof event['content'] === 'string') {
			// Gemini streams its answer in pieces.
			answer = event['delta'] === true ? `${answer ?? ''}${event['content']}` : event['content'];
		}
	}
	return {text: answer ?? trimmed};
}

/** The first balanced `{...}` object in a text, skipping braces inside JSON strings. */
function firstJsonObject(text: string, from = 0): {readonly json: string; readonly end: number} | undefined {
	for (let start = text.indexOf('{', from); start >= 0; start = text.indexOf('{', start + 1)) {
		let depth = 0;
		let inString = false;
		for (let i = start; i < text.length; i++) {
			const c = text[i];
			if (inString) {
				if (c === '\\') i++;
				else if (c === '"') inString = false;
			} else if (c === '"') inString = true;
			else if (c === '{') depth++;
			else if (c === '}' && --depth === 0) {
				const json = text.slice(start, i + 1);
				if (tryJson(json) !== undefined) return {json, end: i + 1};
				break;
			}
		}
	}
	return undefined;
}

/**
 * Finds the plan's JSON in an answer: the whole text, a ```json fenced block (the first one that
 * parses and looks like a plan), or the first balanced object that looks like a plan.
 */
export function extractPlanJson(text: string): string | undefined {
	const trimmed = text.trim();
	if (looksLikePlan(tryJson(trimmed))) return trimmed;
	for (const fence of trimmed.matchAll(/```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)```/g)) {
		const body = fence[1]!.trim();
		if (looksLikePlan(tryJson(body))) return body;
	}
	let from = 0;
	for (let found = firstJsonObject(trimmed, from); found; found = firstJsonObject(trimmed, from)) {
		if (looksLikePlan(tryJson(found.json))) return found.json;
		from = found.end;
	}
	return undefined;
}

/** A finding as one line for the user and for the agent's next attempt. */
export function findingLine(finding: Finding): string {
	return `line ${finding.line}, column ${finding.column}: ${finding.message}`;
}

/**
 * Reads a planner's answer: unwraps the agent's output, extracts the plan's JSON, loads it
 * through the plan loader, and validates it against the workspace's files. `ok` only when the
 * plan is valid; `plan` is set whenever its shape could be read, so the user can fix the rest.
 */
export function parsePlannerAnswer(text: string, files: readonly string[] = [], file = 'planner answer'): PlannerAnswer {
	const unwrapped = unwrapAgentOutput(text);
	if ('error' in unwrapped) return {ok: false, errors: [unwrapped.error], warnings: []};
	const json = extractPlanJson(unwrapped.text);
	if (json === undefined) {
		const excerpt = unwrapped.text.replace(/\s+/g, ' ').slice(0, 120);
		return {ok: false, errors: [`the answer holds no plan as a JSON object${excerpt === '' ? ' (it was empty)' : `: "${excerpt}${unwrapped.text.length > 120 ? '…' : ''}"`}`], warnings: []};
	}
	const loaded = parsePlanText(json, file);
	if (!loaded.ok) return {ok: false, errors: loaded.errors.map(findingLine), warnings: []};
	const report = validatePlanAgainstFiles(loaded.plan, loaded.source, files);
	const errors = report.errors.map(findingLine);
	const warnings = report.warnings.map(findingLine);
	return report.valid ? {ok: true, plan: loaded.plan, errors, warnings} : {ok: false, plan: loaded.plan, errors, warnings};
}

// The agent planner's prompt and the reading of its answers: valid, fenced, wrapped in an
// agent CLI's JSON output, refused by validation (errors listed), and not a plan at all.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, it} from 'node:test';
import {extractPlanJson, parsePlannerAnswer, plannerPrompt, unwrapAgentOutput} from '../../source/plan/planner-prompt.js';

const files = ['src/api/a.ts', 'src/db/b.ts', 'src/index.ts', 'package.json'];

const validPlan = {
	name: 'add-logging',
	goal: 'Add logging',
	pattern: 'module',
	phases: [
		{
			name: 'modules',
			tasks: [
				{id: 'api', owns: ['src/api/**'], prompt: 'Add logging to the API.'},
				{id: 'db', owns: ['src/db/**'], prompt: 'Add logging to the DB.'},
			],
		},
		{name: 'integration', mode: 'sequential', tasks: [{id: 'integrate', owns: ['src/index.ts', 'package.json'], dependsOn: ['api', 'db'], prompt: 'Wire it up.'}]},
	],
};

/** Two parallel tasks owning the same folder, and a dependency on an unknown task. */
const overlappingPlan = {
	name: 'bad',
	phases: [
		{
			name: 'modules',
			tasks: [
				{id: 'api', owns: ['src/**'], prompt: 'One.'},
				{id: 'db', owns: ['src/db/**'], prompt: 'Two.', dependsOn: ['nobody']},
			],
		},
	],
};

describe('plannerPrompt', () => {
	const schema = {$schema: 'https://json-schema.org/draft/2020-12/schema', title: 'fanout plan', type: 'object'};
	const tree = '4 files in the workspace\nsrc/ (3 files)\n  api/ (1 file)';

	it('carries the goal, the four patterns with their use, the ownership rules, the tree and the schema', () => {
		const prompt = plannerPrompt({goal: '  Add logging to the API  ', tree, schema});
		assert.ok(prompt.includes('## Goal\nAdd logging to the API\n'));
		for (const phrase of ['module (module-based). When to use: independent modules.', 'layer (layer-based). When to use: tests, docs and config after the implementation.', 'feature (feature-based). When to use: independent features.', 'read-heavy (read-heavy). When to use: gather information before changing.']) {
			assert.ok(prompt.includes(phrase), phrase);
		}
		assert.match(prompt, /no file may be owned by two tasks/);
		assert.match(prompt, /`reads` may not overlap another task's `owns`/);
		assert.match(prompt, /\.fanout\/notes\/<task-id>\.md/);
		assert.ok(prompt.includes(tree));
		assert.ok(prompt.includes(JSON.stringify(schema)));
		assert.match(prompt, /one JSON object that follows the schema, and nothing else/);
		assert.doesNotMatch(prompt, /previous plan was refused/);
	});

	it('lists the errors of the previous answer when asking again', () => {
		const prompt = plannerPrompt({goal: 'x', tree, schema, errors: ['line 3, column 5: src/a.ts is owned by two tasks']});
		assert.match(prompt, /## Your previous plan was refused\nFix every one of these errors:\n- line 3, column 5: src\/a\.ts is owned by two tasks\n/);
	});
});

describe('parsePlannerAnswer', () => {
	it('accepts a plain JSON plan', () => {
		const answer = parsePlannerAnswer(JSON.stringify(validPlan, null, 2), files);
		assert.equal(answer.ok, true, answer.errors.join('\n'));
		assert.equal(answer.plan?.name, 'add-logging');
		assert.deepEqual(answer.plan?.phases.map(p => p.tasks.length), [2, 1]);
	});

	it('finds the plan in a ```json fence after prose, and in prose without a fence', () => {
		const fenced = `Here is the plan {as asked}:\n\n\`\`\`json\n${JSON.stringify(validPlan, null, 2)}\n\`\`\`\nIt keeps index.ts out of the parallel phase.`;
		assert.equal(parsePlannerAnswer(fenced, files).ok, true);
		const bare = `Sure. ${JSON.stringify({note: 'not it'})} The plan: ${JSON.stringify(validPlan)} Done.`;
		assert.equal(parsePlannerAnswer(bare, files).plan?.name, 'add-logging');
	});

	it('unwraps claude --output-format json and stream-json, codex --json and gemini events', () => {
		const inner = `\`\`\`json\n${JSON.stringify(validPlan)}\n\`\`\``;
		const claude = JSON.stringify({type: 'result', subtype: 'success', is_error: false, result: inner, total_cost_usd: 0.01});
		assert.equal(parsePlannerAnswer(claude, files).ok, true);
		const stream = [JSON.stringify({type: 'system', subtype: 'init'}), JSON.stringify({type: 'assistant', message: {content: [{type: 'text', text: 'thinking'}]}}), claude].join('\n');
		assert.equal(parsePlannerAnswer(stream, files).ok, true);
		const structured = JSON.stringify({type: 'result', is_error: false, result: '', structured_output: validPlan});
		assert.equal(parsePlannerAnswer(structured, files).ok, true);
		const codex = [
			JSON.stringify({type: 'thread.started', thread_id: 't'}),
			JSON.stringify({type: 'item.completed', item: {id: 'i0', type: 'agent_message', text: JSON.stringify(validPlan)}}),
			JSON.stringify({type: 'turn.completed', usage: {}}),
		].join('\n');
		assert.equal(parsePlannerAnswer(codex, files).ok, true);
		const half = JSON.stringify(validPlan).length >> 1;
		const gemini = [
			JSON.stringify({type: 'message', role: 'assistant', content: JSON.stringify(validPlan).slice(0, half), delta: true}),
			JSON.stringify({type: 'message', role: 'assistant', content: JSON.stringify(validPlan).slice(half), delta: true}),
			JSON.stringify({type: 'result', status: 'success'}),
		].join('\n');
		assert.equal(parsePlannerAnswer(gemini, files).ok, true);
	});

	it("reports the agent's own error, as the real not-logged-in claude prints it", () => {
		const text = readFileSync(new URL('../fixtures/agents/recorded/claude-code-2.1.332-not-logged-in.jsonl', import.meta.url), 'utf8');
		const answer = parsePlannerAnswer(text, files);
		assert.equal(answer.ok, false);
		assert.deepEqual(answer.errors, ['the agent reported an error: Not logged in · Please run /login']);
	});

	it('lists validation errors with their line numbers, and keeps the plan so it can be fixed', () => {
		const answer = parsePlannerAnswer(JSON.stringify(overlappingPlan, null, 2), files);
		assert.equal(answer.ok, false);
		assert.ok(answer.plan, 'the shape was fine, so the plan is kept');
		assert.ok(answer.errors.length >= 2, answer.errors.join('\n'));
		for (const error of answer.errors) assert.match(error, /^line \d+, column \d+: /);
		assert.ok(answer.errors.some(e => e.includes('src/db/b.ts')), answer.errors.join('\n'));
		assert.ok(answer.errors.some(e => e.includes('nobody')), answer.errors.join('\n'));
	});

	it('reports shape errors (unknown field, missing owns) without a plan', () => {
		const answer = parsePlannerAnswer(JSON.stringify({name: 'x', phases: [{name: 'p', tasks: [{id: 'a', own: ['src/**'], prompt: 'p'}]}]}, null, 2), files);
		assert.equal(answer.ok, false);
		assert.equal(answer.plan, undefined);
		assert.ok(answer.errors.some(e => /own/.test(e)), answer.errors.join('\n'));
	});

	it('says so when the answer holds no plan', () => {
		const prose = parsePlannerAnswer('I could not find any modules in this repository, sorry.', files);
		assert.equal(prose.ok, false);
		assert.match(prose.errors[0]!, /^the answer holds no plan as a JSON object: "I could not find/);
		assert.match(parsePlannerAnswer('', files).errors[0]!, /it was empty/);
		assert.match(parsePlannerAnswer('```json\n{"name": "x", "phases": [\n```', files).errors[0]!, /holds no plan/);
	});
});

describe('extractPlanJson and unwrapAgentOutput', () => {
	it('skips braces inside strings and objects that are not plans', () => {
		const text = 'a {"x": "}"} then {"name": "p", "phases": [], "goal": "use {braces}"} end';
		assert.equal(extractPlanJson(text), '{"name": "p", "phases": [], "goal": "use {braces}"}');
		assert.equal(extractPlanJson('{"x": 1}'), undefined);
	});

	it('passes plain text through and reports a failed codex turn', () => {
		assert.deepEqual(unwrapAgentOutput('  hello  '), {text: 'hello'});
		assert.deepEqual(unwrapAgentOutput(JSON.stringify({type: 'turn.failed', error: {message: 'quota exceeded'}})), {error: 'the agent failed: quota exceeded'});
	});
});

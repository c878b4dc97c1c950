// The wizard's pure plan edits: each returns a new plan or a refusal, and keeps dependsOn sound.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {applyEdit, countMatches, followRow, locateTask, matchCounts, nextAgent, parseGlobList, planRows, type EditResult} from '../../source/machine/wizard-edits.js';
import type {Plan, Task} from '../../source/plan/types.js';

const task = (id: string, owns: string[], extra: Partial<Task> = {}): Task => ({id, owns, reads: [], dependsOn: [], env: {}, prompt: `do ${id}`, ...extra});

function plan(): Plan {
	return {
		name: 'p',
		pattern: 'module',
		ignore: [],
		verify: [],
		phases: [
			{name: 'modules', mode: 'parallel', tasks: [task('api', ['src/api/**']), task('db', ['src/db/**'])]},
			{name: 'integration', mode: 'sequential', tasks: [task('integrate', ['package.json'], {dependsOn: ['api', 'db']})]},
		],
	};
}

function ok(result: EditResult): Plan {
	if (!result.ok) assert.fail(`edit refused: ${result.reason}`);
	return result.plan;
}

function refused(result: EditResult): string {
	if (result.ok) assert.fail('edit was accepted');
	return result.reason;
}

test('rename a task: dependents follow; bad or taken ids are refused', () => {
	const renamed = ok(applyEdit(plan(), {kind: 'task.rename', taskId: 'api', newId: 'api-logging'}));
	assert.equal(renamed.phases[0]!.tasks[0]!.id, 'api-logging');
	assert.deepEqual(renamed.phases[1]!.tasks[0]!.dependsOn, ['api-logging', 'db']);
	assert.match(refused(applyEdit(plan(), {kind: 'task.rename', taskId: 'api', newId: 'db'})), /already exists/);
	assert.match(refused(applyEdit(plan(), {kind: 'task.rename', taskId: 'api', newId: 'Bad Id'})), /not a task id/);
	assert.match(refused(applyEdit(plan(), {kind: 'task.rename', taskId: 'nope', newId: 'x'})), /no task "nope"/);
});

test('prompt and command replace each other; empty ones are refused', () => {
	const withCommand = ok(applyEdit(plan(), {kind: 'task.command', taskId: 'db', command: ' npm run migrate '}));
	const db = withCommand.phases[0]!.tasks[1]!;
	assert.equal(db.run, 'npm run migrate');
	assert.equal(db.prompt, undefined);
	const back = ok(applyEdit(withCommand, {kind: 'task.prompt', taskId: 'db', prompt: 'Add an index'}));
	assert.equal(back.phases[0]!.tasks[1]!.prompt, 'Add an index');
	assert.equal(back.phases[0]!.tasks[1]!.run, undefined);
	assert.match(refused(applyEdit(plan(), {kind: 'task.prompt', taskId: 'db', prompt: '  '})), /cannot be empty/);
});

test('set globs: trimmed, deduplicated; typed lists split on commas and spaces', () => {
	assert.deepEqual(parseGlobList('src/api/**, src/shared/log.ts  src/api/**'), ['src/api/**', 'src/shared/log.ts']);
	const edited = ok(applyEdit(plan(), {kind: 'task.globs', taskId: 'api', field: 'reads', globs: ['src/utils/**', ' ', 'src/utils/**']}));
	assert.deepEqual(edited.phases[0]!.tasks[0]!.reads, ['src/utils/**']);
	assert.equal(countMatches(['src/api/**'], ['src/api/a.ts', 'src/api/b/c.ts', 'src/db/x.ts']), 2);
	assert.equal(countMatches([], ['a']), 0);
});

test('move a task to another phase; out-of-range phases are refused', () => {
	const moved = ok(applyEdit(plan(), {kind: 'task.move', taskId: 'db', toPhase: 1}));
	assert.deepEqual(moved.phases[0]!.tasks.map(t => t.id), ['api']);
	assert.deepEqual(moved.phases[1]!.tasks.map(t => t.id), ['integrate', 'db']);
	assert.deepEqual(locateTask(moved, 'db'), {phaseIndex: 1, taskIndex: 1});
	assert.match(refused(applyEdit(plan(), {kind: 'task.move', taskId: 'db', toPhase: 5})), /no phase 6/);
});

test('add and remove tasks: new ids are unique; removed ids leave dependsOn', () => {
	const one = ok(applyEdit(plan(), {kind: 'task.add', phaseIndex: 0}));
	const two = ok(applyEdit(one, {kind: 'task.add', phaseIndex: 0}));
	assert.deepEqual(two.phases[0]!.tasks.map(t => t.id), ['api', 'db', 'new-task', 'new-task-2']);
	const removed = ok(applyEdit(plan(), {kind: 'task.remove', taskId: 'api'}));
	assert.deepEqual(removed.phases[1]!.tasks[0]!.dependsOn, ['db']);
});

test('phases: add after one, remove only when empty, toggle the mode, rename', () => {
	const added = ok(applyEdit(plan(), {kind: 'phase.add', afterIndex: 0}));
	assert.deepEqual(added.phases.map(p => p.name), ['modules', 'new-phase', 'integration']);
	assert.match(refused(applyEdit(plan(), {kind: 'phase.remove', phaseIndex: 0})), /still has 2 tasks/);
	assert.deepEqual(ok(applyEdit(added, {kind: 'phase.remove', phaseIndex: 1})).phases.map(p => p.name), ['modules', 'integration']);
	assert.equal(ok(applyEdit(plan(), {kind: 'phase.toggleMode', phaseIndex: 0})).phases[0]!.mode, 'sequential');
	assert.match(refused(applyEdit(plan(), {kind: 'phase.rename', phaseIndex: 0, name: 'integration'})), /already exists/);
});

test('the plan is renamed to a slug, and only to a slug', () => {
	assert.equal(ok(applyEdit(plan(), {kind: 'plan.rename', name: ' add-metrics '})).name, 'add-metrics');
	assert.match(refused(applyEdit(plan(), {kind: 'plan.rename', name: 'Add Metrics'})), /not a plan name/);
	assert.match(refused(applyEdit(plan(), {kind: 'plan.rename', name: ''})), /not a plan name/);
});

test('agents cycle from the plan default through every agent and back', () => {
	const seen = [];
	let agent = nextAgent(undefined);
	for (let i = 0; i < 5; i++) {
		seen.push(agent);
		agent = nextAgent(agent);
	}
	assert.deepEqual(seen, ['claude', 'codex', 'gemini', 'aider', undefined]);
	const set = ok(applyEdit(plan(), {kind: 'task.agent', taskId: 'api', agent: 'codex'}));
	assert.equal(set.phases[0]!.tasks[0]!.agent, 'codex');
	assert.equal(ok(applyEdit(set, {kind: 'task.agent', taskId: 'api', agent: undefined})).phases[0]!.tasks[0]!.agent, undefined);
});

test('rows: phases and their tasks; the selection follows a moved task', () => {
	const before = plan();
	const rows = planRows(before);
	assert.deepEqual(rows.map(r => (r.kind === 'task' ? r.taskId : `#${r.phaseIndex}`)), ['#0', 'api', 'db', '#1', 'integrate']);
	const moved = ok(applyEdit(before, {kind: 'task.move', taskId: 'api', toPhase: 1}));
	assert.equal(followRow(rows[1], moved, 1), 4);
	assert.equal(followRow(rows[0], moved, 9), 4);
});

test('match counts per task: owns and reads, a file matched twice by one list counted once', () => {
	const files = ['package.json', 'src/api/a.ts', 'src/api/b.ts', 'src/db/x.ts'];
	const edited = ok(applyEdit(plan(), {kind: 'task.globs', taskId: 'api', field: 'owns', globs: ['src/api/**', 'src/api/a.ts']}));
	const withReads = ok(applyEdit(edited, {kind: 'task.globs', taskId: 'db', field: 'reads', globs: ['src/**/*.ts']}));
	const counts = matchCounts(withReads, files);
	assert.deepEqual(counts.get('api'), {owns: 2, reads: 0});
	assert.deepEqual(counts.get('db'), {owns: 1, reads: 3});
	assert.deepEqual(counts.get('integrate'), {owns: 1, reads: 0});
	assert.equal(countMatches(['src/api/**', 'src/api/a.ts'], files), 2);
});

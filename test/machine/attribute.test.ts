// Pure attribution of watcher changes: owned by a running task, unowned, owned by a finished
// task, several running (suspects), late events within the slack, ignored paths, duplicates.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LATE_EVENT_SLACK_MS, assignChanges, attributeChanges} from '../../source/machine/attribute.js';
import type {TaskRun} from '../../source/machine/types.js';
import {phase, plan, task} from './helpers.js';

const p = plan([
	phase('one', [task('api', ['src/api/**']), task('db', ['src/db/**'])]),
	phase('two', [task('docs', ['docs/**'])]),
]);

function run(id: string, startedAt: number, endedAt?: number): TaskRun {
	return {
		id,
		phaseIndex: 0,
		status: endedAt === undefined ? 'running' : 'passed',
		attempts: 1,
		startedAt,
		...(endedAt === undefined ? {} : {endedAt}),
		changedFiles: [],
	};
}

const both = {api: run('api', 100), db: run('db', 100)};

test('a change owned by a task running at that time is its own work', () => {
	const result = assignChanges([{path: './src/api/x.ts', kind: 'change', at: 200}], {plan: p, phaseIndex: 0, tasks: both});
	assert.deepEqual(result.owned, [{taskId: 'api', path: 'src/api/x.ts'}]);
	assert.deepEqual(result.conflicts, []);
});

test('an unowned change with several tasks running: no culprit, all of them suspects', () => {
	const conflicts = attributeChanges([{path: 'src/shared.ts', kind: 'add', at: 200}], {plan: p, phaseIndex: 0, tasks: both});
	assert.deepEqual(conflicts, [{suspects: ['api', 'db'], path: 'src/shared.ts', changeKind: 'add', at: 200}]);
});

test('an unowned change with one task running: that task is the culprit', () => {
	const tasks = {api: run('api', 100, 150), db: run('db', 100)};
	const conflicts = attributeChanges([{path: 'docs/readme.md', kind: 'unlink', at: 5000}], {plan: p, phaseIndex: 0, tasks});
	assert.deepEqual(conflicts, [{taskId: 'db', suspects: ['db'], path: 'docs/readme.md', changeKind: 'unlink', at: 5000, owner: 'docs'}]);
});

test('a change to a finished task`s file is a conflict against the running one', () => {
	const tasks = {api: run('api', 100, 150), db: run('db', 100)};
	const conflicts = attributeChanges([{path: 'src/api/x.ts', kind: 'change', at: 150 + LATE_EVENT_SLACK_MS + 1}], {plan: p, phaseIndex: 0, tasks});
	assert.equal(conflicts[0]?.taskId, 'db');
	assert.equal(conflicts[0]?.owner, 'api');
});

test('a late event within the slack still counts for the task that just ended', () => {
	const tasks = {api: run('api', 100, 150), db: run('db', 100)};
	const result = assignChanges([{path: 'src/api/x.ts', kind: 'change', at: 150 + LATE_EVENT_SLACK_MS}], {plan: p, phaseIndex: 0, tasks});
	assert.deepEqual(result.owned, [{taskId: 'api', path: 'src/api/x.ts'}]);
	const tight = assignChanges([{path: 'src/api/x.ts', kind: 'change', at: 160}], {plan: p, phaseIndex: 0, tasks, slackMs: 5});
	assert.equal(tight.conflicts[0]?.taskId, 'db');
});

test('a change when nothing runs goes to the tasks that ended last; before any start it is ignored', () => {
	const tasks = {api: run('api', 100, 1000), db: run('db', 100, 3000)};
	assert.equal(attributeChanges([{path: 'x', kind: 'change', at: 9000}], {plan: p, phaseIndex: 0, tasks})[0]?.taskId, 'db');
	assert.deepEqual(attributeChanges([{path: 'x', kind: 'change', at: 50}], {plan: p, phaseIndex: 0, tasks}), []);
});

test('ignored paths and duplicates: .git, .fanout, node_modules, plan ignores; one conflict per path', () => {
	const changes = [
		{path: '.git/index', kind: 'change' as const, at: 200},
		{path: '.fanout/runs/r/events.jsonl', kind: 'change' as const, at: 200},
		{path: 'pkg/node_modules/x/index.js', kind: 'add' as const, at: 200},
		{path: 'build/out.js', kind: 'add' as const, at: 200},
		{path: 'tmp.txt', kind: 'add' as const, at: 200},
		{path: 'tmp.txt', kind: 'change' as const, at: 210},
	];
	const conflicts = attributeChanges(changes, {plan: p, phaseIndex: 0, tasks: both, ignore: ['build/**']});
	assert.deepEqual(
		conflicts.map(c => c.path),
		['tmp.txt'],
	);
});

test('tasks of other phases are never taken as running', () => {
	const tasks = {...both, docs: run('docs', 0)};
	const conflicts = attributeChanges([{path: 'docs/a.md', kind: 'change', at: 200}], {plan: p, phaseIndex: 0, tasks});
	assert.deepEqual(conflicts[0]?.suspects, ['api', 'db']);
});

// A task whose work was applied to the workspace passed, even when the run stopped it while the
// work was being applied: the journal's fold (resume, report) and the run's last word agree.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {withLanded} from '../../source/machine/context.js';
import {foldJournal} from '../../source/machine/journal-events.js';
import type {JournalEntry} from '../../source/machine/journal-events.js';
import {parsePlanText} from '../../source/plan/load.js';

const parsed = parsePlanText('name: l\nphases:\n  - name: one\n    tasks:\n      - id: a\n        owns: [a/**]\n        run: "true"\n', '/w/plan.yaml');
assert.ok(parsed.ok);
const plan = parsed.plan;

const started: JournalEntry[] = [
	{type: 'run.started', at: 1, runId: 'r', planFile: '/w/plan.yaml', workspace: '/w', plan, phaseIndex: 0, kept: []},
	{type: 'task.spawned', at: 2, taskId: 'a', phaseIndex: 0, attempt: 1},
	{type: 'task.started', at: 3, taskId: 'a', pid: 10, attempt: 1},
	{type: 'task.stopped', at: 4, taskId: 'a', status: 'stopped', reason: 'run stopped on a conflict'},
];

test('stopped, then its work applied: passed, with no reason left', () => {
	const state = foldJournal([...started, {type: 'task.applied', at: 5, taskId: 'a', paths: ['a/x']}]);
	assert.equal(state.tasks['a']?.status, 'passed');
	assert.equal(state.tasks['a']?.reason, undefined);
});

test('stopped and never applied: still stopped (a resume runs it)', () => {
	assert.equal(foldJournal(started).tasks['a']?.status, 'stopped');
});

test('a later attempt starts over: cut short, it is interrupted, not passed', () => {
	const state = foldJournal([...started, {type: 'task.applied', at: 5, taskId: 'a', paths: []}, {type: 'task.spawned', at: 6, taskId: 'a', phaseIndex: 0, attempt: 2}]);
	assert.deepEqual([state.tasks['a']?.status, state.tasks['a']?.reason], ['stopped', 'interrupted']);
});

test('withLanded: only the named tasks that did not pass change; the same table when none does', () => {
	const tasks = foldJournal(started).tasks;
	assert.equal(withLanded(tasks, new Set()), tasks);
	assert.equal(withLanded(tasks, new Set(['gone'])), tasks);
	const landed = withLanded(tasks, new Set(['a']));
	assert.equal(landed['a']?.status, 'passed');
	assert.equal(tasks['a']?.status, 'stopped', 'the table given is not changed');
});

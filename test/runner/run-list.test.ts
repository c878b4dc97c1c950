// Listing runs for people: newest first, skipped tasks counted, and the one rule of what can be
// resumed, which the start screen and `fanout runs` both read from the listing.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendEvent, createRunDir, isResumable, newRunId, recentRuns} from '../../source/runner/journal.js';
import {tempDir} from './helpers.js';

test('recentRuns: newest first, at most the limit, skipped tasks counted, resumable marked', () => {
	const {dir: ws, cleanup} = tempDir('fanout-run-list-');
	try {
		const day = (d: number) => newRunId(new Date(`2026-01-0${d}T10:00:00Z`));
		const passed = createRunDir(ws, day(1), 'name: p\n');
		appendEvent(passed, {type: 'run.started', planName: 'passed'});
		appendEvent(passed, {type: 'task.exited', taskId: 'a', outcome: 'passed'});
		appendEvent(passed, {type: 'run.finished', outcome: 'passed'});
		const incomplete = createRunDir(ws, day(2), 'name: i\n');
		appendEvent(incomplete, {type: 'run.started', planName: 'incomplete'});
		appendEvent(incomplete, {type: 'task.exited', taskId: 'a', outcome: 'passed'});
		appendEvent(incomplete, {type: 'task.skipped', taskId: 'b', reason: 'skipped by you'});
		appendEvent(incomplete, {type: 'run.finished', outcome: 'passed'});
		const failed = createRunDir(ws, day(3), 'name: f\n');
		appendEvent(failed, {type: 'run.started', planName: 'failed'});
		appendEvent(failed, {type: 'task.exited', taskId: 'a', outcome: 'failed'});
		appendEvent(failed, {type: 'run.finished', outcome: 'failed'});
		const killed = createRunDir(ws, day(4), 'name: k\n');
		appendEvent(killed, {type: 'run.started', planName: 'killed'});
		assert.deepEqual(
			recentRuns(ws).map(r => [r.planName, r.ok, r.failed, r.skipped, r.resumable]),
			[
				['killed', 0, 0, 0, true],
				['failed', 0, 1, 0, true],
				['incomplete', 1, 0, 1, false],
				['passed', 1, 0, 0, false],
			],
		);
		assert.deepEqual(
			recentRuns(ws, 2).map(r => r.planName),
			['killed', 'failed'],
		);
	} finally {
		cleanup();
	}
});

test('isResumable: unfinished, or finished without passing', () => {
	assert.equal(isResumable({status: 'unfinished', outcome: undefined}), true);
	for (const outcome of ['failed', 'aborted', 'conflict', 'interrupted']) assert.equal(isResumable({status: 'finished', outcome}), true, outcome);
	assert.equal(isResumable({status: 'finished', outcome: 'passed'}), false);
	assert.equal(isResumable({status: 'finished', outcome: undefined}), false);
});

// Selectors over a finished run: current phase, phase tasks, cost, summary rows and exit codes.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {counts, currentPhase, phaseTasks, summaryRows, totalCost} from '../../source/machine/selectors.js';
import {exitCodeOf} from '../../source/machine/exit-code.js';
import {phase, plan, start, task} from './helpers.js';

test('selectors read the run as the UI and the summary need it', () => {
	const r = start(plan([phase('one', [task('a', ['a/**']), task('b', ['b/**'])]), phase('two', [task('c', ['c/**'])])]));
	assert.equal(exitCodeOf(r.actor.getSnapshot()), undefined, 'no exit code while the run is not over');
	r.send({type: 'plan.start'});
	assert.deepEqual(
		currentPhase(r.ctx()) && [currentPhase(r.ctx())?.name, currentPhase(r.ctx())?.index],
		['one', 0],
	);
	r.send({type: 'phase.approve'});
	r.fakes.send('a', {type: 'task.report', taskId: 'a', report: 'did a', costUsd: 0.25});
	r.fakes.send('b', {type: 'task.report', taskId: 'b', costUsd: 0.5});
	r.clock.tick(1200);
	r.fakes.exit('a');
	r.fakes.exit('b', 3);
	assert.deepEqual(
		phaseTasks(r.ctx(), 0).map(t => t.status),
		['passed', 'failed'],
	);
	assert.equal(totalCost(r.ctx()), 0.75);
	assert.deepEqual(counts(r.ctx()), {running: 0, passed: 1, failed: 1, skipped: 0, pending: 1, total: 3});
	r.send({type: 'run.abort'});
	const rows = summaryRows(r.ctx());
	assert.deepEqual(rows[0], {
		task: 'a',
		phase: 'one',
		phaseIndex: 0,
		status: 'passed',
		durationMs: 1200,
		exitCode: 0,
		report: 'did a',
		costUsd: 0.25,
		attempts: 1,
		changedFiles: [],
	});
	assert.deepEqual(rows[1] && [rows[1].status, rows[1].exitCode, rows[1].reason], ['failed', 3, 'exit code 3']);
	assert.deepEqual(rows[2] && [rows[2].task, rows[2].status, rows[2].reason], ['c', 'skipped', 'not run: run aborted']);
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 1);
});

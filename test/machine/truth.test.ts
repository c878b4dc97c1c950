// Issue 14, "truth on screen", in the machine: the run's clock starts at the first approval, the
// speed-up is told only for runs whose tasks all passed, a run with skipped tasks is incomplete
// (exit 3), and a resumed run knows what it picks up and keeps.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {waitFor} from 'xstate';
import {exitCode, exitCodeOf, runVerdict, verdictOf, verdictWords} from '../../source/machine/exit-code.js';
import {parallelSpeedup} from '../../source/machine/selectors.js';
import type {TaskRun} from '../../source/machine/types.js';
import {phase, plan, start, task} from './helpers.js';

const onePhase = plan([phase('build', [task('a', ['src/a/**']), task('b', ['src/b/**'])])]);

test('the total counts from the first approval, not from when the review opened', async () => {
	const r = start(onePhase);
	r.clock.tick(30_000); // the plan review
	r.send({type: 'plan.start'});
	r.clock.tick(20_000); // the approval screen
	assert.equal(r.ctx().firstApprovedAt, undefined);
	const approvedAt = r.clock.now();
	r.send({type: 'phase.approve'});
	assert.equal(r.ctx().firstApprovedAt, approvedAt);
	assert.equal(r.ctx().startedAt, approvedAt);
	r.clock.tick(4_000);
	r.fakes.exit('a');
	r.fakes.exit('b');
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal((r.ctx().endedAt ?? 0) - r.ctx().startedAt, 4_000);
});

test('a later approval does not move the clock', () => {
	const r = start(plan([phase('one', [task('a', ['a/**'])]), phase('two', [task('b', ['b/**'])])]));
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	const first = r.ctx().startedAt;
	r.clock.tick(1_000);
	r.fakes.exit('a');
	r.clock.tick(9_000);
	r.send({type: 'phase.approve'});
	assert.equal(r.ctx().startedAt, first);
});

test('the speed-up is told only when every task passed', () => {
	const run = (id: string, status: TaskRun['status'], startedAt: number, endedAt: number): TaskRun => ({id, phaseIndex: 0, status, attempts: 1, changedFiles: [], startedAt, endedAt});
	const passed = {a: run('a', 'passed', 0, 10_000), b: run('b', 'passed', 0, 10_000)};
	assert.equal(parallelSpeedup({plan: onePhase, tasks: passed}), 2);
	assert.equal(parallelSpeedup({plan: onePhase, tasks: {...passed, b: run('b', 'failed', 0, 10_000)}}), undefined);
	assert.equal(parallelSpeedup({plan: onePhase, tasks: {...passed, b: {...passed.b, status: 'skipped'}}}), undefined);
});

test('a run that passed with skipped tasks is incomplete, exit 3; skipping a phase is enough', async () => {
	const r = start(plan([phase('one', [task('a', ['a/**'])]), phase('two', [task('b', ['b/**'])])]));
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a');
	r.send({type: 'phase.skip'});
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.ctx().outcome, 'passed');
	assert.equal(verdictOf(r.ctx()), 'incomplete');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 3);
	assert.equal(verdictWords(verdictOf(r.ctx()), 1), 'incomplete: 1 skipped');
});

test('verdicts and exit codes: one table', () => {
	assert.equal(runVerdict('passed', 0), 'passed');
	assert.equal(runVerdict('passed', 2), 'incomplete');
	assert.equal(runVerdict('failed', 2), 'failed', 'a failure says more than the skips it caused');
	assert.equal(runVerdict('conflict', 0), 'conflict');
	assert.equal(runVerdict(undefined, 0), undefined);
	assert.equal(exitCode('done', {outcome: 'passed'}), 0, 'without tasks, nothing counts as skipped');
	assert.equal(exitCode('failed', {outcome: 'failed'}), 1);
	assert.equal(exitCode('aborted', {outcome: 'conflict'}), 3);
	assert.equal(verdictWords('conflict', 0), 'stopped on a conflict');
});

test('a resumed run knows where it picks up and which tasks it keeps; a fresh one is not resumed', () => {
	const twoPhases = plan([phase('one', [task('a', ['a/**']), task('b', ['b/**'])]), phase('two', [task('c', ['c/**'])])]);
	const kept: TaskRun = {id: 'a', phaseIndex: 0, status: 'passed', attempts: 1, changedFiles: [], startedAt: 1, endedAt: 2};
	const r = start(twoPhases, {restored: {a: kept}, startPhase: 0});
	assert.deepEqual(r.ctx().resumed, {phaseIndex: 0, kept: ['a']});
	assert.equal(start(twoPhases).ctx().resumed, undefined);
});

test('the editor\'s time comes off every running task\'s clock, not off finished ones', () => {
	const r = start(plan([phase('build', [task('a', ['a/**']), task('b', ['b/**'])])]));
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.clock.tick(2_000);
	r.fakes.exit('b');
	const before = r.ctx().tasks.a?.startedAt ?? 0;
	const bStart = r.ctx().tasks.b?.startedAt;
	r.clock.tick(12_000); // vi held open
	r.send({type: 'clock.paused', ms: 12_000});
	assert.equal(r.ctx().tasks.a?.startedAt, before + 12_000);
	assert.equal(r.ctx().tasks.b?.startedAt, bStart);
	r.clock.tick(3_000);
	r.fakes.exit('a');
	const a = r.ctx().tasks.a;
	assert.equal((a?.endedAt ?? 0) - (a?.startedAt ?? 0), 5_000, 'a ran 5 s, not 17 s');
});

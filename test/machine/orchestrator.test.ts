// The orchestrator's run flow with fake actors: approval, phases, parallelism, failures,
// verification, signals, resume, exit codes and the journal it emits.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createActor, waitFor} from 'xstate';
import {createOrchestrator} from '../../source/machine/orchestrator.js';
import {foldJournal} from '../../source/machine/journal-events.js';
import {summaryRows, counts} from '../../source/machine/selectors.js';
import {exitCodeOf} from '../../source/machine/exit-code.js';
import type {TaskRun} from '../../source/machine/types.js';
import {phase, plan, start, task, validate} from './helpers.js';

const twoPhases = plan([
	phase('build', [task('a', ['src/a/**']), task('b', ['src/b/**'])]),
	phase('test', [task('c', ['test/**'], {dependsOn: ['a']})]),
]);

test('an invalid plan ends in invalid with exit code 2', () => {
	const r = start(twoPhases, {
		report: {
			valid: false,
			errors: [{severity: 'error', code: 'x', message: 'bad', file: 'p', line: 1, column: 1, tasks: [], paths: []}],
			warnings: [],
		},
	});
	assert.equal(r.state(), 'invalid');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 2);
});

test('approval flow: each phase waits for approval, then verify, then done with exit 0', async () => {
	const r = start(twoPhases);
	assert.equal(r.state(), 'reviewing');
	r.send({type: 'plan.start'});
	assert.equal(r.state(), 'awaitingApproval');
	assert.deepEqual(r.fakes.liveIds(), []);
	r.send({type: 'phase.approve'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['a', 'b']);
	assert.ok(r.fakes.watcherRunning, 'the watcher runs while the phase runs');
	assert.equal(r.ctx().tasks.a?.pid, 4001);
	r.clock.tick(1500);
	r.fakes.exit('a');
	assert.equal(r.status('a'), 'passed');
	assert.equal(r.ctx().tasks.a?.endedAt, r.clock.now());
	assert.ok(!r.fakes.isLive('a'), 'the exited task child is stopped');
	assert.equal(r.state(), 'running');
	r.fakes.exit('b');
	assert.equal(r.state(), 'awaitingApproval');
	assert.equal(r.ctx().phaseIndex, 1);
	assert.ok(!r.fakes.watcherRunning, 'the watcher stops between phases');
	assert.deepEqual(r.ctx().phases, ['passed', 'pending']);
	r.send({type: 'phase.approve'});
	assert.deepEqual(r.fakes.liveIds(), ['c']);
	r.fakes.exit('c');
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.state(), 'done');
	assert.equal(r.ctx().outcome, 'passed');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 0);
	assert.deepEqual(r.fakes.verified, [], 'no verify commands in this plan');
	const types = r.types();
	for (const t of ['run.started', 'phase.awaiting', 'phase.approved', 'phase.started', 'task.started', 'task.exited', 'phase.finished', 'run.finished']) {
		assert.ok(types.includes(t as never), `journal has ${t}`);
	}
	const exited = r.journal.find(e => e.type === 'task.exited' && e.taskId === 'a');
	assert.deepEqual(exited && {d: exited.type === 'task.exited' && exited.durationMs}, {d: 1500});
	const started = r.journal.find(e => e.type === 'task.started' && e.taskId === 'a');
	assert.ok(started?.type === 'task.started' && started.pid === 4001 && started.attempt === 1);
});

test('verify commands run one by one through the verify actor', async () => {
	const p = plan([phase('one', [task('a', ['a/**'])])], ['npm run lint', 'npm test']);
	const r = start(p, {verifyCodes: [0, 0]});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a');
	await waitFor(r.actor, s => s.status === 'done');
	assert.deepEqual(r.fakes.verified, ['npm run lint', 'npm test']);
	assert.equal(r.state(), 'done');
	assert.deepEqual(
		r.journal.filter(e => e.type === 'verify.exited').map(e => e.type === 'verify.exited' && e.status),
		['passed', 'passed'],
	);
});

test('a failing verify command fails the run, the rest are skipped, exit 1', async () => {
	const p = plan([phase('one', [task('a', ['a/**'])])], ['lint', 'test', 'build']);
	const r = start(p, {verifyCodes: [0, 2, 0]});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a');
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.state(), 'failed');
	assert.deepEqual(r.ctx().verify.map(v => v.status), ['passed', 'failed', 'skipped']);
	assert.equal(r.ctx().verify[1]?.exitCode, 2);
	assert.deepEqual(r.fakes.verified, ['lint', 'test']);
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 1);
});

test('approveAll starts later phases without asking', async () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approveAll'});
	assert.equal(r.ctx().approveAll, true);
	r.fakes.exit('a');
	r.fakes.exit('b');
	assert.equal(r.state(), 'running');
	assert.equal(r.ctx().phaseIndex, 1);
	assert.deepEqual(r.fakes.liveIds(), ['c']);
	assert.ok(r.fakes.watcherRunning);
	assert.equal(r.fakes.watcherStarts, 2);
	r.fakes.exit('c');
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.state(), 'done');
});

test('an empty phase list goes straight to verifying', async () => {
	const r = start(plan([], ['check']), {verifyCodes: [0]});
	r.send({type: 'plan.start'});
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.state(), 'done');
	assert.deepEqual(r.fakes.verified, ['check']);
});

test('skipping a phase skips its tasks and, transitively, the tasks depending on them', () => {
	const p = plan([
		phase('one', [task('a', ['a/**']), task('b', ['b/**'])]),
		phase('two', [task('c', ['c/**'], {dependsOn: ['a']}), task('d', ['d/**'])]),
		phase('three', [task('e', ['e/**'], {dependsOn: ['c']})]),
	]);
	const r = start(p);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.skip'});
	assert.equal(r.state(), 'awaitingApproval');
	assert.equal(r.ctx().phaseIndex, 1);
	assert.deepEqual(r.ctx().phases, ['skipped', 'pending', 'pending']);
	assert.equal(r.status('a'), 'skipped');
	assert.equal(r.ctx().tasks.a?.reason, 'phase skipped by you');
	assert.equal(r.status('c'), 'skipped');
	assert.equal(r.ctx().tasks.c?.reason, 'depends on a, which was skipped');
	assert.equal(r.status('e'), 'skipped');
	assert.equal(r.ctx().tasks.e?.reason, 'depends on c, which was skipped');
	assert.equal(r.status('d'), 'pending');
	r.send({type: 'phase.approve'});
	assert.deepEqual(r.fakes.liveIds(), ['d']);
	assert.ok(r.types().includes('phase.skipped'));
	assert.ok(r.journal.some(e => e.type === 'task.skipped' && e.taskId === 'e'));
});

test('parallel phases respect maxParallel; sequential phases run one at a time in order', () => {
	const p = plan([
		phase('wide', ['a', 'b', 'c', 'd', 'e'].map(id => task(id, [`${id}/**`]))),
		phase('line', ['x', 'y', 'z'].map(id => task(id, [`${id}/**`])), 'sequential'),
	]);
	const r = start(p, {maxParallel: 2});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approveAll'});
	assert.deepEqual(r.fakes.liveIds(), ['a', 'b']);
	r.fakes.exit('b');
	assert.deepEqual(r.fakes.liveIds(), ['a', 'c']);
	r.fakes.exit('a');
	r.fakes.exit('c');
	assert.deepEqual(r.fakes.liveIds(), ['d', 'e']);
	r.fakes.exit('d');
	r.fakes.exit('e');
	assert.equal(r.fakes.maxConcurrent, 2);
	assert.deepEqual(r.fakes.liveIds(), ['x']);
	r.fakes.exit('x');
	assert.deepEqual(r.fakes.liveIds(), ['y']);
	r.fakes.exit('y');
	r.fakes.exit('z');
	assert.deepEqual(
		r.fakes.spawned.map(s => s.id),
		['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z'],
	);
});

test('without maxParallel a parallel phase starts every task at once', () => {
	const p = plan([phase('wide', ['a', 'b', 'c', 'd', 'e', 'f'].map(id => task(id, [`${id}/**`])))]);
	const r = start(p);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	assert.equal(r.fakes.maxConcurrent, 6);
});

test('a failed task: the others finish, then phaseFailed; retry re-runs only the failed one', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a', 2);
	assert.equal(r.status('a'), 'failed');
	assert.equal(r.ctx().tasks.a?.reason, 'exit code 2');
	assert.equal(r.state(), 'running', 'b is still running');
	r.fakes.exit('b');
	assert.equal(r.state(), 'phaseFailed');
	assert.equal(r.ctx().phases[0], 'failed');
	assert.ok(!r.fakes.watcherRunning);
	r.send({type: 'failed.retry'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['a']);
	assert.equal(r.ctx().tasks.a?.attempts, 2);
	assert.equal(r.ctx().tasks.b?.attempts, 1);
	assert.ok(r.fakes.watcherRunning);
	r.fakes.exit('a');
	assert.equal(r.state(), 'awaitingApproval');
	assert.equal(r.ctx().phases[0], 'passed');
});

test('continue past a failure skips its dependents and ends the run as failed (exit 1)', async () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a', 0, {signal: 'SIGKILL'});
	assert.equal(r.ctx().tasks.a?.reason, 'killed by SIGKILL');
	r.fakes.exit('b');
	assert.equal(r.state(), 'phaseFailed');
	r.send({type: 'failed.continue'});
	assert.equal(r.status('c'), 'skipped');
	assert.equal(r.ctx().tasks.c?.reason, 'depends on a, which failed');
	// Every task of the next phase is skipped: it is not offered for approval, it shows as skipped.
	await waitFor(r.actor, s => s.status === 'done');
	assert.equal(r.ctx().phases[1], 'skipped');
	assert.ok(!r.journal.some(e => e.type === 'phase.awaiting' && e.phaseIndex === 1), 'phase 2 was never offered');
	assert.ok(r.journal.some(e => e.type === 'phase.skipped' && e.phaseIndex === 1));
	assert.equal(r.state(), 'failed');
	assert.equal(r.ctx().outcome, 'failed');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 1);
	const rows = summaryRows(r.ctx());
	assert.deepEqual(
		rows.map(row => [row.task, row.phase, row.status]),
		[
			['a', 'build', 'failed'],
			['b', 'build', 'passed'],
			['c', 'test', 'skipped'],
		],
	);
});

test('continue: the next phase is offered with the dependents already skipped, and only the rest runs', () => {
	const r = start(
		plan([
			phase('build', [task('a', ['src/a/**']), task('b', ['src/b/**'])]),
			phase('test', [task('c', ['test/c/**'], {dependsOn: ['a']}), task('d', ['test/d/**'], {dependsOn: ['b']})]),
			phase('docs', [task('e', ['docs/**'], {dependsOn: ['c']})]),
		]),
	);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a', 1);
	r.fakes.exit('b');
	r.send({type: 'failed.continue'});
	assert.equal(r.state(), 'awaitingApproval');
	assert.equal(r.ctx().phaseIndex, 1);
	// What the approval screen shows: c (and e, later) skipped with the reason, before approval.
	assert.deepEqual([r.status('c'), r.ctx().tasks.c?.reason], ['skipped', 'depends on a, which failed']);
	assert.equal(r.status('e'), 'skipped');
	assert.equal(r.status('d'), 'pending');
	r.send({type: 'phase.approve'});
	assert.deepEqual(r.fakes.liveIds(), ['d']);
	r.fakes.exit('d');
	// The docs phase holds only e, skipped: passed over, never offered.
	assert.notEqual(r.state(), 'awaitingApproval');
	assert.deepEqual(r.ctx().phases, ['failed', 'passed', 'skipped']);
});

test('abort from phaseFailed stops the run with exit 1; pending tasks are listed as skipped', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a', 1);
	r.fakes.exit('b');
	r.send({type: 'run.abort'});
	assert.equal(r.state(), 'aborted');
	assert.equal(r.ctx().outcome, 'aborted');
	assert.equal(r.status('c'), 'skipped');
	assert.equal(r.ctx().tasks.c?.reason, 'not run: run aborted');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 1);
});

test('stopping after a failed phase (headless, no --keep-going) fails the run, not aborts it, and says why the rest did not run', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('a', 1);
	r.fakes.exit('b');
	assert.equal(r.state(), 'phaseFailed');
	r.send({type: 'failed.stop'});
	assert.equal(r.state(), 'failed');
	assert.equal(r.ctx().outcome, 'failed');
	assert.equal(r.status('c'), 'skipped');
	assert.equal(r.ctx().tasks.c?.reason, 'not run: phase 1 (build) failed');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 1);
});

test('in a sequential phase a failure does not start its same-phase dependents until the user decides', () => {
	const p = plan([phase('line', [task('x', ['x/**']), task('y', ['y/**'], {dependsOn: ['x']}), task('z', ['z/**'])], 'sequential')]);
	const r = start(p);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.exit('x', 1);
	assert.deepEqual(r.fakes.liveIds(), ['z'], 'y waits on x; z runs');
	r.fakes.exit('z');
	assert.equal(r.state(), 'phaseFailed');
	assert.equal(r.status('y'), 'pending');
	r.send({type: 'task.retry', taskId: 'x'});
	assert.deepEqual(r.fakes.liveIds(), ['x']);
	r.fakes.exit('x');
	assert.deepEqual(r.fakes.liveIds(), ['y']);
});

test('task.stop stops a running task ("stopped by you"); task.retry re-spawns it', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.send({type: 'task.stop', taskId: 'b'});
	assert.equal(r.status('b'), 'stopped');
	assert.equal(r.ctx().tasks.b?.reason, 'stopped by you');
	assert.ok(!r.fakes.isLive('b'));
	assert.ok(r.journal.some(e => e.type === 'task.stopped' && e.taskId === 'b'));
	r.send({type: 'task.retry', taskId: 'b'});
	assert.ok(r.fakes.isLive('b'));
	assert.equal(r.ctx().tasks.b?.attempts, 2);
	r.send({type: 'task.retry', taskId: 'a'});
	assert.equal(r.ctx().tasks.a?.attempts, 1, 'a running task is not retried');
	r.fakes.exit('a');
	r.fakes.exit('b');
	assert.equal(r.state(), 'awaitingApproval');
});

for (const [signal, code] of [
	['SIGINT', 130],
	['SIGTERM', 143],
	['SIGHUP', 129],
] as const) {
	test(`${signal} stops every child and ends interrupted with exit ${code}`, () => {
		const r = start(twoPhases);
		r.send({type: 'plan.start'});
		r.send({type: 'phase.approve'});
		r.send({type: 'run.signal', signal});
		assert.equal(r.state(), 'aborted');
		assert.deepEqual(r.fakes.liveIds(), []);
		assert.ok(!r.fakes.watcherRunning);
		assert.equal(r.ctx().outcome, 'interrupted');
		assert.equal(r.ctx().signal, signal);
		assert.equal(r.status('a'), 'stopped');
		assert.equal(r.ctx().tasks.a?.reason, `interrupted by ${signal}`);
		assert.equal(r.status('c'), 'skipped');
		assert.equal(exitCodeOf(r.actor.getSnapshot()), code);
		const last = r.journal.at(-1);
		assert.deepEqual(last?.type === 'run.finished' && [last.outcome, last.signal], ['interrupted', signal]);
	});
}

test('a signal while awaiting approval also ends the run', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'run.signal', signal: 'SIGTERM'});
	assert.equal(r.state(), 'aborted');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 143);
});

test('resume keeps passed tasks and starts at the given phase', () => {
	const restored: Record<string, TaskRun> = {
		a: {id: 'a', phaseIndex: 0, status: 'passed', attempts: 1, changedFiles: ['src/a/x.ts'], report: 'done a', startedAt: 1, endedAt: 2},
		b: {id: 'b', phaseIndex: 0, status: 'stopped', attempts: 1, changedFiles: [], reason: 'interrupted'},
	};
	const r = start(twoPhases, {restored, startPhase: 0});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	assert.deepEqual(r.fakes.liveIds(), ['b'], 'a passed before and is not run again');
	assert.equal(r.ctx().tasks.b?.attempts, 2);
	assert.equal(r.ctx().tasks.a?.report, 'done a');
	r.fakes.exit('b');
	assert.equal(r.state(), 'awaitingApproval');
	const started = r.journal.find(e => e.type === 'run.started');
	assert.deepEqual(started?.type === 'run.started' && started.kept, ['a']);

	const later = start(twoPhases, {restored: {...restored, b: {...restored.b!, status: 'passed'}}, startPhase: 1});
	later.send({type: 'plan.start'});
	assert.equal(later.ctx().phaseIndex, 1);
	assert.deepEqual(later.ctx().phases, ['passed', 'pending']);
	later.send({type: 'phase.approve'});
	assert.deepEqual(later.fakes.liveIds(), ['c']);
});

test('the default actors report "no runner provided" as a failure', async () => {
	const actor = createActor(createOrchestrator({now: Date.now, validate}), {
		input: {runId: 'r', plan: twoPhases, planFile: 'p', workspace: '/w', report: {valid: true, errors: [], warnings: []}},
	});
	actor.start();
	actor.send({type: 'plan.start'});
	actor.send({type: 'phase.approve'});
	await waitFor(actor, s => s.value === 'phaseFailed');
	assert.equal(actor.getSnapshot().context.tasks.a?.reason, 'no runner provided');
	actor.stop();
});

test('task reports merge into the task run and the journal; counts add up', () => {
	const r = start(twoPhases);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.send('a', {type: 'task.report', taskId: 'a', report: 'all good', costUsd: 0.25, changedFiles: ['src/a/x.ts']});
	r.fakes.send('a', {type: 'task.report', taskId: 'a', costUsd: 0.5, changedFiles: ['src/a/y.ts', 'src/a/x.ts']});
	const a = r.ctx().tasks.a;
	assert.equal(a?.report, 'all good');
	assert.equal(a?.costUsd, 0.5);
	assert.deepEqual(a?.changedFiles, ['src/a/x.ts', 'src/a/y.ts']);
	assert.ok(r.journal.some(e => e.type === 'task.report' && e.report === 'all good'));
	r.fakes.exit('a');
	assert.deepEqual(counts(r.ctx()), {running: 1, passed: 1, failed: 0, skipped: 0, pending: 1, total: 3});
});

describe('resume of a run that stopped at a conflict', () => {
	const modules = plan([
		phase('modules', [task('api', ['src/api/**']), task('db', ['src/db/**']), task('utils', ['src/utils/**'])]),
		phase('wire', [task('index', ['src/index.js'], {dependsOn: ['api', 'db', 'utils']})], 'sequential'),
	]);

	/** Runs modules until db asks for src/index.js and the run is aborted at the prompt; folds the journal. */
	function stoppedAtConflict() {
		const first = start(modules);
		first.send({type: 'plan.start'});
		first.send({type: 'phase.approve'});
		first.fakes.exit('utils');
		first.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/index.js', how: 'declared', reason: 'the barrel', at: first.clock.now()});
		first.send({type: 'conflict.decide', choice: 'abort'});
		assert.equal(first.ctx().outcome, 'conflict');
		return foldJournal(first.journal);
	}

	function resumed(state: ReturnType<typeof foldJournal>) {
		const restored = Object.fromEntries(Object.entries(state.tasks).filter(([, run]) => run.status === 'passed'));
		return start(state.plan ?? modules, {
			restored,
			startPhase: state.phaseIndex,
			revisions: state.revisions,
			nextConflictId: state.nextConflictId,
			openConflicts: state.openConflicts,
		});
	}

	test('the conflict comes back: its task waits, the prompt opens once the phase is approved', () => {
		const state = stoppedAtConflict();
		assert.deepEqual(state.openConflicts.map(c => [c.id, c.taskId, c.path]), [[1, 'db', 'src/index.js']]);
		const r = resumed(state);
		assert.equal(r.status('db'), 'conflicted', 'held before anything runs');
		assert.equal(r.status('utils'), 'passed');
		r.send({type: 'plan.start'});
		const types = r.types();
		assert.deepEqual(types.slice(0, 2), ['run.started', 'conflict.detected'], 'recorded again in this session');
		assert.equal(r.state(), 'awaitingApproval', 'nothing is decided before the phase is approved');
		r.send({type: 'phase.approve'});
		assert.equal(r.state(), 'conflict');
		assert.deepEqual(r.fakes.liveIds(), ['api'], 'api runs again; db is not re-run blindly');
		assert.equal(r.ctx().conflicts[0]?.reason, 'the barrel');
		r.send({type: 'conflict.decide', choice: 'defer'});
		assert.equal(r.state(), 'running');
		assert.equal(r.ctx().revisions.at(-1)?.number, 2);
		assert.equal(r.ctx().plan.phases[1]?.tasks[0]?.id, 'db', 'db moved to a new phase after modules');
		assert.deepEqual(r.fakes.liveIds(), ['api']);
		r.fakes.exit('api');
		assert.equal(r.state(), 'awaitingApproval');
		r.send({type: 'phase.approveAll'});
		assert.deepEqual(r.fakes.liveIds(), ['db']);
		r.fakes.exit('db');
		r.fakes.exit('index');
		assert.equal(r.state(), 'done');
		assert.equal(exitCodeOf(r.actor.getSnapshot()), 0);
	});

	test('interrupted again before deciding: a second resume still finds the conflict', () => {
		const r = resumed(stoppedAtConflict());
		r.send({type: 'plan.start'});
		r.send({type: 'phase.approve'});
		r.send({type: 'run.signal', signal: 'SIGINT'});
		const again = foldJournal(r.journal);
		assert.deepEqual(again.openConflicts.map(c => [c.id, c.taskId]), [[1, 'db']]);
		assert.equal(again.nextConflictId, 2);
	});

	test('skip (with its dependents) and abort apply to the restored conflict', () => {
		const skipped = resumed(stoppedAtConflict());
		skipped.send({type: 'plan.start'});
		skipped.send({type: 'phase.approve'});
		skipped.send({type: 'conflict.decide', choice: 'skip'});
		assert.equal(skipped.status('db'), 'skipped');
		assert.equal(skipped.status('index'), 'skipped', 'its dependents go too');
		const aborted = resumed(stoppedAtConflict());
		aborted.send({type: 'plan.start'});
		aborted.send({type: 'phase.approve'});
		aborted.send({type: 'conflict.decide', choice: 'abort'});
		assert.equal(exitCodeOf(aborted.actor.getSnapshot()), 3);
		assert.deepEqual(foldJournal(aborted.journal).openConflicts.map(c => c.taskId), ['db'], 'still open for the next resume');
	});

	test('skipping the phase drops the restored conflict with its task', () => {
		const r = resumed(stoppedAtConflict());
		r.send({type: 'plan.start'});
		r.send({type: 'phase.skip'});
		assert.equal(r.status('db'), 'skipped');
		assert.deepEqual(r.ctx().conflicts, []);
		assert.ok(r.journal.some(e => e.type === 'conflict.dropped' && e.conflictId === 1));
		// Phase 2 holds only index, which depends on db: nothing left to approve, passed over as skipped.
		assert.equal(r.ctx().phases[1], 'skipped');
		assert.notEqual(r.state(), 'awaitingApproval');
	});

	test('the held task`s partial work comes back with it (as resume restores it)', () => {
		const state = stoppedAtConflict();
		const db = {...state.tasks.db!, changedFiles: ['src/db/orders.js'], costUsd: 0.2};
		assert.equal(db.status, 'conflicted');
		const r = start(state.plan ?? modules, {restored: {db}, startPhase: 0, openConflicts: state.openConflicts});
		assert.equal(r.status('db'), 'conflicted');
		assert.deepEqual(r.ctx().tasks.db?.changedFiles, ['src/db/orders.js']);
		assert.equal(r.ctx().tasks.db?.attempts, 1);
		assert.equal(r.ctx().tasks.db?.costUsd, 0.2);
	});

	test('conflicts that hold nothing any more are not restored', () => {
		const state = stoppedAtConflict();
		const passedDb = {...state, tasks: {...state.tasks, db: {...state.tasks.db!, status: 'passed' as const}}};
		assert.deepEqual(resumed(passedDb).ctx().conflicts, [], 'db passed meanwhile');
		const later = resumed({...state, phaseIndex: 1});
		assert.deepEqual(later.ctx().conflicts, [], 'db is not in the phase the run starts at');
		const gone = resumed({...state, openConflicts: state.openConflicts.map(c => ({...c, taskId: 'nobody', suspects: ['nobody']}))});
		assert.deepEqual(gone.ctx().conflicts, [], 'no such task in the plan');
	});
});

// Conflicts in the orchestrator with fake actors: every way in, the culprit stopped at once,
// the others running on, and each decision (grant, defer, skip, edit, abort) with its refusals.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {foldJournal} from '../../source/machine/journal-events.js';
import {openConflict, skipWouldAlsoSkip} from '../../source/machine/selectors.js';
import {exitCodeOf} from '../../source/machine/exit-code.js';
import type {Plan} from '../../source/plan/types.js';
import {phase, plan, start, task} from './helpers.js';

const logging = plan([
	phase('logging', [task('api', ['src/api/**']), task('db', ['src/db/**']), task('utils', ['src/utils/**'])]),
	phase('tests', [task('tests', ['tests/**'], {dependsOn: ['db']})]),
]);

function running(p: Plan = logging, options: Parameters<typeof start>[1] = {}) {
	const r = start(p, options);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	return r;
}

test('a declared need stops the culprit at once; the others keep running and their exits are recorded', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: './src/shared/logger.ts', how: 'declared', reason: 'the logger lives here', at: r.clock.now()});
	assert.equal(r.state(), 'conflict');
	assert.equal(r.status('db'), 'conflicted');
	assert.ok(!r.fakes.isLive('db'), 'culprit stopped');
	assert.deepEqual(r.fakes.liveIds(), ['api', 'utils']);
	const c = openConflict(r.ctx());
	assert.deepEqual(
		c && {taskId: c.taskId, path: c.path, how: c.how, reason: c.reason, owner: c.owner, suspects: c.suspects},
		{taskId: 'db', path: 'src/shared/logger.ts', how: 'declared', reason: 'the logger lives here', owner: undefined, suspects: ['db']},
	);
	r.fakes.exit('api');
	assert.equal(r.status('api'), 'passed');
	assert.equal(r.state(), 'conflict', 'the run does not advance while a conflict is open');
	assert.ok(r.journal.some(e => e.type === 'conflict.detected' && e.conflict.taskId === 'db'));
	assert.ok(r.fakes.watcherRunning, 'watching goes on during the conflict');
});

test('grant adds the path to the task and re-runs it now; a new revision is recorded', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/shared/logger.ts', how: 'blocked', at: r.clock.now()});
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.state(), 'running');
	assert.ok(r.fakes.isLive('db'));
	assert.equal(r.ctx().tasks.db?.attempts, 2);
	assert.deepEqual(r.ctx().plan.phases[0]?.tasks[1]?.owns, ['src/db/**', 'src/shared/logger.ts']);
	assert.equal(r.ctx().revisions.length, 2);
	assert.equal(r.ctx().revisions[1]?.decision, 'grant src/shared/logger.ts to db');
	assert.equal(r.ctx().revisions[1]?.conflictId, 1);
	const spawnedAgain = r.fakes.spawned.at(-1);
	assert.deepEqual(spawnedAgain && [spawnedAgain.id, spawnedAgain.attempt], ['db', 2]);
	const revision = r.journal.find(e => e.type === 'revision.created');
	assert.ok(revision?.type === 'revision.created' && revision.number === 2 && revision.plan.phases[0]?.tasks[1]?.owns.length === 2);
	const decided = r.journal.find(e => e.type === 'conflict.decided');
	assert.ok(decided?.type === 'conflict.decided' && decided.choice === 'grant' && decided.revision === 2);
});

test('grant is refused when another task of the phase owns the path; the conflict stays open', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/api/routes.ts', how: 'declared', at: r.clock.now()});
	assert.equal(openConflict(r.ctx())?.owner, 'api');
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.state(), 'conflict');
	assert.match(r.ctx().refusal ?? '', /owned by api/);
	assert.equal(r.ctx().revisions.length, 1);
	assert.ok(r.journal.some(e => e.type === 'conflict.refused'));
	r.send({type: 'conflict.decide', choice: 'defer'});
	assert.equal(r.ctx().refusal, undefined);
	assert.equal(r.state(), 'running');
});

test('a revision that fails validation is refused with its reason', () => {
	const p = plan([phase('one', [task('a', ['src/a.ts']), task('b', ['src/b/**'])]), phase('two', [task('c', ['src/c/**'])])]);
	// The path is c's (another phase), so grant passes the phase check; the validator is stricter here.
	const strict = start(p, {validate: () => ({valid: false, errors: [{severity: 'error', code: 'x', message: 'src/c/x.ts is owned twice', file: 'p', line: 1, column: 1, tasks: [], paths: []}], warnings: []})});
	strict.send({type: 'plan.start'});
	strict.send({type: 'phase.approve'});
	strict.fakes.send('a', {type: 'conflict.detected', taskId: 'a', path: 'src/c/x.ts', how: 'declared', at: 1});
	strict.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(strict.state(), 'conflict');
	assert.equal(strict.ctx().refusal, 'The revised plan is not valid: src/c/x.ts is owned twice');
	assert.equal(strict.ctx().revisions.length, 1);
});

test('defer moves the task to a new sequential phase after this one; later dependents still follow it', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/api/shared.ts', how: 'agent-report', at: r.clock.now()});
	r.send({type: 'conflict.decide', choice: 'defer'});
	assert.equal(r.state(), 'running');
	const names = r.ctx().plan.phases.map(ph => ph.name);
	assert.deepEqual(names, ['logging', 'logging-deferred', 'tests']);
	assert.deepEqual(r.ctx().phases, ['running', 'pending', 'pending']);
	assert.equal(r.ctx().tasks.db?.phaseIndex, 1);
	assert.equal(r.ctx().tasks.tests?.phaseIndex, 2);
	assert.equal(r.status('db'), 'pending');
	assert.deepEqual(r.ctx().tasks.db?.changedFiles, ['src/api/shared.ts']);
	r.fakes.exit('api');
	r.fakes.exit('utils');
	assert.equal(r.state(), 'awaitingApproval');
	assert.equal(r.ctx().phaseIndex, 1);
	r.send({type: 'phase.approveAll'});
	assert.deepEqual(r.fakes.liveIds(), ['db']);
	r.fakes.exit('db');
	assert.deepEqual(r.fakes.liveIds(), ['tests']);
	assert.equal(r.ctx().revisions.at(-1)?.decision, 'defer db (needs src/api/shared.ts)');
});

test('skip skips the task and its dependents, and says which', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'x/y.ts', how: 'declared', at: r.clock.now()});
	assert.deepEqual(skipWouldAlsoSkip(r.ctx(), 'db'), ['tests']);
	r.send({type: 'conflict.decide', choice: 'skip'});
	assert.equal(r.status('db'), 'skipped');
	assert.equal(r.ctx().tasks.db?.reason, 'skipped by you after a conflict on x/y.ts');
	assert.equal(r.status('tests'), 'skipped');
	assert.equal(r.ctx().tasks.tests?.reason, 'depends on db, which was skipped');
	assert.equal(r.ctx().revisions.length, 1, 'skip leaves the plan as it is');
	const decided = r.journal.find(e => e.type === 'conflict.decided');
	assert.ok(decided?.type === 'conflict.decided' && decided.decision === 'skip db and tests' && decided.revision === undefined);
	r.fakes.exit('api');
	r.fakes.exit('utils');
	assert.equal(r.ctx().phases[0], 'passed', 'skipped tasks do not fail the phase');
	// The next phase holds only tests, already skipped: passed over, not offered for approval.
	assert.equal(r.ctx().phases[1], 'skipped');
	assert.notEqual(r.state(), 'awaitingApproval');
});

test('edit: an invalid edited plan is refused; a valid one becomes a revision', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/shared/logger.ts', how: 'declared', at: r.clock.now()});
	r.send({type: 'conflict.decide', choice: 'edit'});
	assert.match(r.ctx().refusal ?? '', /No edited plan/);
	const overlapping = plan([
		phase('logging', [task('api', ['src/api/**']), task('db', ['src/db/**', 'src/api/**']), task('utils', ['src/utils/**'])]),
		phase('tests', [task('tests', ['tests/**'], {dependsOn: ['db']})]),
	]);
	r.send({type: 'conflict.decide', choice: 'edit', plan: overlapping});
	assert.match(r.ctx().refusal ?? '', /not valid: api and db own the same files/);
	const droppedRunning = plan([phase('logging', [task('db', ['src/db/**'])])]);
	r.send({type: 'conflict.decide', choice: 'edit', plan: droppedRunning});
	assert.match(r.ctx().refusal ?? '', /api is still running/);
	const fixed = plan([
		phase('logging', [task('api', ['src/api/**']), task('db', ['src/db/**', 'src/shared/**']), task('utils', ['src/utils/**'])]),
		phase('tests', [task('tests', ['tests/**'], {dependsOn: ['db']}), task('docs', ['docs/**'])]),
	]);
	r.send({type: 'conflict.decide', choice: 'edit', plan: fixed});
	assert.equal(r.state(), 'running');
	assert.equal(r.ctx().revisions.at(-1)?.decision, 'edit the plan by hand');
	assert.ok(r.fakes.isLive('db'), 'the culprit runs again under the edited plan');
	assert.equal(r.status('docs'), 'pending', 'a task added by the edit joins the run');
});

test('abort on a conflict stops everything: outcome conflict, exit code 3', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'x', how: 'declared', at: r.clock.now()});
	r.send({type: 'conflict.decide', choice: 'abort'});
	assert.equal(r.state(), 'aborted');
	assert.deepEqual(r.fakes.liveIds(), []);
	assert.equal(r.ctx().outcome, 'conflict');
	assert.equal(exitCodeOf(r.actor.getSnapshot()), 3);
	assert.equal(r.status('db'), 'conflicted');
	assert.equal(r.status('tests'), 'skipped');
});

test('several conflicts queue and are decided in turn', () => {
	const r = running();
	const at = r.clock.now();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'a.ts', how: 'declared', at});
	r.fakes.send('api', {type: 'conflict.detected', taskId: 'api', path: 'b.ts', how: 'declared', at});
	assert.deepEqual(
		r.ctx().conflicts.map(c => [c.id, c.taskId, c.path]),
		[
			[1, 'db', 'a.ts'],
			[2, 'api', 'b.ts'],
		],
	);
	assert.deepEqual(r.fakes.liveIds(), ['utils']);
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.state(), 'conflict', 'the second conflict is next');
	assert.equal(openConflict(r.ctx())?.taskId, 'api');
	assert.ok(!r.fakes.isLive('db'), 'nothing restarts while a conflict is open');
	r.send({type: 'conflict.decide', choice: 'skip'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['db', 'utils']);
	assert.deepEqual(
		r.ctx().revisions.map(v => v.number),
		[1, 2],
	);
});

test('the same path and culprit are not queued twice while open', () => {
	const r = running(plan([phase('one', [task('solo', ['solo/**'])])]));
	r.clock.tick(10);
	r.fakes.changed([{path: 'stray.txt', at: r.clock.now()}]);
	r.clock.tick(10);
	r.fakes.changed([{path: 'stray.txt', at: r.clock.now()}, {path: 'other.txt', at: r.clock.now()}]);
	assert.deepEqual(
		r.ctx().conflicts.map(c => [c.taskId, c.path]),
		[
			['solo', 'stray.txt'],
			['solo', 'other.txt'],
		],
	);
	r.send({type: 'conflict.decide', choice: 'grant'});
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.ctx().plan.phases[0]?.tasks[0]?.owns, ['solo/**', 'stray.txt', 'other.txt']);
	assert.equal(r.ctx().tasks.solo?.attempts, 2);
});

test('watcher: a change owned by a running task is fine and credited to it', () => {
	const r = running();
	r.clock.tick(100);
	r.fakes.changed([{path: 'src/api/users.ts', at: r.clock.now()}]);
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.ctx().tasks.api?.changedFiles, ['src/api/users.ts']);
});

test('watcher: an unowned change with several tasks running names them all as suspects and stops them', () => {
	const r = running();
	r.clock.tick(100);
	r.fakes.changed([{path: 'src/shared/logger.ts', at: r.clock.now(), kind: 'add'}]);
	assert.equal(r.state(), 'conflict');
	const c = openConflict(r.ctx());
	assert.deepEqual(c && [c.taskId, c.suspects, c.how, c.changeKind], [undefined, ['api', 'db', 'utils'], 'watcher', 'add']);
	assert.deepEqual(r.fakes.liveIds(), []);
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.match(r.ctx().refusal ?? '', /Say which task/);
	r.send({type: 'conflict.decide', choice: 'grant', taskId: 'nope'});
	assert.match(r.ctx().refusal ?? '', /nope is not a suspect/);
	r.send({type: 'conflict.decide', choice: 'defer', taskId: 'utils'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['api', 'db'], 'the innocent suspects run again; the culprit waits for its phase');
	assert.equal(r.ctx().tasks.utils?.phaseIndex, 1);
});

test('watcher: a change owned by a task that already finished is a conflict against the running one', () => {
	const r = running();
	r.clock.tick(100);
	r.fakes.exit('api');
	r.fakes.exit('utils');
	r.clock.tick(2000);
	r.fakes.changed([{path: 'src/api/users.ts', at: r.clock.now()}]);
	const c = openConflict(r.ctx());
	assert.deepEqual(c && [c.taskId, c.owner], ['db', 'api']);
	assert.equal(r.status('db'), 'conflicted');
});

test('watcher: a late event within the slack still belongs to the task that just exited', () => {
	const r = running(plan([phase('one', [task('fast', ['out/**']), task('slow', ['slow/**'])])]));
	const wroteAt = r.clock.now() + 5;
	r.clock.tick(10);
	r.fakes.exit('fast');
	r.clock.tick(300);
	r.fakes.changed([{path: 'out/result.txt', at: wroteAt + 300}]);
	assert.equal(r.state(), 'running', 'owned by fast, which ran until 300 ms before');
	assert.deepEqual(r.ctx().tasks.fast?.changedFiles, ['out/result.txt']);
	r.fakes.changed([{path: 'elsewhere.txt', at: wroteAt}]);
	const c = openConflict(r.ctx());
	assert.deepEqual(c?.suspects, ['fast', 'slow'], 'both were running when it happened');
});

test('a change when no task runs goes to the task that ended last', () => {
	const p = plan([phase('pair', [task('x', ['x/**']), task('y', ['y/**'])])]);
	const r = running(p);
	r.clock.tick(10);
	r.fakes.send('x', {type: 'conflict.detected', taskId: 'x', path: 'x-needs.txt', how: 'declared', at: r.clock.now()});
	r.clock.tick(1000);
	r.fakes.exit('y');
	assert.equal(r.status('y'), 'passed');
	r.clock.tick(2000);
	r.fakes.changed([{path: 'stray.txt', at: r.clock.now()}]);
	const c = r.ctx().conflicts[1];
	assert.deepEqual(c && [c.taskId, c.suspects], ['y', ['y']]);
	assert.equal(r.status('y'), 'passed', 'a passed task keeps its result while the user decides');
	r.send({type: 'conflict.decide', choice: 'skip'});
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.deepEqual(r.fakes.liveIds(), [], 'granted: the change is accepted as y`s work, y is not run again');
	assert.equal(r.status('y'), 'passed');
});

test('the journal folds back into what resume needs', () => {
	const r = running();
	r.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/api/shared.ts', how: 'declared', at: r.clock.now()});
	r.send({type: 'conflict.decide', choice: 'defer'});
	r.fakes.send('api', {type: 'task.report', taskId: 'api', report: 'api done', costUsd: 0.1});
	r.fakes.exit('api');
	r.fakes.send('utils', {type: 'conflict.detected', taskId: 'utils', path: 'zzz', how: 'declared', at: r.clock.now()});
	r.send({type: 'run.signal', signal: 'SIGINT'});
	const state = foldJournal(r.journal);
	assert.equal(state.plan?.phases.length, 3);
	assert.deepEqual(
		state.revisions.map(v => v.number),
		[1, 2],
	);
	assert.equal(state.tasks.api?.status, 'passed');
	assert.equal(state.tasks.api?.report, 'api done');
	assert.equal(state.tasks.db?.phaseIndex, 1);
	assert.equal(state.tasks.utils?.status, 'conflicted');
	assert.deepEqual(
		state.openConflicts.map(c => c.path),
		['zzz'],
	);
	assert.deepEqual(state.finished, {outcome: 'interrupted', signal: 'SIGINT'});
	assert.equal(state.nextConflictId, 3);
	assert.equal(state.phaseIndex, 0);
});

test('a phase-end scan or an agent with no culprit: suspects given, or every running task', () => {
	const r = running();
	r.clock.tick(10);
	r.fakes.send('api', {type: 'conflict.detected', suspects: ['api', 'utils'], path: 'late.txt', how: 'phase-end-scan', at: r.clock.now()});
	let c = openConflict(r.ctx());
	assert.deepEqual(c && [c.taskId, c.suspects, c.how], [undefined, ['api', 'utils'], 'phase-end-scan']);
	assert.deepEqual(r.fakes.liveIds(), ['db'], 'running suspects are held');
	r.fakes.send('db', {type: 'conflict.detected', path: 'who.txt', how: 'agent-report', at: r.clock.now()});
	c = r.ctx().conflicts[1];
	assert.deepEqual(c && [c.taskId, c.suspects], ['db', ['db']], 'the only task still running');
	r.send({type: 'conflict.decide', choice: 'skip', taskId: 'utils'});
	assert.equal(r.status('utils'), 'skipped');
	assert.equal(r.status('api'), 'pending', 'api is no longer held');
	assert.ok(!r.fakes.isLive('api'), 'but nothing starts while a conflict is open');
	r.send({type: 'conflict.decide', choice: 'skip'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['api']);
	assert.equal(r.status('tests'), 'skipped');
});

test('phase-end scan: the phase waits for the watcher`s scan; what it finds is a conflict', () => {
	const r = running(logging, {phaseEndScan: true});
	r.clock.tick(100);
	r.fakes.exit('api');
	r.fakes.exit('utils');
	assert.deepEqual(r.fakes.scanRequests, []);
	r.clock.tick(1000);
	r.fakes.exit('db');
	assert.deepEqual(r.fakes.scanRequests, [0], 'asked once the phase went quiet');
	assert.equal(r.state(), 'running', 'the phase does not end before the scan answers');
	r.clock.tick(2000);
	r.fakes.scanned(0, [{path: 'missed.txt', at: r.clock.now()}]);
	const c = openConflict(r.ctx());
	assert.deepEqual(c && [c.taskId, c.how], ['db', 'phase-end-scan'], 'db ended last');
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.deepEqual(r.fakes.liveIds(), [], 'db passed: the change is accepted as its work, it is not run again');
	assert.equal(r.status('db'), 'passed');
	assert.equal(r.state(), 'awaitingApproval');
});

test('resume from a folded journal: latest revision, passed work kept, the rest runs again', () => {
	const first = running();
	first.fakes.send('db', {type: 'conflict.detected', taskId: 'db', path: 'src/shared/log.ts', how: 'declared', at: first.clock.now()});
	first.send({type: 'conflict.decide', choice: 'grant'});
	first.fakes.exit('api');
	first.send({type: 'run.signal', signal: 'SIGTERM'});
	const state = foldJournal(first.journal);
	assert.ok(state.plan);
	const second = start(state.plan, {
		restored: state.tasks,
		startPhase: state.phaseIndex,
		revisions: state.revisions,
		nextConflictId: state.nextConflictId,
	});
	second.send({type: 'plan.start'});
	second.send({type: 'phase.approve'});
	assert.deepEqual(second.fakes.liveIds(), ['db', 'utils']);
	assert.equal(second.status('api'), 'passed');
	assert.equal(second.ctx().tasks.db?.attempts, 3, 'attempts carry on');
	assert.equal(second.ctx().revisions.length, 2);
	second.fakes.send('utils', {type: 'conflict.detected', taskId: 'utils', path: 'q', how: 'declared', at: 1});
	assert.equal(openConflict(second.ctx())?.id, 2);
});

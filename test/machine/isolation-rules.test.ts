// The decision rules that keep finished work finished and re-planning finite, with fake actors:
// a task asking for a file it owns is no conflict; a passed task is never re-run by defer; a
// grant of finished work (held in a worktree) accepts it without a re-run; an ambiguous change
// carries what each suspect was doing.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {headlessAnswer} from '../../source/headless/policy.js';
import {openConflict} from '../../source/machine/selectors.js';
import {phase, plan, start, task} from './helpers.js';

const two = plan([phase('work', [task('router', ['lib/router/**']), task('core', ['lib/application.js'])]), phase('docs', [task('docs', ['docs/**'])])]);

function running() {
	const r = start(two);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	return r;
}

test('a task declaring a need for a file it owns raises nothing (no decision can bring the same conflict back)', () => {
	const r = running();
	r.fakes.send('router', {type: 'conflict.detected', taskId: 'router', path: 'lib/router/index.js', how: 'declared', at: r.clock.now()});
	r.fakes.send('router', {type: 'conflict.detected', taskId: 'router', path: 'lib/router/index.js', how: 'blocked', at: r.clock.now()});
	assert.equal(r.state(), 'running');
	assert.equal(r.ctx().conflicts.length, 0);
	assert.ok(r.fakes.isLive('router'));
});

test('defer of a task that already passed is refused with the reason; grant accepts the change as its work, no re-run', () => {
	const r = running();
	r.fakes.exit('router');
	assert.equal(r.status('router'), 'passed');
	// A change found later and attributed to router (e.g. by the phase-end check).
	r.fakes.send('core', {type: 'conflict.detected', taskId: 'router', path: 'History.md', how: 'phase-end-scan', at: r.clock.now()});
	assert.equal(r.state(), 'conflict');
	r.send({type: 'conflict.decide', choice: 'defer'});
	assert.equal(r.state(), 'conflict');
	assert.match(r.ctx().refusal ?? '', /router already passed: deferring would run it again/);
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.state(), 'running');
	assert.equal(r.status('router'), 'passed');
	assert.equal(r.ctx().tasks['router']?.attempts, 1);
	assert.deepEqual(r.ctx().plan.phases[0]?.tasks[0]?.owns, ['lib/router/**', 'History.md']);
	assert.equal(r.fakes.spawned.filter(s => s.id === 'router').length, 1);
});

test('grant of finished work held in a worktree: the task counts as passed, is not spawned again, all its paths granted', () => {
	const r = running();
	r.fakes.send('core', {type: 'conflict.detected', taskId: 'core', path: 'History.md', paths: ['History.md', 'docs/core.md'], how: 'diff', finished: true, at: r.clock.now()} as never);
	assert.equal(r.status('core'), 'conflicted');
	const c = openConflict(r.ctx());
	assert.equal(c?.finished, true);
	assert.deepEqual(c?.paths, ['History.md', 'docs/core.md']);
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.equal(r.status('core'), 'passed');
	assert.equal(r.fakes.spawned.filter(s => s.id === 'core').length, 1);
	assert.deepEqual(r.ctx().plan.phases[0]?.tasks[1]?.owns, ['lib/application.js', 'History.md', 'docs/core.md']);
	assert.ok(r.journal.some(e => e.type === 'task.exited' && e.taskId === 'core' && e.outcome === 'passed'));
});

test('defer of finished work held in a worktree: the task runs again in a later phase owning every stray path', () => {
	const r = running();
	r.fakes.send('core', {type: 'conflict.detected', taskId: 'core', path: 'History.md', paths: ['History.md', 'docs/core.md'], how: 'diff', finished: true, at: r.clock.now()} as never);
	r.send({type: 'conflict.decide', choice: 'defer'});
	const deferred = r.ctx().plan.phases[1];
	assert.equal(deferred?.name, 'work-deferred');
	assert.deepEqual(deferred?.tasks[0]?.owns, ['lib/application.js', 'History.md', 'docs/core.md']);
	assert.equal(r.status('core'), 'pending');
});

test('an ambiguous change carries each suspect`s state; headless never guesses (abort: exit 3)', () => {
	const r = running();
	r.clock.tick(1000);
	r.fakes.exit('router');
	r.clock.tick(2500);
	r.fakes.send('core', {type: 'conflict.detected', suspects: ['router', 'core'], path: 'History.md', how: 'phase-end-scan', at: r.clock.now()});
	const c = openConflict(r.ctx());
	assert.equal(c?.taskId, undefined);
	assert.deepEqual(c?.evidence, [
		{taskId: 'router', state: 'ended', endedAgoMs: 2500, outcome: 'passed'},
		{taskId: 'core', state: 'running'},
	]);
	const answer = headlessAnswer('conflict', r.ctx(), {keepGoing: false, onConflict: 'defer'}, {answered: new Set()});
	assert.deepEqual(answer, {type: 'conflict.decide', choice: 'abort'});
});

test('resume: a conflict about work held in the interrupted session`s worktree comes back as a plain one (grant runs the task again)', () => {
	const r = start(two, {
		openConflicts: [{id: 4, taskId: 'core', suspects: ['core'], path: 'History.md', how: 'diff', finished: true, at: 1}],
		restored: {core: {id: 'core', phaseIndex: 0, status: 'conflicted', attempts: 1, changedFiles: []}},
	});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	const c = openConflict(r.ctx());
	assert.equal(c?.id, 4);
	assert.equal(c?.finished, undefined);
	r.send({type: 'conflict.decide', choice: 'grant'});
	assert.ok(r.fakes.spawned.some(s => s.id === 'core'), 'core runs again, owning History.md');
});

// The orchestrator's parent `phase` state: the handlers running and conflict share, and what only
// `running` does (start tasks into freed slots); `stateOf` names the leaf the UI switches on.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {stateOf} from '../../source/machine/state.js';
import {phase, plan, start, task} from './helpers.js';

const three = plan([phase('one', [task('a', ['src/a/**']), task('b', ['src/b/**']), task('c', ['src/c/**'])])]);

test('stateOf names the leaf: the phase sub-states as running and conflict, top-level states as they are', () => {
	assert.equal(stateOf({value: {phase: 'running'}}), 'running');
	assert.equal(stateOf({value: {phase: 'conflict'}}), 'conflict');
	assert.equal(stateOf({value: 'awaitingApproval'}), 'awaitingApproval');
});

test('during a conflict a freed slot stays free; once decided, running fills it', () => {
	const r = start(three, {maxParallel: 2});
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	assert.deepEqual(r.fakes.liveIds(), ['a', 'b']);
	r.fakes.send('a', {type: 'conflict.detected', taskId: 'a', path: 'src/b/x.ts', how: 'declared', at: r.clock.now()});
	assert.equal(r.state(), 'conflict');
	r.fakes.exit('b');
	assert.equal(r.status('b'), 'passed', 'an exit is recorded during the conflict (the shared handler)');
	assert.equal(r.status('c'), 'pending', 'but nothing new starts while the user decides');
	r.send({type: 'conflict.decide', choice: 'skip'});
	assert.equal(r.state(), 'running');
	assert.deepEqual(r.fakes.liveIds(), ['c']);
});

test('a report and a stop are handled the same in running and in conflict', () => {
	const r = start(three);
	r.send({type: 'plan.start'});
	r.send({type: 'phase.approve'});
	r.fakes.send('a', {type: 'task.report', taskId: 'a', report: 'half done'});
	r.fakes.send('b', {type: 'conflict.detected', taskId: 'b', path: 'src/a/x.ts', how: 'declared', at: r.clock.now()});
	r.fakes.send('c', {type: 'task.report', taskId: 'c', report: 'also half'});
	r.send({type: 'task.stop', taskId: 'a'});
	assert.equal(r.state(), 'conflict');
	assert.equal(r.ctx().tasks.a?.report, 'half done');
	assert.equal(r.ctx().tasks.c?.report, 'also half');
	assert.equal(r.status('a'), 'stopped');
});

// Issue 14, "truth on screen", through the whole App: an incomplete run is not "passed", the
// clock stands until the first approval, a resumed run says so on every screen, and the last
// frame after the second Ctrl-C holds no question that no longer applies.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import type {OrchestratorContext} from '../../source/machine/types.js';
import {CTRL_C, FakeView, MemoryStore, NOW, T0, makeContext, plain, setSize, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

function mount(state: string, context: OrchestratorContext, columns = 120, rows = 40) {
	const view = new FakeView(state, context);
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => undefined} color={false} now={NOW} />);
	setSize(app.stdout, columns, rows);
	return {view, app};
}

/** Every task passed, except those named, which were skipped. */
function finished(skipped: readonly string[]): OrchestratorContext {
	const base = makeContext(undefined, {outcome: 'passed', endedAt: T0 + 60_000, phases: ['passed', 'passed', 'passed']});
	const tasks = Object.fromEntries(
		Object.values(base.tasks).map(run => [
			run.id,
			skipped.includes(run.id)
				? {...run, status: 'skipped' as const, reason: 'skipped by you after a conflict on x'}
				: {...run, status: 'passed' as const, startedAt: T0 + 1_000, endedAt: T0 + 30_000},
		]),
	);
	return {...base, tasks};
}

test('a run with skipped tasks is "incomplete: N skipped" with exit 3, never "passed"', async () => {
	const {app} = mount('done', finished(['db-logging', 'logging-docs']));
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /fanout · add-logging · incomplete: 2 skipped in 01:00 · 3 of 5 tasks passed/);
	assert.match(frame, /exit 3/);
	assert.doesNotMatch(frame, /faster in parallel/, 'no speed-up for a run that did not finish its tasks');
});

test('a run whose tasks all passed says passed, exit 0', async () => {
	const {app} = mount('done', finished([]));
	await tick();
	assert.match(plain(app.lastFrame()), /add-logging · passed in 01:00 · 5 of 5 tasks passed.* exit 0/);
});

test('the approval screen\'s clock stands at 00:00 until the first approval', async () => {
	const {app, view} = mount('awaitingApproval', makeContext());
	await tick();
	assert.match(plain(app.lastFrame()), /waiting for you +⏱ 00:00/);
	view.set('awaitingApproval', makeContext(undefined, {firstApprovedAt: T0, phaseIndex: 1}));
	await tick();
	assert.match(plain(app.lastFrame()), /waiting for you +⏱ 02:14/);
});

const resumed = (extra: Partial<OrchestratorContext> = {}) =>
	makeContext(undefined, {
		phaseIndex: 1,
		phases: ['passed', 'pending', 'pending'],
		resumed: {phaseIndex: 1, kept: ['api-logging', 'db-logging', 'utils-logging']},
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'passed'}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed'}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'passed'}),
		},
		...extra,
	});
const note = /resumed run 2026-11-27T17-02-11: from phase 2 \(tests\); already passed, not run again: api-logging, db-logging, utils-logging/;

test('a resumed run says so on every screen: review, approval, grid, phase failed, summary', async () => {
	const {app, view} = mount('reviewing', resumed(), 160);
	await tick();
	assert.match(plain(app.lastFrame()), note);
	view.set('awaitingApproval');
	await tick();
	assert.match(plain(app.lastFrame()), note);
	assert.match(plain(app.lastFrame()), /fanout · add-logging · resumed/);
	view.set('running', resumed({tasks: {'logging-tests': taskRun('logging-tests', 1, {status: 'running', startedAt: T0})}}));
	await tick();
	assert.match(plain(app.lastFrame()), /^ fanout · add-logging · resumed/m);
	view.set('phaseFailed', resumed({tasks: {'logging-tests': taskRun('logging-tests', 1, {status: 'failed', reason: 'exit code 1'})}}));
	await tick();
	assert.match(plain(app.lastFrame()), note);
	view.set('failed', resumed({outcome: 'failed', endedAt: T0 + 10_000}));
	await tick();
	assert.match(plain(app.lastFrame()), note);
});

test('a fresh run says nothing about resuming', async () => {
	const {app} = mount('awaitingApproval', makeContext());
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /resumed/);
});

test('after the second Ctrl-C the last frame is the summary, without "Press Ctrl-C again"', async () => {
	const {app, view} = mount('running', makeContext(undefined, {tasks: {'api-logging': taskRun('api-logging', 0, {status: 'running', startedAt: T0})}}));
	await tick();
	app.stdin.write(CTRL_C);
	await tick();
	assert.match(plain(app.lastFrame()), /Press Ctrl-C again to stop now/);
	app.stdin.write(CTRL_C);
	await tick();
	assert.deepEqual(view.sent, [{type: 'run.signal', signal: 'SIGINT'}]);
	view.set('aborted', makeContext(undefined, {outcome: 'interrupted', signal: 'SIGINT', endedAt: T0 + 5_000}));
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /interrupted in 00:05/);
	assert.doesNotMatch(frame, /Ctrl-C again/);
});

test('a run that ended on its own while Ctrl-C\'s question was open drops the question', async () => {
	const {app, view} = mount('running', makeContext());
	await tick();
	app.stdin.write(CTRL_C);
	await tick();
	view.set('done', finished([]));
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /Ctrl-C again/);
});

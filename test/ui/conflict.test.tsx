// The conflict prompt over the grid: the sentence, grant offered only when no other task of the
// phase owns the path, picking the culprit among suspects, skip naming dependents, edit, abort.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import type {Conflict, OrchestratorContext} from '../../source/machine/types.js';
import type {Plan} from '../../source/plan/types.js';
import {ARROW_DOWN, FakeView, MemoryStore, NOW, T0, makeContext, plain, samplePlan, setSize, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

function conflictContext(conflict: Conflict, extra: Partial<OrchestratorContext> = {}): OrchestratorContext {
	return makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'running', startedAt: T0}),
			'db-logging': taskRun('db-logging', 0, {status: 'conflicted', startedAt: T0, changedFiles: ['src/db/pool.ts', 'src/shared/logger.ts']}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'running', startedAt: T0}),
		},
		conflicts: [conflict],
		...extra,
	});
}

function mount(context: OrchestratorContext, onEditPlan?: (plan: Plan) => Promise<Plan | undefined>) {
	const view = new FakeView('conflict', context);
	const store = new MemoryStore();
	store.tail('api-logging').push('still working on the api');
	const app = render(<App actor={view} store={store} onExit={() => {}} color={false} now={NOW} onEditPlan={onEditPlan} />);
	setSize(app.stdout, 120, 40);
	return {view, app};
}

const unowned: Conflict = {
	id: 1,
	taskId: 'db-logging',
	suspects: ['db-logging'],
	path: 'src/shared/logger.ts',
	how: 'declared',
	reason: 'the logger lives here',
	at: T0,
};

test('says what happened, offers grant for an unowned path, and the grid keeps showing', async () => {
	const {app, view} = mount(conflictContext(unowned));
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /Conflict · phase 1 · logging/);
	assert.match(frame, /db-logging asks for src\/shared\/logger\.ts, which it does not own\./);
	assert.match(frame, /found by: +declared by the task \(FANOUT-NEEDS\): "the logger lives here"/);
	assert.match(frame, /owner: +no task owns it/);
	assert.match(frame, /db-logging was stopped\. Its changes so far: src\/db\/pool\.ts, src\/shared\/logger\.ts/);
	assert.match(frame, /g grant +give db-logging the path and run it again now/);
	assert.match(frame, /s skip +skip db-logging \(logging-tests, logging-docs depend on it and will be skipped too\)/);
	assert.match(frame, /still working on the api/);
	// The stopped task waits for a decision (the header says so): it is not counted as failed.
	assert.match(frame, /conflict: waiting for you .* 2 running · 0 done · 0 failed/);
	assert.ok(frame.split('\n').length <= 39);
	app.stdin.write('g');
	await tick();
	assert.deepEqual(view.sent, [{type: 'conflict.decide', choice: 'grant', taskId: 'db-logging'}]);
});

test('grant is not offered when another task of the phase owns the path', async () => {
	const {app, view} = mount(conflictContext({...unowned, path: 'src/api/users.ts', how: 'watcher', changeKind: 'change', owner: 'api-logging'}));
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /db-logging changed src\/api\/users\.ts/);
	assert.match(frame, /owner: +api-logging/);
	assert.doesNotMatch(frame, /g grant/);
	app.stdin.write('g');
	await tick();
	assert.deepEqual(view.sent, []);
	app.stdin.write('d');
	await tick();
	assert.deepEqual(view.sent, [{type: 'conflict.decide', choice: 'defer', taskId: 'db-logging'}]);
});

test('several suspects: choices wait until the culprit is picked by digit or arrow', async () => {
	const suspects: Conflict = {id: 2, suspects: ['api-logging', 'utils-logging'], path: 'README.md', how: 'watcher', changeKind: 'unlink', at: T0};
	const {app, view} = mount(conflictContext(suspects));
	await tick();
	let frame = plain(app.lastFrame());
	assert.match(frame, /one of api-logging, utils-logging deleted README\.md, which none of them owns\./);
	assert.match(frame, /Which task made the change\? Pick one/);
	assert.match(frame, /1 api-logging/);
	assert.match(frame, /2 utils-logging/);
	app.stdin.write('d');
	app.stdin.write('s');
	await tick();
	assert.deepEqual(view.sent, []);
	app.stdin.write('2');
	await tick();
	frame = plain(app.lastFrame());
	assert.match(frame, /culprit: +utils-logging/);
	assert.match(frame, /g grant/);
	app.stdin.write('s');
	await tick();
	assert.deepEqual(view.sent, [{type: 'conflict.decide', choice: 'skip', taskId: 'utils-logging'}]);
	// Arrows pick too: up from utils-logging is api-logging.
	app.stdin.write('\u001B[A');
	await tick();
	app.stdin.write('d');
	await tick();
	assert.deepEqual(view.sent.at(-1), {type: 'conflict.decide', choice: 'defer', taskId: 'api-logging'});
	app.stdin.write(ARROW_DOWN);
	await tick();
	assert.match(plain(app.lastFrame()), /culprit: +utils-logging/);
});

test('e opens the editor and sends the edited plan; giving up sends nothing; q aborts', async () => {
	const edited: Plan = {...samplePlan(), name: 'edited'};
	// What the fake editor returns: nothing first (the user gave up), then the edited plan.
	const editor: {answer?: Plan} = {};
	let calls = 0;
	const {app, view} = mount(conflictContext(unowned), async () => {
		calls++;
		return editor.answer;
	});
	await tick();
	app.stdin.write('e');
	await tick();
	assert.equal(calls, 1);
	assert.deepEqual(view.sent, []);
	editor.answer = edited;
	app.stdin.write('e');
	await tick();
	assert.deepEqual(view.sent, [{type: 'conflict.decide', choice: 'edit', plan: edited, taskId: 'db-logging'}]);
	app.stdin.write('q');
	await tick();
	assert.deepEqual(view.sent.at(-1), {type: 'conflict.decide', choice: 'abort', taskId: 'db-logging'});
});

test('an editor that fails is reported in the prompt, and the prompt stays', async () => {
	const {app, view} = mount(conflictContext(unowned), async () => {
		throw new Error('editor "nano" not found');
	});
	setSize(app.stdout, 140, 40);
	await tick();
	app.stdin.write('e');
	await tick();
	await tick();
	assert.deepEqual(view.sent, []);
	assert.match(plain(app.lastFrame()), /Refused: the edit failed: editor "nano" not found/);
});

test('a refusal is shown, and queued conflicts are counted', async () => {
	const second: Conflict = {...unowned, id: 3, path: 'src/other.ts'};
	const {app} = mount(conflictContext(unowned, {conflicts: [unowned, second], refusal: 'src/shared/logger.ts is owned by api-logging in phase 1'}));
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /Conflict · phase 1 · logging · 1 more waiting/);
	assert.match(frame, /Refused: src\/shared\/logger\.ts is owned by api-logging in phase 1/);
});

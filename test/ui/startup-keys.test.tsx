// Keys typed while the app starts: in a real terminal they arrive as one chunk on the first read
// (Enter as a line feed when typed before raw mode). The App in start-up mode splits that chunk
// and acts on each key in turn; without it a chunk stays one input (a paste into a field).

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {splitKeys} from '../../source/ui/hooks/split-keys.js';
import {ARROW_RIGHT, FakeView, MemoryStore, NOW, T0, eventually, makeContext, plain, setSize, taskRun, tick} from './helpers.js';

test.afterEach(() => cleanup());

const noKey = splitKeys('x', {} as never)[0]!.key;

test('splitKeys: a chunk with control characters becomes keys; plain text and single keys stay whole', () => {
	assert.deepEqual(
		splitKeys('j\r\n?\t\u0003', noKey).map(({input, key}) => [input, key.return, key.tab, key.ctrl]),
		[
			['j', false, false, false],
			['\r', true, false, false],
			['\r', true, false, false],
			['?', false, false, false],
			['\t', false, true, false],
			['c', false, false, true],
		],
	);
	assert.deepEqual(splitKeys('hello world', noKey), [{input: 'hello world', key: noKey}]);
	assert.deepEqual(splitKeys('\r', noKey), [{input: '\r', key: noKey}]);
});

test('in start-up mode the first chunk is acted on key by key: Enter starts, ? opens the help', async () => {
	const view = new FakeView('reviewing', makeContext());
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} startupKeys />);
	setSize(app.stdout, 120, 40);
	// Typed before raw mode: Enter reads as a line feed.
	app.stdin.write('\n?');
	await eventually(() => assert.match(plain(app.lastFrame()), /Keys · plan review/));
	assert.deepEqual(view.sent, [{type: 'plan.start'}]);
});

test('outside start-up mode a first chunk stays one input', async () => {
	const view = new FakeView('reviewing', makeContext());
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} />);
	setSize(app.stdout, 120, 40);
	app.stdin.write('\r?');
	app.stdin.write('?');
	await eventually(() => assert.match(plain(app.lastFrame()), /Keys · plan review/));
	assert.deepEqual(view.sent, []);
});

/** A view whose approval reaches the machine only when the test lets it (the engine getting ready). */
class SlowApproval extends FakeView {
	#arrival: Promise<void> | undefined;
	release = () => {};

	override send(event: Parameters<FakeView['send']>[0]): void {
		super.send(event);
		if (event.type !== 'phase.approve') return;
		this.#arrival = new Promise<void>(resolve => {
			this.release = () => {
				this.set('running', {...this.snapshot.context, tasks: {...this.snapshot.context.tasks, 'api-logging': taskRun('api-logging', 0, {status: 'running', startedAt: T0})}});
				this.#arrival = undefined;
				resolve();
			};
		});
	}

	pending(): Promise<void> | undefined {
		return this.#arrival;
	}
}

test('a key typed after a (approve) while the engine gets ready reaches the grid, not the approval', async () => {
	const view = new SlowApproval('awaitingApproval', makeContext());
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} />);
	setSize(app.stdout, 120, 40);
	await eventually(() => assert.match(plain(app.lastFrame()), /a approve/));
	app.stdin.write('a');
	// On the approval screen, → does nothing and q asks to abort the run; both must wait.
	app.stdin.write(ARROW_RIGHT);
	app.stdin.write('q');
	await tick();
	assert.match(plain(app.lastFrame()), /a approve/);
	assert.doesNotMatch(plain(app.lastFrame()), /abort/i);
	view.release();
	// On the grid, → moved the focus to the second task and q opened the quit confirmation there.
	await eventually(() => assert.ok(plain(app.lastFrame()).split('\n').some(line => /║ \S db-logging/.test(line)), plain(app.lastFrame())));
	await eventually(() => assert.match(plain(app.lastFrame()), /stop every task|quit/i));
	assert.deepEqual(view.sent, [{type: 'phase.approve'}]);
});

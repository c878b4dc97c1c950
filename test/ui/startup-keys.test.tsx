// Keys typed while the app starts: in a real terminal they arrive as one chunk on the first read
// (Enter as a line feed when typed before raw mode). The App in start-up mode splits that chunk
// and acts on each key in turn; without it a chunk stays one input (a paste into a field).

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {splitKeys} from '../../source/ui/hooks/split-keys.js';
import {FakeView, MemoryStore, NOW, eventually, makeContext, plain, setSize} from './helpers.js';

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

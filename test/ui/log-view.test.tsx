// The task log view over a real temp log file: scrolling, paging, top, follow, growth, esc back,
// and hostile bytes sanitized. Also the LogIndex underneath.

import {after, afterEach, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {LogIndex} from '../../source/runner/log-index.js';
import {
	ARROW_DOWN,
	ARROW_UP,
	ENTER,
	ESCAPE,
	FakeView,
	MemoryStore,
	NOW,
	PAGE_DOWN,
	PAGE_UP,
	T0,
	eventually,
	makeContext,
	plain,
	samplePlan,
	setSize,
	taskRun,
	tick,
} from './helpers.js';

let dir = '';
before(() => {
	dir = mkdtempSync(join(tmpdir(), 'fanout-ui-log-'));
});
after(() => rmSync(dir, {recursive: true, force: true}));
afterEach(() => cleanup());

function numbered(from: number, to: number): string {
	let text = '';
	for (let i = from; i <= to; i++) text += `line ${i}\n`;
	return text;
}

async function openLog(logText: string, status: 'running' | 'passed' = 'running') {
	const logPath = join(dir, `api-${Math.random().toString(36).slice(2)}.log`);
	writeFileSync(logPath, logText);
	const store = new MemoryStore();
	const tail = store.tail('api-logging', logPath);
	tail.push('line');
	const context = makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {'api-logging': taskRun('api-logging', 0, {status, startedAt: T0})},
	});
	const view = new FakeView('running', context);
	const app = render(<App actor={view} store={store} onExit={() => {}} color={false} now={NOW} />);
	setSize(app.stdout, 100, 12);
	await eventually(() => assert.match(plain(app.lastFrame()), /enter log/));
	app.stdin.write(ENTER);
	// Open once the log's position shows (or its error): waited for, not slept on.
	await eventually(() => assert.match(plain(app.lastFrame()), /line \d+ of \d+|% of |no log/));
	return {app, logPath, tail};
}

const frameLines = (app: ReturnType<typeof render>) => plain(app.lastFrame()).split('\n');

test('opens at the end, following; arrows, PgUp/PgDn, g and G move; esc goes back', async () => {
	const {app} = await openLog(numbered(1, 100));
	// 12 rows: 11 lines, header and key bar leave 9 for the log.
	let lines = frameLines(app);
	assert.match(lines[0] ?? '', /api-logging · 02:14 · running · \/.* +line 100 of 100 · following$/);
	assert.equal(lines[1], 'line 92');
	assert.equal(lines[9], 'line 100');
	assert.match(lines[10] ?? '', /↑↓ scroll · PgUp\/PgDn page · g top · G follow · esc back/);
	assert.equal(lines.length, 11);
	// Each key is followed by a wait for the position it leads to, not a fixed sleep.
	const position = async (pattern: RegExp) => eventually(() => assert.match(frameLines(app)[0] ?? '', pattern));

	app.stdin.write(ARROW_UP);
	await position(/line 99 of 100$/);
	lines = frameLines(app);
	assert.match(lines[0] ?? '', /line 99 of 100$/);
	assert.equal(lines[1], 'line 91');

	app.stdin.write(PAGE_UP);
	await position(/line 90 of 100$/);

	app.stdin.write('g');
	await position(/line 9 of 100$/);
	lines = frameLines(app);
	assert.equal(lines[1], 'line 1');
	assert.match(lines[0] ?? '', /line 9 of 100$/);
	app.stdin.write(ARROW_UP);
	await tick();
	assert.equal(frameLines(app)[1], 'line 1');
	assert.match(frameLines(app)[0] ?? '', /line 9 of 100$/);

	app.stdin.write(PAGE_DOWN);
	await position(/line 18 of 100$/);
	app.stdin.write(ARROW_DOWN);
	await position(/line 19 of 100$/);
	assert.equal(frameLines(app)[1], 'line 11');

	app.stdin.write('G');
	await position(/line 100 of 100 · following$/);

	app.stdin.write(ESCAPE);
	await eventually(() => assert.match(plain(app.lastFrame()), /enter log · d diff · x stop/));
});

test('following picks up lines appended to the log as the tail moves', async () => {
	const {app, logPath, tail} = await openLog(numbered(1, 20));
	assert.match(frameLines(app)[0] ?? '', /line 20 of 20 · following/);
	appendFileSync(logPath, numbered(21, 30));
	tail.push('more');
	await eventually(() => assert.equal(frameLines(app)[9], 'line 30'));
	assert.match(frameLines(app)[0] ?? '', /line 30 of 30 · following/);
});

test('hostile bytes in the log never reach the frame', async () => {
	const hostile = 'before \u001b]52;c;aGVsbG8=\u0007 after\n\u001b]0;pwned\u0007title\n\u001b[2J\u001b[Hclear\n\u009b31mc1\n';
	const {app} = await openLog(hostile, 'passed');
	const frame = app.lastFrame() ?? '';
	assert.doesNotMatch(frame, /\u001b\]/);
	assert.doesNotMatch(frame, /\u0007/);
	assert.doesNotMatch(frame, /\u001b\[2J|\u001b\[H/);
	assert.doesNotMatch(frame, /\u009b/);
	assert.match(plain(frame), /before +after/);
	assert.match(plain(frame), /^title$/m);
	assert.match(plain(frame), /^clear$/m);
});

test('a missing log says so instead of failing', async () => {
	const store = new MemoryStore();
	store.tail('api-logging', join(dir, 'nope', 'missing.log')).push('x');
	const view = new FakeView('running', makeContext(samplePlan(), {phases: ['running', 'pending', 'pending']}));
	const app = render(<App actor={view} store={store} onExit={() => {}} color={false} now={NOW} />);
	await eventually(() => assert.match(plain(app.lastFrame()), /enter log/));
	app.stdin.write(ENTER);
	await eventually(() => assert.match(plain(app.lastFrame()), /no log yet at .*missing\.log/));
});

test('LogIndex counts lines across chunks, an unfinished last line, and growth', () => {
	const path = join(dir, 'index.log');
	writeFileSync(path, 'a\nbb\n');
	const index = LogIndex.open(path);
	assert.ok(index instanceof LogIndex);
	assert.equal(index.scan(), true);
	assert.equal(index.lineCount, 2);
	appendFileSync(path, 'ccc\r\nunfinished');
	// A tiny budget forces several calls, as the view makes on a large log.
	while (!index.scan(3));
	assert.equal(index.lineCount, 4);
	assert.deepEqual(
		index.lines(0, 10).map(bytes => bytes.toString()),
		['a', 'bb', 'ccc\r', 'unfinished'],
	);
	assert.deepEqual(
		index.lines(1, 2).map(bytes => bytes.toString()),
		['bb', 'ccc\r'],
	);
	index.close();
	assert.deepEqual(LogIndex.open(join(dir, 'absent.log')), {error: `no log yet at ${join(dir, 'absent.log')}`});
});

test('LogIndex.tail reads only the end; extendBack walks to the start and agrees with a full scan', () => {
	const path = join(dir, 'big.log');
	writeFileSync(path, numbered(1, 200_000) + 'unfinished');
	const index = LogIndex.open(path);
	assert.ok(index instanceof LogIndex);
	index.tail(20);
	assert.equal(index.complete, false);
	assert.ok(index.lineCount >= 20 && index.lineCount < 200, `a small window (${index.lineCount} lines)`);
	const last = index.lines(index.lineCount - 2, 2).map(bytes => bytes.toString());
	assert.deepEqual(last, ['line 200000', 'unfinished']);
	const before = index.lineCount;
	const added = index.extendBack(1000);
	assert.equal(index.lineCount, before + added);
	assert.ok(added >= 1000);
	while (!index.complete) index.extendBack(50_000);
	assert.equal(index.lineCount, 200_001);
	assert.deepEqual(index.lines(0, 2).map(bytes => bytes.toString()), ['line 1', 'line 2']);
	assert.deepEqual(index.lines(99_999, 1).map(bytes => bytes.toString()), ['line 100000']);
	appendFileSync(path, ' now\nnext\n');
	while (!index.scan());
	assert.deepEqual(index.lines(200_000, 5).map(bytes => bytes.toString()), ['unfinished now', 'next']);
	index.close();
	// A short file is whole from the start.
	const small = join(dir, 'small.log');
	writeFileSync(small, 'a\nbb\n');
	const whole = LogIndex.open(small) as LogIndex;
	whole.tail(20);
	assert.equal(whole.complete, true);
	assert.deepEqual(whole.lines(0, 5).map(bytes => bytes.toString()), ['a', 'bb']);
	whole.close();
});

test('a large log opens at its end without reading it all; scrolling up reads earlier lines; g reaches line 1', async () => {
	const {app} = await openLog(numbered(1, 300_000));
	let lines = frameLines(app);
	assert.match(lines[0] ?? '', /100% of \d+\.\d MB · following$/);
	assert.equal(lines[9], 'line 300000');
	app.stdin.write(PAGE_UP);
	await eventually(() => assert.equal(frameLines(app)[9], 'line 299991'));
	// Far past the lines read at opening: each page up near the window's start reads more.
	for (let i = 0; i < 80; i++) {
		const shown = frameLines(app)[1];
		app.stdin.write(PAGE_UP);
		await eventually(() => assert.notEqual(frameLines(app)[1], shown));
	}
	lines = frameLines(app);
	assert.equal(lines[1], `line ${300_000 - 9 * 82 + 1}`);
	assert.doesNotMatch(lines[0] ?? '', /following/);
	app.stdin.write('g');
	await eventually(() => assert.equal(frameLines(app)[1], 'line 1'));
	assert.match(frameLines(app)[0] ?? '', /line 9 of 300000$/);
});

// Task timeouts held while the editor has the terminal: the conflict prompt's `e` blocks the event
// loop, and a timeout that fell due meanwhile must not fire the moment the editor closes.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {pausableTimeout, withTimersPaused} from '../../source/runner/pausable-timers.js';
import {startProcess} from '../../source/runner/process.js';
import {createOutputStore} from '../../source/runner/output.js';
import {tempDir} from './helpers.js';

const {dir, cleanup} = tempDir();
after(cleanup);

/** Blocks the event loop as a synchronous editor does. */
function blockFor(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const turn = () => new Promise<void>(resolve => setImmediate(resolve));

test('a timer held over a blocking editor keeps what it had left, and fires after that', async () => {
	let fired = false;
	pausableTimeout(300, () => (fired = true));
	let held = 0;
	withTimersPaused(
		() => blockFor(600),
		ms => (held = ms),
	);
	assert.ok(held >= 600, `held for the editor's time (${held} ms)`);
	// Without the hold, the timer (due 300 ms in, now 600 ms past) would fire on this turn.
	await turn();
	await new Promise(resolve => setTimeout(resolve, 20));
	assert.equal(fired, false);
	await new Promise(resolve => setTimeout(resolve, 400));
	assert.equal(fired, true);
});

test('a cleared timer does not fire after a hold', async () => {
	let fired = false;
	const timer = pausableTimeout(50, () => (fired = true));
	withTimersPaused(() => timer.clear(), () => undefined);
	await new Promise(resolve => setTimeout(resolve, 120));
	assert.equal(fired, false);
});

test('a task timeout does not fire right after the editor closes; it fires later with the time it had left', async () => {
	const output = createOutputStore().open('t', {logPath: join(dir, 't.log')});
	const run = startProcess({command: 'sleep 30'}, {cwd: dir, env: process.env, timeoutMs: 800, graceMs: 200, output});
	withTimersPaused(() => blockFor(1200), () => undefined);
	const closedAt = Date.now();
	const info = await run.done;
	assert.equal(info.reason, 'timed out after 800ms');
	// A lower bound only (load can make it later, never sooner): most of the 800 ms were still left.
	assert.ok(Date.now() - closedAt >= 600, `the timeout was held over the 1.2 s editor (fired ${Date.now() - closedAt} ms after it closed)`);
});

// The wizard as `fanout plan`'s hook: rendered by createOpenWizard on a fake terminal, "run it
// now" hands the saved file to the injected runner; leaving unsaved exits 1. Also the text
// input's pure editing rules.

import assert from 'node:assert/strict';
import {chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {EventEmitter} from 'node:events';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {planCommand} from '../../source/commands/plan.js';
import {createOpenWizard} from '../../source/commands/plan-wizard.js';
import {spawnPlanner} from '../../source/runner/planner-agent.js';
import type {CommandIO} from '../../source/commands/io.js';
import {editText, visibleWindow} from '../../source/ui/wizard/text-input.js';
import {CTRL_C, ENTER, eventually, plain, tick} from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos', 'ts-app');
const temps: string[] = [];
after(() => {
	for (const dir of temps) rmSync(dir, {recursive: true, force: true});
});

/** A terminal's output as Ink sees it: 100 columns, every frame kept. */
class FakeStdout extends EventEmitter {
	readonly columns = 100;
	readonly rows = 30;
	readonly isTTY = true;
	last = '';
	write = (frame: string) => {
		this.last = frame;
		return true;
	};
}

/** A terminal's input: what is written is read by Ink as typed keys. */
class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	#data: string | null = null;
	write(data: string): void {
		this.#data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read = () => {
		const data = this.#data;
		this.#data = null;
		return data;
	};
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

function setup() {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-wizard-cmd-'));
	temps.push(dir);
	cpSync(repo, dir, {recursive: true});
	let out = '';
	let err = '';
	const io: CommandIO = {stdout: t => void (out += t), stderr: t => void (err += t), cwd: dir, color: false, isTTY: true};
	const stdout = new FakeStdout();
	const stdin = new FakeStdin();
	const renderOptions = {stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, stderr: new FakeStdout() as unknown as NodeJS.WriteStream, debug: true};
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			stdin.write(key);
			await tick(25);
		}
	};
	return {dir, io, out: () => out, err: () => err, screen: () => plain(stdout.last), press, renderOptions};
}

test('saved and "run it now": the hook runs the saved file and returns its exit code', async () => {
	const {dir, io, screen, press, renderOptions} = setup();
	const ran: string[] = [];
	const open = createOpenWizard({renderOptions, runPlan: async file => (ran.push(file), 7)});
	const exit = open({workspace: dir, goal: 'Add logging', out: 'plans/mine.yaml'}, io);
	await eventually(() => assert.match(screen(), /› Add logging/));
	await press(ENTER, '2', ENTER);
	await eventually(() => assert.match(screen(), /layer-based: which folder holds the source\?/));
	await press(ENTER);
	await eventually(() => assert.match(screen(), /Phase 2 \(parallel\): follow-up/));
	await press('s');
	await eventually(() => assert.match(screen(), /› plans\/mine\.yaml/));
	await press(ENTER);
	await eventually(() => assert.match(screen(), /Run it now\?/));
	await press('y');
	assert.equal(await exit, 7);
	assert.deepEqual(ran, ['plans/mine.yaml']);
	assert.ok(existsSync(join(dir, 'plans', 'mine.yaml')));
});

test('left without saving: exit 1 and a one-line message', async () => {
	const {dir, io, err, screen, press, renderOptions} = setup();
	const exit = createOpenWizard({renderOptions, runPlan: async () => assert.fail('nothing to run')})({workspace: dir}, io);
	await eventually(() => assert.match(screen(), /What should the agents do\?/));
	await press(CTRL_C);
	assert.equal(await exit, 1);
	assert.equal(err(), 'fanout plan: left without saving a plan.\n');
});

test('planCommand: without a terminal it stays the scripted command', async () => {
	const {dir, io, err} = setup();
	const code = await planCommand(['--workspace', dir], {...io, isTTY: false});
	assert.equal(code, 2);
	assert.match(err(), /--pattern \(or --planner\) is required without a terminal/);
});

test('text input: typing, moving, deleting; pasted newlines and controls are flattened', () => {
	assert.deepEqual(editText('ac', 1, 'b', {}), {value: 'abc', cursor: 2});
	assert.deepEqual(editText('abc', 3, '', {delete: true}), {value: 'ab', cursor: 2});
	assert.deepEqual(editText('abc', 1, '', {backspace: true}), {value: 'bc', cursor: 0});
	assert.equal(editText('abc', 0, '', {backspace: true}), undefined);
	assert.deepEqual(editText('abc', 3, '', {leftArrow: true}), {value: 'abc', cursor: 2});
	assert.deepEqual(editText('abc', 1, 'a', {ctrl: true}), {value: 'abc', cursor: 0});
	assert.deepEqual(editText('abc', 2, 'u', {ctrl: true}), {value: 'c', cursor: 0});
	assert.equal(editText('abc', 1, 'c', {ctrl: true}), undefined, 'Ctrl-C types nothing');
	assert.deepEqual(editText('', 0, 'one\ntwo\u001B[31m', {}), {value: 'one two[31m', cursor: 11});
	const view = visibleWindow('abcdefghijklmnopqrstuvwxyz', 26, 10);
	assert.equal(view.before.length + 1 + view.after.length <= 10, true);
	assert.equal(view.under, ' ', 'the cursor at the end sits after the text');
	assert.ok(view.before.endsWith('xyz'));
});

/** A fake `claude` on PATH running the given shell script, for the planner's child process. */
function fakeClaude(script: string): {readonly path: string; readonly dir: string} {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-wizard-agent-'));
	temps.push(dir);
	writeFileSync(join(dir, 'claude'), `#!/bin/sh\n${script}\n`);
	chmodSync(join(dir, 'claude'), 0o755);
	return {dir, path: `${dir}:${process.env['PATH'] ?? ''}`};
}

test('the planner child process: its answer, a missing agent, a cancel and a timeout that stop it at once', async () => {
	const savedPath = process.env['PATH'];
	try {
		const context = {cwd: tmpdir(), schema: {}};
		process.env['PATH'] = fakeClaude('echo \'{"name":"p","phases":[]}\'').path;
		assert.equal((await spawnPlanner('plan it', 'claude', context)).trim(), '{"name":"p","phases":[]}');
		process.env['PATH'] = fakeClaude('exec sleep 30').path;
		const controller = new AbortController();
		const started = Date.now();
		const answer = spawnPlanner('plan it', 'claude', {...context, signal: controller.signal});
		setTimeout(() => controller.abort(), 200);
		await assert.rejects(answer, /cancelled/);
		assert.ok(Date.now() - started < 5000, 'the agent was stopped, not waited for');
		await assert.rejects(spawnPlanner('plan it', 'claude', {...context, signal: AbortSignal.abort()}), /cancelled/);
		const timedStart = Date.now();
		await assert.rejects(spawnPlanner('plan it', 'claude', {...context, timeoutMs: 1000}), /no answer within 1 s/);
		assert.ok(Date.now() - timedStart < 5000, 'the agent was stopped at its timeout');
		process.env['PATH'] = fakeClaude('echo "not logged in" >&2; exit 1').path;
		await assert.rejects(spawnPlanner('plan it', 'claude', context), /claude exited with code 1 without an answer: not logged in/);
		process.env['PATH'] = '/nonexistent';
		await assert.rejects(spawnPlanner('plan it', 'claude', context), /claude is not installed/);
	} finally {
		process.env['PATH'] = savedPath;
	}
});

// The spawner: tasks started from its pre-forked slots behave like direct spawns (own process
// group, output, exit codes, the same start errors), a stop reaches the whole group, the spawner
// dies with its parent without touching tasks, and losing it mid-run loses no task's end.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {chmodSync, readFileSync, realpathSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {startProcess} from '../../source/runner/process.js';
import type {ProcessSpec} from '../../source/runner/process.js';
import {createOutputStore} from '../../source/runner/output.js';
import {isGroupAlive, killGroup} from '../../source/runner/groups.js';
import {spawnFromPool, spawnerPid, stopSpawner, warmSpawner} from '../../source/runner/spawner.js';
import {until} from '../until.js';
import {survivors, tempDir} from './helpers.js';

/** Every process here may come from the pool, as the TUI's `run:` commands do. */
const start: typeof startProcess = (spec, options) => startProcess(spec, {...options, pooled: true});

const {dir, cleanup} = tempDir('fanout-spawner-test-');
after(cleanup);
const store = createOutputStore();
let counter = 0;
const outputFor = (name: string) => store.open(`${name}-${counter++}`, {logPath: join(dir, `${name}-${counter}.log`)});

/** Field 4 (ppid), 5 (pgrp) and 6 (session) of /proc/PID/stat. */
function ids(pid: number): {ppid: number; pgrp: number; session: number} {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return {ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3])};
}

async function run(spec: ProcessSpec, name: string, env: NodeJS.ProcessEnv = process.env) {
	const output = outputFor(name);
	const proc = start(spec, {cwd: dir, env, output});
	const exit = await proc.done;
	return {pid: proc.pid, exit, lines: [...output.lines()]};
}

test('a pooled task: its own session and group, a child of the spawner, with its env, cwd, stdin /dev/null and both streams', async () => {
	assert.equal(await warmSpawner(), true, 'perl runs the spawner');
	const output = outputFor('pooled');
	const proc = start(
		{command: 'echo "pid $$ ppid $PPID"; echo "v=$ONLY_HERE"; pwd; cat; echo err >&2; sleep 0.3'},
		{cwd: dir, env: {PATH: process.env.PATH, ONLY_HERE: 'a b\nc'}, output},
	);
	const pid = proc.pid!;
	assert.deepEqual(ids(pid), {ppid: spawnerPid()!, pgrp: pid, session: pid});
	assert.deepEqual(await proc.done, {exitCode: 0, signal: null, outcome: 'passed'});
	assert.deepEqual([...output.lines()], [`pid ${pid} ppid ${spawnerPid()}`, 'v=a b', 'c', realpathSync(dir), 'err']);
});

test('stopSpawner ends the spawner and waits for it; the next run starts a new one', async () => {
	assert.equal(await warmSpawner(), true);
	const first = spawnerPid();
	assert.ok(first !== undefined);
	await stopSpawner();
	assert.equal(spawnerPid(), undefined);
	assert.throws(() => process.kill(first, 0), /ESRCH/, 'the helper has exited and was reaped');
	assert.equal(await warmSpawner(), true, 'started again');
	const second = spawnerPid();
	assert.ok(second !== undefined && second !== first);
	const again = await run({command: 'echo again'}, 'again');
	assert.equal(again.exit.exitCode, 0);
	assert.deepEqual(again.lines, ['again']);
});

test('exit codes and signals read as with a direct spawn', async () => {
	await warmSpawner(2);
	assert.deepEqual((await run({command: 'exit 3'}, 'three')).exit, {exitCode: 3, signal: null, outcome: 'failed', reason: 'exit code 3'});
	assert.deepEqual((await run({command: 'kill -TERM $$'}, 'term')).exit, {exitCode: null, signal: 'SIGTERM', outcome: 'failed', reason: 'killed by SIGTERM'});
});

test('a failed exec comes back with its errno, after the pid (not found, permission denied)', async () => {
	const script = join(dir, 'not-executable.sh');
	writeFileSync(script, 'echo never\n');
	chmodSync(script, 0o644);
	for (const [file, code] of [['no-such-program-xyz', 'ENOENT'], [script, 'EACCES']] as const) {
		await warmSpawner(1);
		const child = spawnFromPool(file, [], {cwd: dir, env: process.env})!;
		assert.equal(typeof child.pid, 'number');
		// The exec failure and the exit are two messages whose order the spawner does not fix: listen
		// for both at once, and hold the loop open (after the exit nothing of the spawner's holds it).
		const hold = setInterval(() => undefined, 1000);
		const errorSeen = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
		const exitSeen = new Promise<unknown[]>((resolve) => child.once('exit', (...args: unknown[]) => resolve(args)));
		const [error, [exitCode]] = await Promise.all([errorSeen, exitSeen]).finally(() => clearInterval(hold));
		assert.equal(error.code, code);
		assert.equal(exitCode, 127);
		child.stdout.destroy();
		child.stderr.destroy();
	}
});

test('a working directory that vanished before the slot chdirs is named as such', async () => {
	await warmSpawner(1);
	const child = spawnFromPool('/bin/sh', ['-c', 'true'], {cwd: join(dir, 'gone'), env: process.env})!;
	const hold = setInterval(() => undefined, 1000);
	const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve)).finally(() => clearInterval(hold));
	assert.equal(error.code, 'ENOENT');
	assert.equal(error.syscall, 'chdir');
	child.stdout.destroy();
	child.stderr.destroy();
});

test('a shell command that is not found reads the same pooled and direct, log included', async () => {
	await warmSpawner(1);
	const pooled = await run({command: 'no-such-command-xyz --flag'}, 'nf');
	process.env.FANOUT_SPAWNER = '0';
	const direct = await run({command: 'no-such-command-xyz --flag'}, 'nf-direct');
	delete process.env.FANOUT_SPAWNER;
	assert.deepEqual(pooled.exit, direct.exit);
	assert.equal(pooled.exit.reason, 'command not found: no-such-command-xyz');
	assert.deepEqual(pooled.lines, direct.lines);
});

test('ten at once all come from the pool and all pass', async () => {
	await warmSpawner(10);
	const runs = Array.from({length: 10}, (_, i) => {
		const proc = start({command: 'sleep 0.5'}, {cwd: dir, env: process.env, output: outputFor(`ten-${i}`)});
		assert.equal(ids(proc.pid!).ppid, spawnerPid(), `task ${i} came from the pool`);
		return proc;
	});
	const exits = await Promise.all(runs.map((proc) => proc.done));
	assert.ok(exits.every((exit) => exit.outcome === 'passed'));
});

test('stop reaches the whole group of a pooled task, grandchildren included', async () => {
	await warmSpawner(1);
	const proc = start({command: 'sleep 300 & sleep 300 & echo up; wait'}, {cwd: dir, env: process.env, output: outputFor('stop'), graceMs: 500});
	await until(() => survivors(proc.pid!).length >= 3, 5000, 'the grandchildren');
	await proc.stop();
	assert.deepEqual(survivors(proc.pid!), []);
	assert.equal((await proc.done).reason, 'stopped');
});

test('the spawner exits when its parent dies (kill -9), and leaves the tasks it started alone', async () => {
	const here = dirname(fileURLToPath(import.meta.url));
	const parent = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'fixtures', 'runner', 'spawner-parent.ts')], {stdio: ['ignore', 'pipe', 'inherit']});
	let text = '';
	parent.stdout.on('data', (chunk) => (text += chunk));
	await until(() => /task \d+ spawner \d+/.test(text), 20_000, () => `the parent's report (got ${JSON.stringify(text)})`);
	const [, task, helper] = /task (\d+) spawner (\d+)/.exec(text)!.map(Number);
	assert.equal(ids(task!).ppid, helper, 'the task came from the pool');
	parent.kill('SIGKILL');
	await until(() => !alive(helper!), 5000, 'the spawner to exit');
	assert.equal(isGroupAlive(task!), true, 'the task is left for resume, as with a direct spawn');
	await killGroup(task!, {graceMs: 200});
});

test('losing the spawner mid-task: the task still ends, and later spawns go direct', async () => {
	await warmSpawner(1);
	const helper = spawnerPid()!;
	const output = outputFor('orphan');
	const proc = start({command: 'echo up; sleep 0.5; exit 4'}, {cwd: dir, env: process.env, output});
	assert.equal(ids(proc.pid!).ppid, helper);
	await until(() => output.lines().includes('up'), 5000, 'the task to run');
	process.kill(helper, 'SIGKILL');
	const exit = await proc.done;
	assert.equal(exit.outcome, 'failed', 'its code is lost with the spawner, so it cannot count as passed');
	const after = await run({command: 'echo $PPID'}, 'after');
	assert.deepEqual(after.lines, [String(process.pid)]);
	assert.equal(after.exit.outcome, 'passed');
});

function alive(pid: number): boolean {
	try {
		const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
		return state !== 'Z';
	} catch {
		return false;
	}
}

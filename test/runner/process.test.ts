// Processes with real children: exit reasons, process-group kills, timeouts, missing commands.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {writeFileSync} from 'node:fs';
import {startProcess} from '../../source/runner/process.js';
import {createOutputStore} from '../../source/runner/output.js';
import {groupHasEnv, isGroupAlive, killGroup, liveGroups, registerGroup, stopAllGroups} from '../../source/runner/groups.js';
import {spawn} from 'node:child_process';
import {until} from '../until.js';
import {FIXTURES, survivors, tempDir} from './helpers.js';

const {dir, cleanup} = tempDir();
after(cleanup);
const store = createOutputStore();
let counter = 0;
const outputFor = (name: string) => store.open(`${name}-${counter++}`, {logPath: join(dir, `${name}-${counter}.log`)});
const env = process.env;

test('exit 0 passes; a non-zero exit fails with its code in words', async () => {
	const ok = startProcess({command: 'echo hi'}, {cwd: dir, env, output: outputFor('ok')});
	assert.deepEqual(await ok.done, {exitCode: 0, signal: null, outcome: 'passed'});
	const bad = startProcess({file: process.execPath, args: ['-e', 'process.exit(3)']}, {cwd: dir, env, output: outputFor('bad')});
	assert.deepEqual(await bad.done, {exitCode: 3, signal: null, outcome: 'failed', reason: 'exit code 3'});
});

test('stdout and stderr both reach the output, which is ended when done resolves', async () => {
	const output = outputFor('both');
	const run = startProcess({command: 'echo out; echo err >&2'}, {cwd: dir, env, output});
	await run.done;
	assert.equal(output.ended, true);
	assert.deepEqual([...output.lines()].sort(), ['err', 'out']);
	assert.equal(output.bytes, 8);
});

test('a command that does not exist: through the shell and without it', async () => {
	const viaShell = await startProcess({command: 'no-such-command-xyz --flag'}, {cwd: dir, env, output: outputFor('nf')}).done;
	assert.equal(viaShell.outcome, 'failed');
	assert.equal(viaShell.exitCode, 127);
	assert.equal(viaShell.reason, 'command not found: no-such-command-xyz');
	const directOutput = outputFor('nf2');
	const direct = startProcess({file: 'no-such-program-xyz', args: []}, {cwd: dir, env, output: directOutput});
	assert.equal(direct.pid, undefined);
	assert.deepEqual(await direct.done, {exitCode: null, signal: null, outcome: 'failed', reason: 'command not found: no-such-program-xyz (spawn no-such-program-xyz ENOENT)'});
	// The pane and the log say why, with the OS error: nothing else would ever be written there.
	assert.deepEqual(directOutput.lines(), ['fanout: the task could not start: command not found: no-such-program-xyz (spawn no-such-program-xyz ENOENT)']);
	const noCwd = await startProcess({command: 'true'}, {cwd: join(dir, 'missing'), env, output: outputFor('nc')}).done;
	assert.equal(noCwd.reason, `working directory not found: ${join(dir, 'missing')}`);
});

test('a program that is not executable: permission denied, with the OS error, in the reason and the output', async () => {
	const script = join(dir, 'not-executable.sh');
	writeFileSync(script, 'echo hi\n', {mode: 0o644});
	const direct = startProcess({file: script, args: []}, {cwd: dir, env, output: outputFor('eacces')});
	const info = await direct.done;
	assert.equal(info.reason, `permission denied: ${script} (spawn ${script} EACCES)`);
	const viaShell = await startProcess({command: script}, {cwd: dir, env, output: outputFor('eacces-sh')}).done;
	assert.equal(viaShell.reason, `permission denied: ${script} (exit code 126)`);
});

test('stop kills the whole group: bash -c "sleep 300 & sleep 300" leaves nothing behind', async () => {
	const run = startProcess({file: 'bash', args: ['-c', 'sleep 300 & sleep 300']}, {cwd: dir, env, graceMs: 2000, output: outputFor('tree')});
	const pgid = run.pid!;
	await until(() => survivors(pgid).length >= 3, 5000, 'bash and two sleeps running');
	assert.ok(liveGroups().some((group) => group.pgid === pgid));
	const started = Date.now();
	await run.stop();
	const info = await run.done;
	assert.equal(info.outcome, 'failed');
	assert.equal(info.reason, 'stopped');
	assert.equal(survivors(pgid).length, 0);
	assert.equal(isGroupAlive(pgid), false);
	assert.ok(Date.now() - started < 2000, 'SIGTERM was enough');
	assert.ok(!liveGroups().some((group) => group.pgid === pgid));
});

test('done resolves when the leader exits even though a background child holds the pipe', async () => {
	const started = Date.now();
	const run = startProcess({file: 'bash', args: ['-c', 'sleep 300 & echo leader done']}, {cwd: dir, env, graceMs: 1000, output: outputFor('bg')});
	const info = await run.done;
	assert.equal(info.outcome, 'passed');
	assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
	assert.equal(survivors(run.pid!).length, 0, 'the background sleep was killed with its group');
});

test('a process ignoring SIGTERM is killed after the grace period', async () => {
	const output = outputFor('stubborn');
	const run = startProcess({file: process.execPath, args: [join(FIXTURES, 'ignore-term.mjs')]}, {cwd: dir, env, graceMs: 300, output});
	await until(() => output.lineCount === 1);
	const started = Date.now();
	await run.stop();
	const info = await run.done;
	assert.equal(info.signal, 'SIGKILL');
	assert.equal(info.reason, 'stopped');
	assert.ok(Date.now() - started >= 250, 'waited for the grace period');
	assert.equal(survivors(run.pid!).length, 0);
});

test('timeout: SIGTERM the group, reason in words', async () => {
	const started = Date.now();
	const run = startProcess({command: 'sleep 30 & sleep 30'}, {cwd: dir, env, timeoutMs: 200, graceMs: 1000, output: outputFor('slow')});
	const info = await run.done;
	assert.equal(info.outcome, 'failed');
	assert.equal(info.reason, 'timed out after 200ms');
	assert.equal(info.signal, 'SIGTERM');
	assert.ok(Date.now() - started < 3000);
	assert.equal(survivors(run.pid!).length, 0);
});

test('a process killed by a signal from outside says so', async () => {
	const output = outputFor('killed');
	const run = startProcess({file: process.execPath, args: ['-e', 'console.log("up"); setInterval(() => {}, 1000)']}, {cwd: dir, env, output});
	await until(() => output.lineCount === 1);
	process.kill(run.pid!, 'SIGKILL');
	assert.deepEqual(await run.done, {exitCode: null, signal: 'SIGKILL', outcome: 'failed', reason: 'killed by SIGKILL'});
});

test('killGroup and stopAllGroups on groups started elsewhere', async () => {
	const spawnGroup = () => {
		const child = spawn('bash', ['-c', 'sleep 300 & sleep 300'], {detached: true, stdio: 'ignore'});
		registerGroup(child.pid!, {startedAt: Date.now(), taskId: 'x'});
		return child.pid!;
	};
	const a = spawnGroup();
	const b = spawnGroup();
	await until(() => survivors(a).length >= 2 && survivors(b).length >= 2);
	await killGroup(a, {graceMs: 1000});
	assert.equal(survivors(a).length, 0);
	assert.ok(survivors(b).length >= 2);
	await stopAllGroups({graceMs: 1000});
	assert.equal(survivors(b).length, 0);
	assert.deepEqual(liveGroups(), []);
	// Already gone: resolves at once.
	await killGroup(a, {graceMs: 1000});
});

test('groupHasEnv tells a run\'s own group from a stranger\'s', async () => {
	const ours = spawn('sleep', ['30'], {detached: true, stdio: 'ignore', env: {...env, FANOUT_RUN_DIR: '/runs/a'}});
	const stranger = spawn('sleep', ['30'], {detached: true, stdio: 'ignore', env: {...env, FANOUT_RUN_DIR: '/runs/b'}});
	try {
		await until(() => survivors(ours.pid!).length === 1 && survivors(stranger.pid!).length === 1);
		assert.equal(groupHasEnv(ours.pid!, 'FANOUT_RUN_DIR', '/runs/a'), true);
		assert.equal(groupHasEnv(stranger.pid!, 'FANOUT_RUN_DIR', '/runs/a'), false);
	} finally {
		await killGroup(ours.pid!, {graceMs: 500});
		await killGroup(stranger.pid!, {graceMs: 500});
	}
	assert.equal(survivors(ours.pid!).length + survivors(stranger.pid!).length, 0);
});

// fanout's own output going away mid-run, end to end with the built CLI: the reader of its stdout
// quits (EPIPE), early in a phase or later. The run must end as for a hang-up (every task group
// stopped, the journal saying why and how it ended, exit 129), never as a crash or as "a bug in
// fanout" (exit 70, what the old code did).

import {strict as assert} from 'node:assert';
import {spawn} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, cli, hasTmux, journalGroups, lingeringTasks, membersOfGroups, tmuxServer, work, workspace} from './helpers.js';

const server = tmuxServer('fanout-closed-test');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

/** Lingering tasks (a grandchild, a background sleep) beside one that prints on and on. */
const plan = `name: closed
phases:
  - name: one
    tasks:
      - id: talk
        owns: [t/**]
        run: ${work('--lines 100000 --delay 5')}
${lingeringTasks()}`;

type Ended = {readonly code: number | null; readonly stderr: string; readonly dir: string};

/**
 * Runs the plan headless with stdout a pipe whose reader closes it: at once, or after the first
 * bytes.
 */
function runAndClose(when: 'at-once' | 'after-first-bytes'): Promise<Ended> {
	const dir = workspace(plan);
	dirs.push(dir);
	return new Promise(resolve => {
		const child = spawn(process.execPath, [cli, 'run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {
			cwd: dir,
			env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		if (when === 'at-once') child.stdout.destroy();
		else child.stdout.once('data', () => child.stdout.destroy());
		child.on('close', code => resolve({code, stderr, dir}));
	});
}

function journal(dir: string): Array<{type: string; [key: string]: unknown}> {
	const runs = join(dir, '.fanout', 'runs');
	const [run] = readdirSync(runs);
	return readFileSync(join(runs, run!, 'events.jsonl'), 'utf8')
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => JSON.parse(line) as {type: string});
}

/** Is the process alive (and not a zombie)? */
function alive(pid: number): boolean {
	try {
		return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

function assertStoppedAsHangUp({code, stderr, dir}: Ended): void {
	assert.equal(code, 129, stderr);
	assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
	assert.doesNotMatch(stderr, /bug in fanout/);
	assert.match(stderr, /its output was closed \(EPIPE on stdout\): every task was stopped, as for a hang-up \(exit 129\)/);
	assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
	const events = journal(dir);
	assert.ok(events.some(e => e.type === 'run.output-closed' && e['code'] === 'EPIPE' && e['stream'] === 'stdout'), 'the journal says why');
	const finished = events.filter(e => e.type === 'run.finished').at(-1);
	assert.deepEqual([finished?.['outcome'], finished?.['signal']], ['interrupted', 'SIGHUP']);
}

describe('output closed (e2e)', () => {
	it('the reader of stdout quits mid-run: every task stopped, exit 129, no stack trace', async () => {
		assertStoppedAsHangUp(await runAndClose('after-first-bytes'));
	});

	it('stdout closed before the first phase writes a byte: the same', async () => {
		assertStoppedAsHangUp(await runAndClose('at-once'));
	});

	it('the terminal closed in the first instants of a phase: stopped as a hang-up, not a fault', {skip: !hasTmux && 'no tmux'}, async () => {
		const dir = workspace(plan);
		dirs.push(dir);
		const inner = `echo $$ > .fanout-pid; exec env -u CI NO_COLOR=1 ${process.execPath} ${cli} run plan.yaml --grace 1 2>fanout-err.txt`;
		const session = server.open(`cd ${dir} && sh -c '${inner}'`, {columns: 120, rows: 40, name: 'early'});
		await session.waitFor(/enter start/, 'the plan review');
		session.keys('Enter');
		await session.waitFor(/A approve all/, 'the approval screen');
		session.keys('A');
		// As soon as the phase has started its tasks: the frames of the new phase are being written.
		await until(() => journal(dir).filter(e => e.type === 'task.started').length >= 1, 20_000, 'the phase to start');
		server.run('kill-session', '-t', 'early');
		const pid = Number(readFileSync(join(dir, '.fanout-pid'), 'utf8').trim());
		await until(() => !alive(pid), 15_000, 'fanout to exit');
		const stderr = readFileSync(join(dir, 'fanout-err.txt'), 'utf8');
		assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
		const events = journal(dir);
		assert.equal(events.find(e => e.type === 'run.fault')?.['words'], undefined, 'not a fault');
		const finished = events.filter(e => e.type === 'run.finished').at(-1);
		assert.deepEqual([finished?.['outcome'], finished?.['signal']], ['interrupted', 'SIGHUP']);
	});
});

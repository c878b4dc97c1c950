// Faults inside fanout, end to end with the built CLI: a full disk mid-run, a run folder that
// cannot be made, a read-only workspace, and an exception injected into a running session
// (FANOUT_TEST_FAULT, test-only). Each stops every task's group, says what happened in words
// (no stack trace), and a run stopped by a fault can be resumed.
// The disk tests mount a small tmpfs: they need root (CI runs as root) and skip, saying why,
// when mounting is not possible.

import {strict as assert} from 'node:assert';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {cleanup, journalGroups, lingeringPlan, membersOfGroups, runCli, workspace} from './helpers.js';

const dirs: string[] = [];
const mounts: string[] = [];
after(() => {
	for (const dir of mounts) spawnSync('umount', ['-l', dir]);
	for (const dir of [...mounts, ...dirs]) cleanup(dir);
});

/** Why the tmpfs tests cannot run here, or undefined when they can (tried once, at load). */
const tmpfsSkip = ((): string | undefined => {
	if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root (CI runs as root)';
	const dir = mkdtempSync(join(tmpdir(), 'fanout-tmpfs-probe-'));
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], {encoding: 'utf8'});
	if (mounted.status !== 0) {
		rmSync(dir, {recursive: true, force: true});
		return `mount -t tmpfs failed here: ${(mounted.stderr || mounted.error?.message || '').trim()}`;
	}
	spawnSync('umount', [dir]);
	rmSync(dir, {recursive: true, force: true});
	return undefined;
})();

/** A fresh tmpfs of `size` (e.g. `2m`), unmounted after the tests. */
function tmpfs(size: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-tmpfs-'));
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {encoding: 'utf8'});
	assert.equal(mounted.status, 0, mounted.stderr);
	mounts.push(dir);
	return dir;
}

function remount(dir: string, options: string): void {
	const result = spawnSync('mount', ['-o', `remount,${options}`, dir], {encoding: 'utf8'});
	assert.equal(result.status, 0, result.stderr);
}

/** Live processes whose environment names this workspace's runs (FANOUT_RUN_DIR under it). */
function processesOfRunsIn(dir: string): number[] {
	const runs = join(dir, '.fanout', 'runs');
	const pids: number[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
			if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').some(v => v.startsWith(`FANOUT_RUN_DIR=${runs}`))) pids.push(Number(name));
		} catch {
			// Gone while we looked.
		}
	}
	return pids;
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at .+\(.+:\d+:\d+\)$/m, 'no stack trace');

describe('faults (e2e)', () => {
	it('an exception inside a running session stops every task group, in words, exit 70', async () => {
		const dir = workspace(lingeringPlan('injected'));
		dirs.push(dir);
		const started = Date.now();
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {cwd: dir, env: {FANOUT_TEST_FAULT: 'after-start'}});
		const tookMs = Date.now() - started;
		assert.equal(result.code, 70, result.stdout + result.stderr);
		assert.match(result.stderr, /fanout: internal error: injected by FANOUT_TEST_FAULT=after-start\./);
		assert.match(result.stderr, /This is a bug in fanout: please report it/);
		assert.match(result.stderr, /FANOUT_DEBUG=1/);
		assert.match(result.stderr, /fanout stopped every task/);
		noStack(result.stderr);
		const groups = journalGroups(dir);
		assert.equal(groups.length, 2, 'both tasks had started');
		assert.deepEqual(membersOfGroups(groups), [], 'no process of the run is left');
		assert.deepEqual(processesOfRunsIn(dir), [], 'no process carries the run folder');
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		const journal = readFileSync(join(dir, '.fanout', 'runs', run!, 'events.jsonl'), 'utf8');
		assert.match(journal, /"type":"run.fault","kind":"internal"/);
		assert.match(journal, /"type":"run.finished".*"outcome":"interrupted"/);
		const summary = JSON.parse(readFileSync(join(dir, '.fanout', 'runs', run!, 'summary.json'), 'utf8')) as {exitCode: number; fault?: {kind: string}};
		assert.equal(summary.exitCode, 70);
		assert.equal(summary.fault?.kind, 'internal');
		// The grace is 1 s and the tasks ignore nothing: the stop takes the grace at most, plus start-up.
		assert.ok(tookMs < 15_000, `stopped in ${tookMs} ms`);
	});

	it('an unhandled rejection with FANOUT_DEBUG=1 puts the stack in the run folder and says where', async () => {
		const dir = workspace(lingeringPlan('rejected'));
		dirs.push(dir);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {
			cwd: dir,
			env: {FANOUT_TEST_FAULT: 'after-start-rejection', FANOUT_DEBUG: '1'},
		});
		assert.equal(result.code, 70, result.stderr);
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		const stackFile = join('.fanout', 'runs', run!, 'fault-stack.txt');
		assert.ok(result.stderr.includes(`The stack trace is in ${stackFile}.`), result.stderr);
		assert.match(readFileSync(join(dir, stackFile), 'utf8'), /injected by FANOUT_TEST_FAULT=after-start-rejection\n\s+at /);
		noStack(result.stderr);
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
	});

	it('.fanout being a file: a plain message naming it, exit 74, nothing started', async () => {
		const dir = workspace(lingeringPlan('fanout-file'), {'.fanout': 'not a folder\n'});
		dirs.push(dir);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 74, result.stderr);
		assert.match(result.stderr, /^fanout: cannot make the run folder: \.fanout is a file, not a folder \(creating \.fanout\/runs\/[^/]+\/logs\)\. Move or rename that file so fanout can make the folder\. Nothing was started\.\n$/);
		assert.doesNotMatch(result.stderr, /internal error/);
		assert.equal(result.stdout, '');
		assert.deepEqual(processesOfRunsIn(dir), []);
	});

	it('a read-only workspace: a plain message, exit 74, nothing started', {skip: tmpfsSkip}, async () => {
		const dir = tmpfs('1m');
		writeFileSync(join(dir, 'plan.yaml'), lingeringPlan('read-only'));
		remount(dir, 'ro');
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 74, result.stderr);
		assert.match(result.stderr, /^fanout: cannot make the run folder: the filesystem is read-only \(creating \.fanout\/runs\/[^/]+\/logs\)\. Run fanout in a writable folder, or remount that filesystem read-write\. Nothing was started\.\n$/);
		assert.equal(existsSync(join(dir, '.fanout')), false);
		remount(dir, 'rw');
	});

	it('a full disk mid-run stops every task, says so, leaves nothing running; resume finishes once there is space', {skip: tmpfsSkip}, async () => {
		const dir = tmpfs('2m');
		// filler: 5 MB of output once the others have started (its log fills the disk and waits);
		// reporter: prints 6 long lines at once, then exits: its report (~9 KB) cannot go into the
		// full journal; linger: a task with a background child, still running when the fault comes.
		writeFileSync(
			join(dir, 'plan.yaml'),
			`name: disk-full
phases:
  - name: one
    tasks:
      - id: filler
        owns: [f/**]
        run: sleep 0.5; node -e "const b='x'.repeat(1023)+'\\n'; let n=0; function w(){ while(n<5000){ n++; if(!process.stdout.write(b)) return process.stdout.once('drain', w);} } w()"
      - id: reporter
        owns: [r/**]
        run: node -e "for (let i=0;i<6;i++) console.log(String(i).repeat(1500))"; sleep 2
      - id: linger
        owns: [l/**]
        run: if [ -f l/done ]; then echo again; else mkdir -p l && touch l/done; sleep 300 & sleep 300; fi
`,
		);
		const started = Date.now();
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {cwd: dir});
		const tookMs = Date.now() - started;
		assert.equal(result.code, 74, result.stdout + result.stderr);
		assert.match(result.stderr, /fanout: warning: the disk is full \(writing \.fanout\/runs\/[^/]+\/logs\/filler\.log\)\. Free some space on that disk: the output of filler is paused until there is space \(nothing is lost\)/);
		assert.match(result.stderr, /fanout: the disk is full \(writing \.fanout\/runs\/[^/]+\/events\.jsonl\)\. Free some space on that disk\.\n/);
		assert.match(result.stderr, /fanout stopped every task/);
		assert.match(result.stderr, /the log of filler: log cut after \d+ bytes/);
		assert.match(result.stderr, /Once that is fixed, `fanout resume [^`]+` finishes the run\./);
		assert.doesNotMatch(result.stderr, /internal error/);
		noStack(result.stderr);
		const groups = journalGroups(dir);
		assert.equal(groups.length, 3, 'all three tasks had started');
		assert.deepEqual(membersOfGroups(groups), [], 'no process of the run is left');
		assert.deepEqual(processesOfRunsIn(dir), [], 'no process carries the run folder');
		console.log(`# disk full: stopped and exited ${tookMs} ms after the start (grace 1 s)`);

		remount(dir, 'size=20m');
		const resumed = await runCli(['resume', '--headless', '--yes', '--grace', '1'], {cwd: dir});
		assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
		assert.match(resumed.stdout, /linger\s+\| again/);
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		const log = readFileSync(join(dir, '.fanout', 'runs', run!, 'logs', 'filler.log'));
		// The first attempt's bytes up to the cut, then the resumed attempt's 5 MB, whole.
		assert.ok(log.length >= 5_120_000, `the resumed output is whole (${log.length} bytes)`);
		assert.ok(log.subarray(-5_120_000).equals(Buffer.from(`${'x'.repeat(1023)}\n`.repeat(5000))), 'the resumed output ends the log, byte-exact');
		assert.deepEqual(processesOfRunsIn(dir), []);
	});

	it('a full disk that frees up: the paused log goes on and no byte is lost', {skip: tmpfsSkip}, async () => {
		const disk = tmpfs('2m');
		// The ballast lies beside the workspace: removing it is no task's change.
		writeFileSync(join(disk, 'ballast'), Buffer.alloc(1_500_000));
		const dir = join(disk, 'ws');
		mkdirSync(dir);
		writeFileSync(
			join(dir, 'plan.yaml'),
			`name: frees-up
phases:
  - name: one
    tasks:
      - id: filler
        owns: [f/**]
        run: node -e "const b='x'.repeat(1023)+'\\n'; let n=0; function w(){ while(n<1000){ n++; if(!process.stdout.write(b)) return process.stdout.once('drain', w);} } w()"
`,
		);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {
			cwd: dir,
			onStart: (_pid, _output, errors) => {
				const free = setInterval(() => {
					// Once the log waits for space (said on stderr), make some. Not as soon as the disk
					// reads full: the write that filled it may be the log's last before space is made.
					if (!/paused until there is space/.test(errors())) return;
					rmSync(join(disk, 'ballast'), {force: true});
					clearInterval(free);
				}, 50);
			},
		});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stderr, /the output of filler is paused until there is space/);
		assert.match(result.stderr, /there is space again: the output of filler goes on/);
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		const log = readFileSync(join(dir, '.fanout', 'runs', run!, 'logs', 'filler.log'), 'utf8');
		assert.equal(log, `${'x'.repeat(1023)}\n`.repeat(1000), 'the log holds every byte, in order');
	});
});

// The stop guarantees with tasks started from the spawner's pool: the TUI's way to start `run:`
// commands (headless runs use it only with FANOUT_SPAWNER=1, as these do). The lingering tasks
// sit in phase 2, once the pool is full, so they come from it. Each test checks that, then stops
// the run and counts what is left: nothing, spawner included.

import {strict as assert} from 'node:assert';
import {readdirSync, readFileSync} from 'node:fs';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, cli, hasTmux, journalGroups, lingeringTasks, membersOfGroups, runCli, tmuxServer, work, workspace} from './helpers.js';

const server = tmuxServer('fanout-spawner-test');
/** A headless run starts its commands from the pool only when asked. */
const POOLED = {FANOUT_SPAWNER: '1'};
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

const plan = `name: pooled
phases:
  - name: warm
    tasks:
      - id: w
        owns: [w/**]
        run: sleep 1
  - name: linger
    tasks:
${lingeringTasks()}`;

/** ppid of a process, or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
	try {
		return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
	} catch {
		return undefined;
	}
}

function command(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return '';
	}
}

/** The phase-2 groups, once both run, and the spawner they came from. */
async function pooledGroups(dir: string): Promise<{groups: number[]; spawner: number}> {
	const started = () => {
		try {
			return journalGroups(dir);
		} catch {
			return []; // no run folder yet
		}
	};
	await until(() => started().length === 3 && membersOfGroups(started().slice(1)).length >= 4, 20_000, 'phase 2 running');
	const groups = started().slice(1);
	const parents = groups.map(parentOf);
	const spawner = parents[0]!;
	assert.equal(command(spawner), 'perl', 'phase 2 came from the spawner');
	assert.deepEqual(parents, [spawner, spawner]);
	return {groups, spawner};
}

describe('stops with the spawner', () => {
	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
		it(`${signal}: no task, grandchild or spawner is left (exit ${code})`, async () => {
			const dir = workspace(plan);
			dirs.push(dir);
			let seen: {groups: number[]; spawner: number} | undefined;
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {
				cwd: dir,
				env: POOLED,
				onStart: (pid) => {
					void pooledGroups(dir).then(
						(found) => {
							seen = found;
							process.kill(pid, signal);
						},
						() => process.kill(pid, 'SIGKILL'),
					);
				},
			});
			assert.equal(result.code, code, result.stderr);
			assert.ok(seen, 'the tasks came from the pool');
			assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
			const {spawner} = seen;
			await until(() => parentOf(spawner) === undefined || command(spawner) !== 'perl', 5000, 'the spawner to exit');
		});
	}

	it('kill -9 of fanout: the spawner exits, the tasks wait for resume, which kills them', async () => {
		const dir = workspace(plan.replace("run: bash -c 'sleep 300 & sleep 300'", 'run: if [ -f b/started ]; then echo resumed; else mkdir -p b && touch b/started && sleep 300; fi').replace(work('--grandchild --lines 1 --sleep 60000'), 'if [ -f a/started ]; then echo resumed; else mkdir -p a && touch a/started && sleep 300 & sleep 300; fi'));
		dirs.push(dir);
		let seen: {groups: number[]; spawner: number} | undefined;
		await runCli(['run', 'plan.yaml', '--headless', '--yes'], {
			cwd: dir,
			env: POOLED,
			onStart: (pid) => {
				void pooledGroups(dir).then(
					(found) => {
						seen = found;
						process.kill(pid, 'SIGKILL');
					},
					() => process.kill(pid, 'SIGKILL'),
				);
			},
		});
		assert.ok(seen, 'the tasks came from the pool');
		const {spawner, groups} = seen;
		await until(() => parentOf(spawner) === undefined || command(spawner) !== 'perl', 5000, 'the spawner to exit');
		assert.ok(membersOfGroups(groups).length > 0, 'the tasks were left for resume');
		const result = await runCli(['resume', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		assert.deepEqual(membersOfGroups(groups), [], 'resume killed what was left');
		assert.match(result.stdout, /b\s+\| resumed/);
	});
});

describe('where run: commands start from', () => {
	// With the pool (FANOUT_SPAWNER=1, and the TUI) the tests above and below check the spawner is the parent.
	it('headless, by default: fanout forks them itself, no spawner', async () => {
		const dir = workspace(`name: parents
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: echo "parent $PPID"
      - id: b
        owns: [b/**]
        run: echo "parent $PPID"
`);
		dirs.push(dir);
		let fanout = 0;
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env: {FANOUT_SPAWNER: undefined}, onStart: pid => (fanout = pid)});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const parents = [...result.stdout.matchAll(/\| parent (\d+)/g)].map(m => Number(m[1]));
		assert.deepEqual(parents, [fanout, fanout], result.stdout);
	});
});

describe('stops with the spawner, in a terminal', {skip: !hasTmux && 'no tmux'}, () => {
	let sessions = 0;
	/** `fanout run` in tmux, approved for every phase, once phase 2 runs from the pool. */
	async function running(): Promise<{dir: string; name: string; session: ReturnType<typeof server.open>; pid: number; spawner: number}> {
		const dir = workspace(plan);
		dirs.push(dir);
		const name = `p${++sessions}`;
		const inner = `echo $$ > .fanout-pid; exec env -u CI NO_COLOR=1 ${process.execPath} ${cli} run plan.yaml --grace 1 2>fanout-err.txt`;
		const session = server.open(`cd ${dir} && sh -c '${inner}'`, {columns: 120, rows: 40, name});
		await session.waitFor(/enter start/, 'the plan review');
		session.keys('Enter');
		await session.waitFor(/A approve all/, 'the approval screen');
		session.keys('A');
		const {spawner} = await pooledGroups(dir);
		return {dir, name, session, pid: Number(readFileSync(`${dir}/.fanout-pid`, 'utf8').trim()), spawner};
	}

	it('two Ctrl-C keypresses: exit 130, nothing left', async () => {
		const {dir, session, spawner} = await running();
		session.keys('C-c');
		await session.waitFor(/Ctrl-C again/, 'the Ctrl-C question');
		session.keys('C-c');
		assert.equal(await session.exitCode(), 130);
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
		await until(() => parentOf(spawner) === undefined || command(spawner) !== 'perl', 5000, 'the spawner to exit');
	});

	it('closing the terminal window: nothing left', async () => {
		const {dir, name, pid, spawner, session} = await running();
		// As in tui.test.ts: once the pane shows output. Closed in the first instants of a phase,
		// fanout can die of the terminal's EIO before its SIGHUP handler runs, spawner or not
		// (reported to the integrator).
		await session.waitFor(/a: step 1/, 'task a running');
		server.run('kill-session', '-t', name);
		await until(() => parentOf(pid) === undefined, 15_000, 'fanout to exit');
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], `no process of the run is left; fanout said: ${readFileSync(`${dir}/fanout-err.txt`, 'utf8')} ${readFileSync(`${dir}/.fanout/runs/${readdirSync(`${dir}/.fanout/runs`)[0]}/events.jsonl`, 'utf8').slice(-1500)}`);
		await until(() => parentOf(spawner) === undefined || command(spawner) !== 'perl', 5000, 'the spawner to exit');
	});
});

// Issue 14, "truth on screen", with the built CLI: a run whose task was skipped by
// --on-conflict skip is "incomplete: 1 skipped" with exit 3, and `fanout runs` says the same,
// newest run first; in a real terminal (tmux) the last frame after the second Ctrl-C is the
// summary without the Ctrl-C question, and a phase whose agent is missing is not started.

import {strict as assert} from 'node:assert';
import {after, describe, it} from 'node:test';
import {cleanup, cli, hasTmux, runCli, tmuxServer, work, workspace} from './helpers.js';

const server = tmuxServer('fanout-truth');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

const ws = (plan: string) => {
	const dir = workspace(plan);
	dirs.push(dir);
	return dir;
};

const needsPlan = `name: needy
phases:
  - name: one
    tasks:
      - id: asks
        owns: [a/**]
        run: ${work('--needs shared/config.json')}
      - id: fine
        owns: [b/**]
        run: ${work('--lines 1 --write b/x.txt')}
`;

describe('skipped is not passed', () => {
	it('--on-conflict skip: "incomplete: 1 skipped", exit 3; fanout runs agrees, newest first', async () => {
		const dir = ws(needsPlan);
		const first = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-conflict', 'skip'], {cwd: dir});
		assert.equal(first.code, 3, first.stdout + first.stderr);
		assert.match(first.stdout, /fanout · needy · incomplete: 1 skipped in [\d.]+s · exit 3/);
		assert.doesNotMatch(first.stdout, /· passed in/);
		// A second run, so the order shows.
		const second = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(second.code, 3, 'stopped on the conflict this time');
		const table = await runCli(['runs'], {cwd: dir});
		const [, newest, oldest] = table.stdout.trimEnd().split('\n');
		assert.match(newest!, /stopped on a conflict \(resumable\)/, table.stdout);
		assert.match(oldest!, /incomplete: 1 skipped +1 +0 +1$/, table.stdout);
		const json = JSON.parse((await runCli(['runs', '--json'], {cwd: dir})).stdout) as {id: string; started: string; resumable: boolean}[];
		assert.ok(json[0]!.id > json[1]!.id, 'newest first');
		assert.deepEqual(
			json.map(r => r.resumable),
			[true, false],
			'an incomplete run has nothing to resume (resume refuses a run that passed)',
		);
	});
});

/** `fanout ARGS` in a fresh tmux window, CI unset so Ink draws every frame. */
let sessions = 0;
function start(args: string, cwd: string, env = '') {
	return server.open(`cd ${cwd} && env -u CI -u VISUAL -u EDITOR NO_COLOR=1 ${env} ${process.execPath} ${cli} ${args}`, {columns: 100, rows: 30, name: `t${++sessions}`, timeoutMs: 30_000});
}

describe('truth on screen, in tmux', {skip: hasTmux ? false : 'tmux is not installed', concurrency: true}, () => {
	it('after the second Ctrl-C the last frame is the summary, with no prompt that no longer applies', async () => {
		const dir = ws(`name: long
phases:
  - name: one
    tasks:
      - id: sleeper
        owns: [a/**]
        run: ${work('--lines 2 --sleep 60000')}
`);
		const tui = start('run plan.yaml', dir);
		await tui.waitFor(/enter start/, 'the plan review');
		tui.keys('Enter');
		await tui.waitFor(/a approve/, 'the approval');
		tui.keys('a');
		await tui.waitFor(/step 2 of 2/, 'the task running');
		tui.keys('C-c');
		await tui.waitFor(/Press Ctrl-C again to stop now/, 'the question');
		tui.keys('C-c');
		assert.equal(await tui.exitCode(), 130);
		const last = tui.screen();
		assert.match(last, /sleeper +■ stopped .* interrupted by SIGINT/, 'the summary is the last frame');
		assert.doesNotMatch(last, /Ctrl-C again/);
		// Nor keys that no longer work: fanout has left.
		assert.doesNotMatch(last, /q quit/);
	});

	it('a phase whose agent is not installed is not started; s skips it', async () => {
		const dir = ws(`name: agentless
phases:
  - name: one
    tasks:
      - id: writer
        owns: [a/**]
        agent: claude
        prompt: write a
`);
		// No claude on this PATH, whatever the machine has.
		const tui = start('run plan.yaml', dir, 'PATH=/usr/bin:/bin');
		await tui.waitFor(/enter start/, 'the plan review');
		tui.keys('Enter');
		const approval = await tui.waitFor(/s skip phase/, 'the approval');
		assert.match(approval, /claude is not installed \(needed by writer\)/);
		assert.match(approval, /This phase cannot start without it/);
		assert.doesNotMatch(approval, /a approve/);
		tui.keys('a');
		await tui.waitFor(/cannot start until the agent is installed/, 'a refused');
		tui.keys('s');
		const summary = await tui.waitFor(/incomplete: 1 skipped/, 'the summary');
		assert.match(summary, /exit 3/);
		tui.keys('q');
		assert.equal(await tui.exitCode(), 3);
		assert.doesNotMatch(tui.screen(), /q quit/, 'the last frame drops the key bar');
	});
});

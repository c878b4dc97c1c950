// The built CLI in a real terminal: tmux runs it at a real size, send-keys types, capture-pane
// reads the screen. Approve by keypress, watch panes, open a log, reach the summary, leave;
// Ctrl-C and signals leave no process behind and the terminal sane.

import {strict as assert} from 'node:assert';
import {chmodSync, existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, cli, hasTmux, journalGroups, lingeringPlan, membersOfGroups, tmuxServer, work, workspace, type TmuxSession} from './helpers.js';

const server = tmuxServer('fanout-test');
const tmux = server.run;
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

type Session = TmuxSession & {
	readonly dir: string;
	pid(): number;
	cursorVisible(): boolean;
};

let sessions = 0;

/** Alive and not a zombie. */
function alive(pid: number): boolean {
	try {
		return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

/** Starts `fanout ARGS` in a fresh tmux window of the given size, in `dir`. */
function start(dir: string, args: string, columns: number, rows: number, env = ''): Session {
	const name = `s${++sessions}`;
	const pidFile = join(dir, '.fanout-pid');
	// CI=true makes Ink print only the last frame: the real terminal must not see it.
	const inner = `echo $$ > ${pidFile}; exec env -u CI NO_COLOR=1 ${env} ${process.execPath} ${cli} ${args}`;
	const session = server.open(`cd ${dir} && sh -c '${inner}'`, {columns, rows, name});
	return {
		...session,
		dir,
		pid: () => Number(readFileSync(pidFile, 'utf8').trim()),
		cursorVisible: () => session.display('#{cursor_flag}').trim() === '1',
	};
}

/** `fanout run plan.yaml --grace 1` in tmux, through the review and phase 1's approval, until task a prints. */
async function startRunning(dir: string, columns: number, rows: number): Promise<Session> {
	const s = start(dir, 'run plan.yaml --grace 1', columns, rows);
	await s.waitFor(/enter start/, 'the plan review');
	s.keys('Enter');
	await s.waitFor(/a approve/, 'the approval screen');
	s.keys('a');
	await s.waitFor(/a: step 1/, 'the task running');
	return s;
}

const plan = `name: tui-e2e
goal: watch panes move
phases:
  - name: build
    tasks:
      - id: api
        title: API endpoints
        owns: [src/api/**]
        run: ${work('--lines 12 --delay 150 --write src/api/a.txt')}
      - id: db
        owns: [src/db/**]
        run: ${work('--lines 10 --delay 150 --write src/db/b.txt')}
      - id: utils
        owns: [src/utils/**]
        run: ${work('--lines 8 --delay 150 --hostile --write src/utils/c.txt')}
  - name: check
    mode: sequential
    tasks:
      - id: tests
        owns: [tests/**]
        dependsOn: [api, db]
        run: ${work('--lines 3 --delay 50 --write tests/t.txt')}
`;

function assertFits(screen: string, columns: number, rows: number): void {
	const lines = screen.replace(/\n$/, '').split('\n');
	assert.ok(lines.length <= rows, `${lines.length} lines on a ${rows}-row terminal`);
	for (const line of lines) assert.ok([...line].length <= columns, `a line of ${[...line].length} columns on a ${columns}-column terminal: ${line}`);
}

describe('the TUI in tmux', {skip: hasTmux ? false : 'tmux is not installed'}, () => {
	it('approves phases by keypress, shows panes and logs, and exits 0 from the summary (120x40)', async () => {
		const dir = workspace(plan);
		dirs.push(dir);
		const s = start(dir, 'run plan.yaml', 120, 40);
		await s.waitFor(/enter start/, 'the plan review');
		assert.match(s.screen(), /Phase 1 \(parallel\): build/);
		assert.match(s.screen(), /├── api/);
		s.keys('Enter');
		await s.waitFor(/a approve/, 'the approval screen');
		s.keys('a');
		const grid = await s.waitFor(/api: step [3-9]/, 'output in the panes');
		assert.match(grid, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, 'a spinner turns');
		assert.match(grid, /API endpoints/);
		assertFits(grid, 120, 40);
		// The hostile task's escapes never reach the terminal: the title stays, the screen is not cleared.
		assert.doesNotMatch(s.display('#{pane_title}'), /pwned/);
		s.keys('Enter');
		const log = await s.waitFor(/esc back/, 'the log view');
		assert.match(log, /api/);
		s.keys('Escape');
		await s.waitFor(/a approve/, 'phase 2 approval', 30_000);
		s.keys('a');
		const summary = await s.waitFor(/q quit/, 'the summary', 30_000).then(() => s.waitFor(/4 of 4 tasks passed/, 'the summary'));
		assert.match(summary, /tests/);
		s.keys('q');
		assert.equal(await s.exitCode(), 0);
		assert.ok(s.cursorVisible(), 'the cursor is visible after exit');
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no task process is left');
		assert.ok(!existsSync(`/proc/${s.pid()}`), 'fanout itself is gone');
	});

	it('e on the review of an invalid plan: the editor fixes the file, the review comes back valid, the run goes on', async () => {
		const overlapping = `name: fix-me\nphases:\n  - name: build\n    tasks:\n      - id: one\n        owns: [src/**]\n        run: ${work('--lines 1')}\n      - id: two\n        owns: [src/**]\n        run: ${work('--lines 1')}\n`;
		const fixed = overlapping.replace(/owns: \[src\/\*\*\]\n(\s+run: .*\n\s+- id: two)/, 'owns: [src/one/**]\n$1').replace(/(id: two\n\s+)owns: \[src\/\*\*\]/, '$1owns: [src/two/**]');
		const dir = workspace(overlapping, {'fixed.yaml': fixed, 'editor.sh': '#!/bin/sh\ncp fixed.yaml "$1"\n'});
		dirs.push(dir);
		chmodSync(join(dir, 'editor.sh'), 0o755);
		const s = start(dir, 'run plan.yaml', 100, 30, `EDITOR=${join(dir, 'editor.sh')}`);
		await s.waitFor(/press e to fix \S*plan\.yaml/, 'the invalid review');
		assert.match(s.screen(), /both could match a new file/);
		s.keys('e');
		await s.waitFor(/✓ valid/, 'the review of the edited plan');
		assert.match(s.screen(), /one +src\/one\/\*\*/);
		s.keys('Enter');
		await s.waitFor(/a approve/, 'the approval');
		s.keys('A');
		await s.waitFor(/fanout · fix-me · passed/, 'the summary');
		s.keys('q');
		assert.equal(await s.exitCode(), 0);
		// The attempt sent back to the editor left no run folder: only the run that ran is listed.
		assert.equal(readdirSync(join(dir, '.fanout', 'runs')).length, 1);
	});

	it('fits an 80x24 terminal and approves all phases with A', async () => {
		const dir = workspace(plan);
		dirs.push(dir);
		const s = start(dir, 'run plan.yaml', 80, 24);
		await s.waitFor(/enter start/, 'the plan review');
		s.keys('Enter');
		await s.waitFor(/A approve all/, 'the approval screen');
		s.keys('A');
		const grid = await s.waitFor(/step [2-9]/, 'output in the panes');
		assertFits(grid, 80, 24);
		await s.waitFor(/4 of 4 tasks passed/, 'the summary', 40_000);
		s.keys('q');
		assert.equal(await s.exitCode(), 0);
	});

	it('stops everything on two Ctrl-C keypresses (exit 130), grandchildren included', async () => {
		const dir = workspace(lingeringPlan('ctrl-c'));
		dirs.push(dir);
		const s = await startRunning(dir, 120, 40);
		s.keys('C-c');
		await s.waitFor(/Ctrl-C again/, 'the Ctrl-C question');
		s.keys('C-c');
		assert.equal(await s.exitCode(), 130);
		assert.ok(s.cursorVisible());
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
	});

	it('leaves on SIGTERM or a closed window even when the run is over and the summary waits for q', async () => {
		for (const [how, code] of [['SIGTERM', 143], ['window', undefined]] as const) {
			const dir = workspace(`name: over
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: ${work('--lines 1')}
`);
			dirs.push(dir);
			const s = start(dir, 'run plan.yaml', 100, 30);
			await s.waitFor(/enter start/, 'the plan review');
			s.keys('Enter');
			await s.waitFor(/a approve/, 'the approval screen');
			s.keys('a');
			await s.waitFor(/1 of 1 tasks passed/, 'the summary');
			const pid = s.pid();
			if (how === 'SIGTERM') {
				process.kill(pid, 'SIGTERM');
				assert.equal(await s.exitCode(), code);
				assert.ok(s.cursorVisible());
			} else {
				tmux('kill-session', '-t', s.name);
			}
			await until(() => !alive(pid), 15_000, `fanout to exit after ${how}`);
		}
	});

	it('leaves nothing behind when its terminal window is closed', async () => {
		const dir = workspace(`name: hangup
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: ${work('--grandchild --lines 1 --sleep 60000')}
`);
		dirs.push(dir);
		const s = await startRunning(dir, 100, 30);
		const pid = s.pid();
		tmux('kill-session', '-t', s.name);
		await until(() => !alive(pid), 15_000, 'fanout to exit');
		assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
		// Closed before anything ran, too (on the plan review).
		const early = start(dir, 'run plan.yaml', 100, 30);
		await early.waitFor(/enter start/, 'the plan review');
		const earlyPid = early.pid();
		tmux('kill-session', '-t', early.name);
		await until(() => !alive(earlyPid), 15_000, 'fanout to exit from the plan review');
	});

	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
		it(`stops everything on ${signal} sent to fanout (exit ${code})`, async () => {
			const dir = workspace(lingeringPlan('signal'));
			dirs.push(dir);
			const s = await startRunning(dir, 100, 30);
			process.kill(s.pid(), signal);
			assert.equal(await s.exitCode(), code);
			assert.ok(s.cursorVisible());
			assert.deepEqual(membersOfGroups(journalGroups(dir)), [], 'no process of the run is left');
		});
	}
});

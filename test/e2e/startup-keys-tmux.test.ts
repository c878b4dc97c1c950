// Keys typed while fanout starts are not lost: the built CLI in tmux gets keys before its first
// frame (typed in the terminal's line mode, where Enter reads as a line feed and nobody reads
// yet), and right after the plan review appears (the moment an Enter was once lost in CI because
// raw mode came one turn after the first frame). Each key must be acted on, in order.

import {strict as assert} from 'node:assert';
import {after, describe, it} from 'node:test';
import {cleanup, cli, hasTmux, tmuxServer, work, workspace} from './helpers.js';

const server = tmuxServer('fanout-startkeys');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

const plan = `name: keys
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: ${work('--lines 30 --delay 200')}
      - id: b
        owns: [b/**]
        run: ${work('--lines 30 --delay 200')}
`;

let sessions = 0;

function start() {
	const dir = workspace(plan);
	dirs.push(dir);
	const name = `k${++sessions}`;
	// CI=true makes Ink print only the last frame: the real terminal must not see it.
	return server.open(`cd ${dir} && exec env -u CI NO_COLOR=1 ${process.execPath} ${cli} run plan.yaml --grace 1`, {columns: 120, rows: 40, name});
}

describe('keys typed during start-up (tmux 120x40)', {skip: hasTmux ? false : 'tmux is not installed', concurrency: true}, () => {
	it('acts on Enter and ? typed before the first frame: the approval screen with its help open', async () => {
		const s = start();
		// Sent at once: node alone takes longer than this to boot, so no frame is up yet.
		s.keys('Enter', '?');
		const before = s.screen();
		const screen = await s.waitFor(/Keys · phase approval/, 'the approval help, from keys typed before the first frame');
		assert.doesNotMatch(before, /enter start/, 'the keys went in before the plan review was drawn');
		assert.match(screen, /Keys · phase approval/);
		s.keys('Escape');
		await s.waitFor(/a approve/, 'the approval screen once the help is closed');
		s.keys('q');
	});

	it('acts on an Enter sent the moment the plan review appears', async () => {
		const s = start();
		await s.waitFor(/enter start/, 'the plan review', 20_000);
		s.keys('Enter');
		await s.waitFor(/a approve/, 'the approval screen');
		s.keys('q');
	});
});

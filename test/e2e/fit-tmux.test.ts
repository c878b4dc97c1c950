// Issue 14, "fits the terminal", with the built CLI in real terminals (tmux): the demo at 80x24
// from review to summary (help that scrolls, columns that show what differs, the header's
// n/total, the compact rows under the conflict prompt, wrapped paths), and 40 tasks at 120x40
// and 80x24, every task's row with its output.

import {strict as assert} from 'node:assert';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {cleanup, cli, hasTmux, tmuxServer, work, workspace} from './helpers.js';

const server = tmuxServer('fanout-fit');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

let sessions = 0;

/** Starts `fanout ARGS` in a fresh tmux window of the given size, in `cwd`. */
function start(args: string, cwd: string, columns: number, rows: number) {
	// CI=true makes Ink print only the last frame: the real terminal must not see it.
	return server.open(`cd ${cwd} && env -u CI -u VISUAL -u EDITOR NO_COLOR=1 ${process.execPath} ${cli} ${args}`, {columns, rows, name: `f${++sessions}`, timeoutMs: 30_000});
}

/** No line of the screen is wider than the terminal (tmux would wrap it) and none ends cut with `…`, except where said. */
function assertFits(text: string, columns: number, what: string): void {
	for (const line of text.split('\n')) assert.ok([...line].length <= columns, `${what}: a line is wider than ${columns}:\n${text}`);
}

describe('fits the terminal, in tmux', {skip: hasTmux ? false : 'tmux is not installed', concurrency: true}, () => {
	it('the demo at 80x24: help scrolls, columns show what differs, n/total stays, rows under the conflict, paths wrap', async () => {
		const cwd = mkdtempSync(join(tmpdir(), 'fanout-fit-'));
		dirs.push(cwd);
		const demo = start('demo', cwd, 80, 24);
		const review = await demo.waitFor(/enter start/, 'the plan review');
		// The commands share `node scripts/work.mjs`: the column shows what differs.
		assert.match(review, /├── api +src\/api\/\*\* +API handlers +…src\/api --seconds 5/);
		assertFits(review, 80, 'review');
		demo.keys('?');
		const help = await demo.waitFor(/Keys · plan review/, 'the review help');
		assert.match(help, /e +edit the plan file in \$EDITOR/);
		demo.keys('Escape');
		await demo.waitFor(/enter start/, 'the review again');
		demo.keys('Enter');
		const approval = await demo.waitFor(/a approve/, 'the approval');
		assert.match(approval, /^ fanout · demo .* 0\/4$/m);
		assert.match(approval, /api +owns src\/api\/\*\* \(2 files\) +…src\/api --seconds 5/);
		assert.match(approval, /db +owns src\/db\/\*\* \(3 files\) +…src\/db --seconds 6 --needs src\/index\.js/);
		// The help of the grid and the conflict is longer than 24 lines: it scrolls to its end.
		demo.keys('a');
		const conflict = await demo.waitFor(/d defer[\s\S]*? keys/, 'the conflict prompt');
		// Panes would get no output under the prompt: one row per task, every task in view.
		assert.match(conflict, /api +\d\d:\d\d api: /);
		assert.match(conflict, /! db +\d\d:\d\d needs src\/index\.js/);
		assert.match(conflict, /utils +\d\d:\d\d utils: /);
		assert.match(conflict, /^ fanout · demo .* \d\/4$/m);
		assertFits(conflict, 80, 'conflict');
		demo.keys('?');
		const top = await demo.waitFor(/Keys · conflict +lines 1-\d+ of \d+ ↓/, 'the conflict help');
		assert.match(top, /g +grant the path/);
		demo.keys('PageDown', 'PageDown');
		await demo.waitFor(/Anywhere[\s\S]*twice: stop everything now/, 'the end of the help');
		demo.keys('Escape');
		// The help mentions `d` too ("in a conflict, d defers"): wait for the help to be gone.
		await demo.waitUntil(screen => !/Keys · conflict/.test(screen) && /d defer/.test(screen), 'the conflict again');
		demo.keys('d');
		for (const [phase, of] of [[2, 3], [3, 3]]) {
			await demo.waitFor(new RegExp(`phase ${phase}( of |/)${of}[\\s\\S]*a approve`), `phase ${phase} approval`);
			demo.keys('a');
		}
		const summary = await demo.waitFor(/logs and journal:[\s\S]*q quit/, 'the summary', 60_000);
		assertFits(summary, 80, 'summary');
		// The run folder is outside this folder: whole, wrapped, never cut.
		const joined = summary.replace(/\s+/g, '');
		assert.match(joined, /logsandjournal:\/\S*fanout-demo-[^/]+\/sample-app\/\.fanout\/runs\/[\w-]+/);
		assert.doesNotMatch(summary, /logs and journal:.*…/);
		demo.keys('q');
		assert.equal(await demo.exitCode(), 0);
	});

	it('40 tasks: at 120x40 every row on one screen with its last line and the focused pane; at 80x24 rows with output too', async () => {
		const tasks = Array.from({length: 40}, (_, i) => {
			const id = `task-${String(i + 1).padStart(2, '0')}`;
			return `      - id: ${id}\n        owns: [m${i + 1}/**]\n        run: ${work('--lines 400 --delay 100')}\n`;
		}).join('');
		const ws = workspace(`name: forty\nphases:\n  - name: all\n    tasks:\n${tasks}`);
		dirs.push(ws);
		for (const [columns, rows] of [[120, 40], [80, 24]] as const) {
			const run = start('run plan.yaml --max-parallel 40', ws, columns, rows);
			await run.waitFor(/enter start/, 'the plan review');
			run.keys('Enter');
			await run.waitFor(/a approve/, 'the approval');
			run.keys('a');
			// Each row: status, id, elapsed, and a line of the task's own output.
			const grid = await run.waitFor(/task-40 +\d\d:\d\d \S/, 'the rows with output');
			assertFits(grid, columns, `grid at ${columns}x${rows}`);
			for (let i = 1; i <= 40; i++) assert.match(grid, new RegExp(`task-${String(i).padStart(2, '0')} +\\d\\d:\\d\\d`), `row ${i} at ${columns}x${rows}`);
			assert.doesNotMatch(grid, /more ↓/);
			if (columns === 120) assert.match(grid, /║ task-01 · |║ ⠋|╔═/);
			// The focus moves down the rows and the log opens for that task.
			run.keys('Down');
			await run.waitFor(/›\S+ task-02 /, 'the focus on the second row');
			run.keys('Enter');
			await run.waitFor(/task-02 · [\s\S]*esc back/, 'the log of the second task');
			run.keys('Escape');
			await run.waitFor(/enter log/, 'the grid again');
			run.keys('q');
			await run.waitFor(/Abort the run\?/, 'the abort question');
			run.keys('y');
			await run.waitFor(/q quit/, 'the summary');
			run.keys('q');
			assert.notEqual(await run.exitCode(), 0);
		}
	});
});

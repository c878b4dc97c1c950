// A fault inside a running interactive session, in a real terminal (tmux): the injected
// exception (FANOUT_TEST_FAULT, test-only) puts the fault's words on screen, every task group is
// stopped, and the terminal is left sane: cursor shown, raw mode off (canonical input and echo
// back on, as `stty` reports them after fanout exits).

import {strict as assert} from 'node:assert';
import {after, describe, it} from 'node:test';
import {cleanup, cli, hasTmux, journalGroups, lingeringPlan, membersOfGroups, tmuxServer, workspace} from './helpers.js';

const server = tmuxServer('fanout-faults');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

describe('faults in the TUI (tmux e2e)', {skip: hasTmux ? false : 'tmux is not installed'}, () => {
	it('an exception in a running session: the fault on screen, every group stopped, the terminal sane (exit 70)', async () => {
		const dir = workspace(lingeringPlan('tui-fault'));
		dirs.push(dir);
		// CI=true makes Ink print only the last frame: the real terminal must not see it.
		const inner = `exec env -u CI NO_COLOR=1 FANOUT_TEST_FAULT=after-start ${process.execPath} ${cli} run plan.yaml --grace 1`;
		const modes = `stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ' | sed 's/^/TTY: /'; echo`;
		const s = server.open(`cd ${dir} && sh -c '${inner}'; code=$?; ${modes}; (exit $code)`, {columns: 100, rows: 30, name: 'f1'});
		await s.waitFor(/enter start/, 'the plan review');
		s.keys('Enter');
		await s.waitFor(/a approve/, 'the approval screen');
		s.keys('a');
		const screen = await s.waitFor(/internal error: injected by FANOUT_TEST_FAULT=after-start/, 'the fault on screen');
		assert.match(screen, /fanout stopped every task/);
		assert.equal(await s.exitCode(), 70);
		const after = s.screen();
		assert.match(after, /TTY: icanon echo/, 'canonical input and echo are back (raw mode off)');
		assert.match(after, /internal error: injected/, 'the fault stays on the terminal after exit');
		assert.doesNotMatch(after, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
		assert.equal(s.display('#{cursor_flag}').trim(), '1', 'the cursor is visible after exit');
		const groups = journalGroups(dir);
		assert.equal(groups.length, 2, 'both tasks had started');
		assert.deepEqual(membersOfGroups(groups), [], 'no process of the run is left');
	});
});

// The planning wizard in a real terminal: tmux runs `fanout plan` (through a test-only entry on
// the built dist/ until cli.tsx loads the wizard), send-keys types, capture-pane reads the screen.
// Goal, pattern, scope, a glob edited in review, save: the written plan loads and validates.
// Build first: npx tsc -p tsconfig.build.json

import {strict as assert} from 'node:assert';
import {cpSync, existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {execFileSync, spawnSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, it} from 'node:test';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {cleanup, root, until} from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const entry = join(root, 'test', 'fixtures', 'wizard', 'plan-cli.mjs');
const built = existsSync(join(root, 'dist', 'commands', 'wizard.js'));
const socket = `fanout-wizard-${process.pid}`;
const dirs: string[] = [];
after(() => {
	if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
	dirs.forEach(cleanup);
});

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

it('fanout plan in tmux: goal, pattern, scope, edit a glob, save; the plan loads and validates', {skip: !hasTmux ? 'tmux is not installed' : !built ? 'build first: npx tsc -p tsconfig.build.json' : false, timeout: 60_000}, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-wizard-tmux-'));
	dirs.push(dir);
	cpSync(join(root, 'test', 'fixtures', 'repos', 'ts-app'), dir, {recursive: true});
	// CI=true makes Ink print only the last frame: the terminal must not see it.
	const command = `cd ${dir} && env -u CI NO_COLOR=1 ${process.execPath} ${entry} --workspace .; echo FANOUT_EXIT=$?; sleep 600`;
	tmux('new-session', '-d', '-s', 'wizard', '-x', '110', '-y', '30', command);
	const screen = () => tmux('capture-pane', '-p', '-t', 'wizard');
	// One key per write, as a person types: Ink reads one key sequence per chunk of input.
	const keys = async (...k: string[]) => {
		for (const key of k) {
			tmux('send-keys', '-t', 'wizard', key);
			await new Promise(resolve => setTimeout(resolve, 100));
		}
	};
	const type = (text: string) => tmux('send-keys', '-t', 'wizard', '-l', text);
	const waitFor = async (pattern: RegExp) => {
		let last = '';
		try {
			await until(() => pattern.test((last = screen())), 20_000, String(pattern));
		} catch (error) {
			throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`, {cause: error});
		}
		return last;
	};

	await waitFor(/What should the agents do\?/);
	type('Add logging');
	await waitFor(/› Add logging/);
	await keys('Enter');
	await waitFor(/How should the work be split\?/);
	await keys('Enter');
	await waitFor(/root src/);
	await keys('Enter');
	let text = await waitFor(/✓ valid/);
	assert.match(text, /Phase 1 \(parallel\): modules/);
	// Never as tall as the terminal: the last row stays free.
	const rows = text.split('\n');
	assert.match(text, /s save · esc back · r rename/);
	if (process.env['SHOW_SCREEN']) console.log(text);
	assert.equal(rows[29]?.trim(), '');
	await keys('Down', 'Down', 'o');
	await waitFor(/owns › src\/db\/\*\*/);
	await keys('C-u');
	type('src/db/**, src/shared/**');
	await waitFor(/owns › src\/db\/\*\*, src\/shared\/\*\* +2 files/);
	await keys('Enter');
	text = await waitFor(/owns src\/db\/\*\*, src\/shared\/\*\* \(2 files\)/);
	assert.match(text, /✓ valid/);
	await keys('s');
	await waitFor(/Save the plan as/);
	await keys('Enter');
	await waitFor(/Run it now\?/);
	await keys('n');
	text = await waitFor(/FANOUT_EXIT=\d+/);
	assert.match(text, /Saved plans\/add-logging\.yaml/);
	assert.match(text, /FANOUT_EXIT=0/);

	const file = join(dir, 'plans', 'add-logging.yaml');
	assert.match(readFileSync(file, 'utf8'), /^# yaml-language-server: \$schema=/);
	const loaded = loadPlan(file, {cwd: dir});
	assert.ok(loaded.ok);
	assert.deepEqual(loaded.plan.phases[0]!.tasks[1]!.owns, ['src/db/**', 'src/shared/**']);
	const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
	assert.equal(report.valid, true, report.errors.map(e => e.message).join('\n'));
});

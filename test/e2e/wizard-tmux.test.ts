// The planning wizard in a real terminal: tmux runs the built `fanout plan`, send-keys types,
// capture-pane reads the screen. The saved plan must load and validate. Skips without tmux or
// without a build.

import {strict as assert} from 'node:assert';
import {cpSync, existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, it} from 'node:test';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {cleanup, cli, hasTmux, root, tmuxServer} from './helpers.js';

const built = existsSync(cli);
const server = tmuxServer('fanout-wizard');
const dirs: string[] = [];
after(() => {
	if (hasTmux) server.kill();
	dirs.forEach(cleanup);
});

it('fanout plan in tmux: goal, pattern, scope, edit a glob, save; the plan loads and validates', {skip: !hasTmux ? 'tmux is not installed' : !built ? 'build first: npm run build' : false, timeout: 60_000}, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-wizard-tmux-'));
	dirs.push(dir);
	cpSync(join(root, 'test', 'fixtures', 'repos', 'ts-app'), dir, {recursive: true});
	// CI=true makes Ink print only the last frame: the terminal must not see it.
	const session = server.open(`cd ${dir} && env -u CI NO_COLOR=1 ${process.execPath} ${cli} plan --workspace .`, {columns: 110, rows: 30, name: 'wizard'});
	const keys = session.press;
	const type = session.type;
	const waitFor = (pattern: RegExp) => session.waitFor(pattern);

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

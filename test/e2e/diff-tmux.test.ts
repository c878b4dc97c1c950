// Seeing the work end to end with the built CLI: the demo's copy is a git repository, so each
// task's changes are recorded; in a real terminal (tmux, 120x40, colour on) `d` on the summary
// opens the selected task's diff with its + lines in green; headless, the summary lists the
// changed files per task and --json carries the `task.changes` entries.

import {strict as assert} from 'node:assert';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, cli, hasTmux, runCli, tmuxServer} from './helpers.js';

const server = tmuxServer('fanout-diff');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

/** The demo's workspace named on stderr (its temporary folder is removed after the test). */
function demoWorkspace(stderr: string): string | undefined {
	const path = /a copy of the sample repository is in (\S+)/.exec(stderr)?.[1];
	if (path) dirs.push(dirname(path));
	return path;
}

describe('seeing the work in the demo', {concurrency: true}, () => {
	it('tmux: d on the summary opens the task`s diff, + lines in green, esc goes back', {skip: hasTmux ? false : 'tmux is not installed'}, async () => {
		const dir = mkdtempSync(join(tmpdir(), 'fanout-diff-'));
		dirs.push(dir);
		const stderr = join(dir, 'stderr.txt');
		// CI=true makes Ink print only the last frame: the real terminal must not see it. Colour on.
		const inner = `exec env -u CI -u NO_COLOR -u VISUAL -u EDITOR ${process.execPath} ${cli} demo 2> ${stderr}`;
		const demo = server.open(`cd ${dir} && sh -c '${inner}'`, {columns: 120, rows: 40, name: 'd1', timeoutMs: 30_000});
		await until(() => existsSync(stderr) && demoWorkspace(readFileSync(stderr, 'utf8')) !== undefined, 15_000, 'the demo to name its workspace');
		await until(() => /the copy is a git repository with one commit/.test(readFileSync(stderr, 'utf8')), 15_000, 'the demo to make its copy a repository');
		await demo.waitFor(/enter start/, 'the plan review');
		assert.match(demo.screen(), /isolation: (shared|worktree)/);
		demo.keys('Enter');
		await demo.waitFor(/phase 1 of 2[^\n]*waiting for you[\s\S]*a approve/, 'phase 1 approval');
		demo.keys('a');
		await demo.waitFor(/declared[\s\S]*d defer/, 'the conflict prompt');
		assert.match(demo.screen(), /starts again: db/);
		assert.match(demo.screen(), /partial changes/);
		demo.keys('d');
		await demo.waitFor(/phase 2 of 3[^\n]*waiting for you[\s\S]*a approve/, 'phase 2 approval');
		// The approval screen lists what the first phase's tasks changed (as soon as it is recorded).
		await demo.waitFor(/Changed by earlier phases:[\s\S]*api +2 files \+2 -0 +src\/api\/orders\.js \+1 -0/, 'the changes of phase 1');
		demo.keys('a');
		await demo.waitFor(/phase 3 of 3[^\n]*waiting for you[\s\S]*a approve/, 'phase 3 approval');
		demo.keys('a');
		const summary = await demo.waitFor(/api +✓ passed +\d\d:\d\d +2 \+2 -0[\s\S]*plan revisions:[\s\S]*q quit/, 'the summary with the files column', 60_000);
		assert.match(summary, /d diff/);
		demo.keys('d');
		const diff = await demo.waitFor(/diff · api · 2 files \+2 -0[\s\S]*esc back/, 'the diff of api');
		assert.match(diff, /^diff --git a\/src\/api\/orders\.js b\/src\/api\/orders\.js$/m);
		assert.match(diff, /^\+\/\/ Reviewed by api\.$/m);
		const coloured = server.run('capture-pane', '-p', '-e', '-t', 'd1');
		assert.match(coloured, /\u001B\[32m\+\/\/ Reviewed by api\./, 'the added line is green');
		assert.match(coloured, /\u001B\[36m(\u001B\[49m)?@@ /, 'the hunk header is cyan');
		assert.ok(diff.split('\n').every(line => line.length <= 120));
		demo.keys('Escape');
		await demo.waitFor(/phase +task +status/, 'the summary again');
		demo.keys('q');
		assert.equal(await demo.exitCode(), 0, demo.screen());
	});

	it('headless: the summary lists each task`s changed files with +/-, and --json carries them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'fanout-diff-'));
		dirs.push(dir);
		const [text, json] = await Promise.all([runCli(['demo', '--headless'], {cwd: dir}), runCli(['demo', '--headless', '--json'], {cwd: dir})]);
		demoWorkspace(text.stderr);
		demoWorkspace(json.stderr);
		assert.equal(text.code, 0, text.stderr);
		assert.match(text.stdout, /Changed files\n— api: 2 files \+2 -0\n {2}src\/api\/orders\.js {2}\+1 -0\n {2}src\/api\/users\.js {2}\+1 -0/);
		assert.match(text.stdout, /— index: 3 files \+5 -0/);
		assert.equal(json.code, 0, json.stderr);
		const entries = json.stdout
			.split('\n')
			.filter(line => line.trim() !== '')
			.map(line => JSON.parse(line) as {type: string; task?: string; files?: {path: string; added: number}[]});
		const changes = entries.filter(e => e.type === 'task.changes');
		assert.deepEqual(changes.map(e => e.task).sort(), ['api', 'db', 'index', 'utils']);
		assert.deepEqual(
			changes.find(e => e.task === 'api')?.files?.map(f => [f.path, f.added]),
			[
				['src/api/orders.js', 1],
				['src/api/users.js', 1],
			],
		);
	});
});

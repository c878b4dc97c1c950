// Runtime conflicts end to end with the built CLI: the demo in a real terminal (tmux) stops db
// when it asks for src/index.js; `d` defers it and the run reaches the summary with the revision
// listed; `e` lends the terminal to a scripted $EDITOR that grants the file. And headless: a run
// stopped at a conflict is resumed, and --on-conflict answers the conflict brought back.

import {strict as assert} from 'node:assert';
import {chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, cli, root, hasTmux, journalGroups, membersOfGroups, runCli, tmuxServer, work, workspace, type TmuxSession} from './helpers.js';

const server = tmuxServer('fanout-conflict');
const dirs: string[] = [];
after(() => {
	server.kill();
	dirs.forEach(cleanup);
});

type Demo = TmuxSession & {
	/** Where the session keeps its pid, stderr and the editor's traces. */
	readonly dir: string;
	/** The demo's workspace, from its "a copy of the sample repository is in DIR" line. */
	workspace(): Promise<string>;
};

let sessions = 0;

/** Starts `fanout demo` in a fresh 120x40 tmux window; stderr goes to a file to read the workspace from. */
function startDemo(env: Record<string, string> = {}): Demo {
	const name = `c${++sessions}`;
	const dir = mkdtempSync(join(tmpdir(), 'fanout-conflict-'));
	dirs.push(dir);
	const stderr = join(dir, 'stderr.txt');
	const vars = Object.entries(env)
		.map(([k, v]) => `${k}=${v}`)
		.join(' ');
	// CI=true makes Ink print only the last frame: the real terminal must not see it. --keep: the
	// checks after the exit read the copy's run folder.
	const inner = `echo $$ > ${dir}/pid; exec env -u CI -u VISUAL -u EDITOR NO_COLOR=1 ${vars} ${process.execPath} ${cli} demo --keep 2> ${stderr}`;
	const session = server.open(`cd ${dir} && sh -c '${inner}'`, {columns: 120, rows: 40, name, timeoutMs: 30_000});
	return {
		...session,
		dir,
		async workspace() {
			const line = /a copy of the sample repository is in (\S+)/;
			await until(() => existsSync(stderr) && line.test(readFileSync(stderr, 'utf8')), 15_000, 'the demo to name its workspace');
			const path = line.exec(readFileSync(stderr, 'utf8'))![1]!;
			// The sample and the plan's copy share one temporary folder.
			dirs.push(dirname(path));
			return path;
		},
	};
}

/** Waits for phase N's approval screen and approves it. */
async function approve(demo: Demo, phase: number, of: number): Promise<void> {
	await demo.waitFor(new RegExp(`phase ${phase} of ${of}[^\\n]*waiting for you[\\s\\S]*a approve`), `phase ${phase} approval`);
	demo.keys('a');
}

function runFolder(ws: string): string {
	const [run] = readdirSync(join(ws, '.fanout', 'runs'));
	return join(ws, '.fanout', 'runs', run!);
}

// The demo paces itself (about 15 s to the summary) and mostly sleeps: both sessions run at once.
describe('the demo`s conflict in tmux (120x40)', {skip: hasTmux ? false : 'tmux is not installed', concurrency: true}, () => {
	it('stops db on its FANOUT-NEEDS line, defers it on d, and reaches the summary with revision 2 (exit 0)', async () => {
		const demo = startDemo();
		const ws = await demo.workspace();
		await demo.waitFor(/enter start/, 'the plan review');
		demo.keys('Enter');
		await approve(demo, 1, 2);
		const prompt = await demo.waitFor(/declared[\s\S]*d defer/, 'the conflict prompt');
		assert.match(prompt, /db/);
		assert.match(prompt, /src\/index\.js/);
		assert.match(prompt, /owner:\s+index/);
		demo.keys('d');
		// The deferral adds a phase: db runs alone after modules, then wire-up.
		await approve(demo, 2, 3);
		await approve(demo, 3, 3);
		const summary = await demo.waitFor(/plan revisions:[\s\S]*q quit/, 'the summary', 60_000);
		assert.match(summary, /r2/);
		assert.match(summary, /defer db/);
		// w writes the revision over the demo's own copy of the plan, never over fanout's plans/demo.yaml.
		const shipped = readFileSync(join(root, 'plans', 'demo.yaml'), 'utf8');
		demo.keys('w');
		await demo.waitFor(/written to \S*fanout-demo-\S*demo\.yaml/, 'the write-back');
		assert.match(readFileSync(join(dirname(ws), 'demo.yaml'), 'utf8'), /modules-deferred/);
		assert.equal(readFileSync(join(root, 'plans', 'demo.yaml'), 'utf8'), shipped);
		demo.keys('q');
		assert.equal(await demo.exitCode(), 0, demo.screen());
		assert.ok(existsSync(join(runFolder(ws), 'plan.r2.yaml')));
		assert.deepEqual(membersOfGroups(journalGroups(ws)), [], 'no task process is left');
		assert.ok(!existsSync(`/proc/${readFileSync(join(demo.dir, 'pid'), 'utf8').trim()}`), 'fanout itself is gone');
	});

	it('e lends the terminal to $EDITOR (keys cooked, screen redrawn after); the edit grants db the file (exit 0)', async () => {
		const trace = mkdtempSync(join(tmpdir(), 'fanout-editor-'));
		dirs.push(trace);
		const editor = join(trace, 'editor.sh');
		// A scripted editor: records the terminal's mode, prints over the screen, grants db the file.
		writeFileSync(
			editor,
			`#!/bin/sh
stty -a < /dev/tty > ${trace}/stty.txt
cp "$1" ${trace}/seen.yaml
echo EDITOR-WAS-HERE
sed -i 's#owns: \\[src/db/\\*\\*\\]#owns: [src/db/**, src/index.js]#' "$1"
sleep 0.5
`,
		);
		chmodSync(editor, 0o755);
		const demo = startDemo({EDITOR: editor});
		const ws = await demo.workspace();
		await demo.waitFor(/enter start/, 'the plan review');
		demo.keys('Enter');
		await approve(demo, 1, 2);
		await demo.waitFor(/declared[\s\S]*e edit/, 'the conflict prompt');
		demo.keys('e');
		await demo.waitFor(/EDITOR-WAS-HERE/, 'the editor on the terminal', 15_000);
		await until(() => existsSync(join(trace, 'stty.txt')), 5_000, 'the editor to record the terminal');
		const stty = readFileSync(join(trace, 'stty.txt'), 'utf8');
		assert.match(stty, /(^|\s)icanon(\s|$)/, 'the terminal is cooked while the editor runs');
		assert.match(stty, /(^|\s)echo(\s|$)/);
		assert.match(readFileSync(join(trace, 'seen.yaml'), 'utf8'), /^# fanout: db needs src\/index\.js/);
		// Back from the editor: the whole frame is drawn again, over what the editor left.
		const redrawn = await demo.waitUntil(
			text => /phase 1 of 2/.test(text) && !/d defer/.test(text),
			'the grid redrawn, the edit having settled the conflict',
			15_000,
		);
		assert.doesNotMatch(redrawn, /EDITOR-WAS-HERE/);
		assert.match(redrawn, /db · Storage/);
		// Keys reach Ink again, one at a time (raw mode is back): approve the next phase.
		await approve(demo, 2, 2);
		const summary = await demo.waitFor(/plan revisions:[\s\S]*q quit/, 'the summary', 60_000);
		assert.match(summary, /r2/);
		assert.match(summary, /edit the plan by hand/);
		demo.keys('q');
		assert.equal(await demo.exitCode(), 0, demo.screen());
		const run = runFolder(ws);
		assert.match(readFileSync(join(run, 'plan.r2.yaml'), 'utf8'), /src\/db\/\*\*, src\/index\.js/);
		assert.ok(existsSync(join(run, 'plan.r2.edit.yaml')), 'the edited file stays in the run folder');
		assert.match(readFileSync(join(ws, 'src', 'index.js'), 'utf8'), /Reviewed by db/, 'db ran again owning the file');
		assert.deepEqual(membersOfGroups(journalGroups(ws)), [], 'no task process is left');
	});
});

describe('resume of a run stopped at a conflict (headless)', () => {
	it('exits 3 on the conflict; resume --on-conflict defer answers it, keeps what passed, exits 0 with plan.r2.yaml', async () => {
		const dir = workspace(`name: resume-conflict
phases:
  - name: one
    tasks:
      - id: asker
        owns: [mine/**]
        run: if [ -f mine/asked ]; then echo second time; else mkdir -p mine && touch mine/asked && ${work('--lines 1 --needs shared/log.ts')}; fi
      - id: owner
        owns: [shared/**]
        run: ${work('--lines 2 --delay 300 --write shared/log.ts')}
  - name: two
    mode: sequential
    tasks:
      - id: after
        owns: [after/**]
        dependsOn: [asker]
        run: ${work('--lines 1 --write after/done.txt')}
`);
		dirs.push(dir);
		const first = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(first.code, 3, first.stdout + first.stderr);
		assert.match(first.stderr, /asker needs shared\/log\.ts/);
		const resumed = await runCli(['resume', '--headless', '--yes', '--on-conflict', 'defer'], {cwd: dir});
		assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
		assert.match(resumed.stderr, /stopped at a conflict \(asker needs shared\/log\.ts\)/);
		assert.match(resumed.stdout, /→ defer asker \(needs shared\/log\.ts\)/);
		assert.match(resumed.stdout, /asker\s+\| second time/);
		assert.doesNotMatch(resumed.stdout, /asker \| asker: step/, 'asker was not run blindly into the same conflict');
		assert.match(resumed.stdout, /! conflict: asker asked for shared\/log\.ts[^\n]*\n== phase 1 of 2: one/, 'the conflict is stated again before the phase');
		const run = runFolder(dir);
		assert.match(readFileSync(join(run, 'plan.r2.yaml'), 'utf8'), /shared\/log\.ts/);
		assert.ok(existsSync(join(dir, 'after', 'done.txt')));
		const events = readFileSync(join(run, 'events.jsonl'), 'utf8');
		assert.equal(events.match(/"type":"conflict\.decided"/g)?.length, 1);
		assert.deepEqual(membersOfGroups(journalGroups(dir)), []);
	});
});

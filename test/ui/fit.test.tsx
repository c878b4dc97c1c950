// Issue 14, "fits the terminal": the help per screen and its scrolling, the key bar's wrap and
// fold, the header's n/total at 80 columns, the review and approval columns, wrapped findings
// and paths, `?` in the wizard, and `fanout --help`'s columns.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {fitHeader} from '../../source/ui/components/header.js';
import {foldHint, keyBarLines} from '../../source/ui/components/key-bar.js';
import {commandColumn, sharedPrefixWords, sharedRunWords, sharedWordsFor} from '../../source/ui/task-columns.js';
import {displayPath} from '../../source/ui/screens/summary-screen.js';
import {wrapHanging, wrapText} from '../../source/ui/wrap.js';
import {runCounts} from '../../source/ui/format.js';
import {createWizardActor} from '../../source/commands/plan-wizard.js';
import {listWorkspaceFiles} from '../../source/plan/workspace-tree.js';
import {WizardScreen} from '../../source/ui/wizard/wizard-screen.js';
import type {OrchestratorContext} from '../../source/machine/types.js';
import type {Plan} from '../../source/plan/types.js';
import {ARROW_DOWN, ENTER, ESCAPE, FakeView, MemoryStore, NOW, PAGE_DOWN, T0, eventually, makeContext, plain, samplePlan, setSize, task, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

async function mount(state: string, context: OrchestratorContext, columns: number, rows: number, extra: {onEditPlanFile?: () => void} = {}) {
	const view = new FakeView(state, context);
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} {...extra} />);
	setSize(app.stdout, columns, rows);
	await tick();
	return {app, view, frame: () => plain(app.lastFrame()), lines: () => plain(app.lastFrame()).split('\n')};
}

const press = async (app: ReturnType<typeof render>, ...keys: string[]) => {
	for (const key of keys) {
		app.stdin.write(key);
		await tick();
	}
};

test('? lists the keys of the screen it is opened on, and the plan review lists e', async () => {
	const screens: Array<[string, RegExp, RegExp]> = [
		['reviewing', /Keys · plan review[\s\S]*e +edit the plan file in \$EDITOR/, /approve this phase/],
		['awaitingApproval', /Keys · phase approval[\s\S]*approve this and all later phases/, /grant the path/],
		['running', /Keys · live grid[\s\S]*move the focus[\s\S]*Task log/, /approve this phase/],
		['conflict', /Keys · conflict[\s\S]*grant the path to the task/, /approve this phase/],
		['phaseFailed', /Keys · phase failed[\s\S]*retry the failed tasks/, /approve this phase/],
		['done', /Keys · summary[\s\S]*write the revised plan back/, /approve this phase/],
	];
	for (const [state, shows, hides] of screens) {
		const context = state === 'conflict' ? makeContext(samplePlan(), {conflicts: [{id: 1, taskId: 'db-logging', path: 'src/x.ts', how: 'watcher', changeKind: 'change', suspects: ['db-logging'], phaseIndex: 0}] as never}) : makeContext();
		const {app, frame} = await mount(state, context, 120, 40);
		await press(app, '?');
		assert.match(frame(), shows, state);
		assert.doesNotMatch(frame(), hides, state);
		app.unmount();
	}
});

test('help at 80x24 fits, scrolls with arrows and PgDn to its last line, and closes', async () => {
	const {app, frame, lines} = await mount('conflict', makeContext(samplePlan(), {conflicts: [{id: 1, taskId: 'db-logging', path: 'src/x.ts', how: 'watcher', changeKind: 'change', suspects: ['db-logging'], phaseIndex: 0}] as never}), 80, 24);
	await press(app, '?');
	assert.ok(lines().length <= 23);
	assert.match(frame(), /Keys · conflict +lines 1-19 of \d+ ↓/);
	assert.match(frame(), /↑↓ PgUp PgDn scroll · \? esc q close/);
	await press(app, ARROW_DOWN);
	await eventually(() => assert.match(plain(app.lastFrame()), /lines 2-20 of/));
	await press(app, PAGE_DOWN);
	await eventually(() => assert.match(plain(app.lastFrame()), /lines \d+-24 of 24 │/));
	// The end: "Anywhere" and its last key are in view; nothing says "make the terminal taller".
	await eventually(() => assert.match(plain(app.lastFrame()), /Anywhere[\s\S]*twice: stop everything now/));
	assert.doesNotMatch(frame(), /taller/);
	assert.ok(lines().length <= 23);
	app.stdin.write(ESCAPE);
	await eventually(() => assert.doesNotMatch(plain(app.lastFrame()), /Keys ·/));
});

test('key bar: wraps between keys when allowed, else folds the rest into "? more keys" keeping the last key', () => {
	const keys = [['1-9', 'pick culprit'], ['g', 'grant'], ['d', 'defer'], ['s', 'skip'], ['e', 'edit'], ['tab', 'focus'], ['enter', 'log'], ['?', 'keys'], ['q', 'abort']] as const;
	const one = keyBarLines(keys, 50);
	assert.equal(one.length, 1);
	assert.ok(one[0]!.length <= 50);
	assert.match(one[0]!, /q abort · \? more keys$/);
	assert.doesNotMatch(one[0]!, /…/);
	const two = keyBarLines(keys, 50, 2);
	assert.equal(two.length, 2);
	assert.match(two.join('\n'), /1-9 pick culprit[\s\S]*q abort$/);
	assert.equal(keyBarLines([['enter', 'next'], ['esc', 'quit']], 80).join(''), ' enter next · esc quit');
	assert.match(keyBarLines(keys, 20)[0]!, new RegExp(`${foldHint.replace('?', '\\?')}$`));
});

test('header at 80 columns keeps n/total; the bar shrinks and goes first', () => {
	const counts = runCounts(makeContext());
	const input = {name: 'add-logging', phaseLong: 'phase 1 of 3 · logging', phaseShort: 'phase 1/3', note: 'waiting for you', elapsedWidth: 5, counts};
	const wide = fitHeader({...input, width: 140});
	assert.deepEqual([wide.barWidth, wide.note, wide.counts], [12, true, 'long']);
	const narrow = fitHeader({...input, width: 80});
	assert.equal(narrow.barWidth, 0);
	assert.equal(narrow.note, false);
	const tiny = fitHeader({...input, width: 50});
	assert.equal(tiny.phase, 'phase 1/3');
});

test('80x24 screens: the header shows n/total on approval and the grid', async () => {
	for (const state of ['awaitingApproval', 'running']) {
		const {app, lines} = await mount(state, makeContext(samplePlan(), {tasks: {'api-logging': taskRun('api-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000})}}), 80, 24);
		assert.match(lines()[0]!, / 1\/5$/, state);
		assert.ok(lines()[0]!.length <= 80);
		app.unmount();
	}
});

function commandPlan(): Plan {
	return {
		name: 'demo',
		pattern: 'module',
		ignore: [],
		verify: [],
		phases: [
			{
				name: 'modules',
				mode: 'parallel',
				tasks: [
					task('api', ['src/api/**'], {title: 'API handlers', run: 'node scripts/work.mjs src/api --seconds 5'}),
					task('db', ['src/db/**'], {title: 'Storage', run: 'node scripts/work.mjs src/db --seconds 6 --needs src/index.js'}),
					task('notes', [], {title: 'Release notes', run: undefined, prompt: 'Write the release notes for the logging change, in docs/notes.md, short.'}),
				],
			},
		],
	};
}

test('review at 80 columns: the differing part of each command, an agent task\'s title, "owns nothing"', async () => {
	const {frame, lines} = await mount('reviewing', makeContext(commandPlan(), {planFile: 'plans/demo.yaml'}), 80, 24);
	const text = frame();
	assert.match(text, /├── api +src\/api\/\*\* +API handlers +…src\/api --seconds 5/);
	assert.match(text, /├── db +src\/db\/\*\* +Storage +…src\/db --seconds 6/);
	assert.match(text, /└── notes +owns nothing +Release notes +claude -p/);
	assert.doesNotMatch(text, /owns {2}\(0 files\)/);
	assert.ok(lines().every(line => line.length <= 80));
	assert.equal(sharedPrefixWords(['node a.mjs x', 'node a.mjs y']), 2);
	assert.equal(sharedPrefixWords(['npm test', 'npm test']), 1);
	const tasks = commandPlan().phases[0]!.tasks;
	assert.equal(sharedWordsFor(tasks, 80), 0);
	assert.equal(sharedWordsFor(tasks, 30), sharedRunWords(tasks));
	assert.equal(commandColumn(tasks[0]!, commandPlan(), 30, sharedRunWords(tasks)), '…src/api --seconds 5');
});

test('approval at 80 columns: owned file counts get their width before padding; no empty reads column', async () => {
	const view = new FakeView('awaitingApproval', makeContext(commandPlan()));
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} ownedFileCounts={{api: 12, db: 3, notes: 0}} />);
	setSize(app.stdout, 80, 24);
	await tick();
	const text = plain(app.lastFrame());
	assert.match(text, /api +owns src\/api\/\*\* \(12 files\) +…src\/api --seconds 5/);
	assert.match(text, /db +owns src\/db\/\*\* \(3 files\) +…src\/db --seconds 6/);
	assert.match(text, /notes +owns nothing +claude -p/);
});

test('validation findings wrap under themselves instead of ending in …', async () => {
	const message = 'owns glob "m1/**" of task "api" matches no file yet. Fine for files the task will create; check the path otherwise.';
	const context = makeContext(commandPlan(), {
		report: {valid: true, errors: [], warnings: [{severity: 'warning', code: 'ownership.no-match', message, file: 'plans/demo.yaml', line: 14, column: 9, tasks: ['api'], paths: []}]},
	});
	const {frame, lines} = await mount('reviewing', context, 80, 24);
	assert.doesNotMatch(frame(), /matches no file yet[^\n]*…/);
	assert.match(frame(), /! owns glob "m1\/\*\*" of task "api" matches no file yet\.[^\n]*\n +│ +[^\n]*check the path otherwise\.[^\n]*\n? *│? *\(plans\/demo\.yaml:14:9\)/);
	assert.ok(lines().every(line => line.length <= 80));
});

test('summary: paths relative to the current folder, wrapped at 80 columns', async () => {
	const ws = '/home/someone/projects/a-rather-long-project-name/with/a/deep/workspace';
	const context = makeContext(samplePlan(), {workspace: ws, planFile: `${ws}/plans/add-logging.yaml`, endedAt: T0 + 60_000, revisions: [{number: 1, decision: 'as started', plan: samplePlan()}, {number: 2, decision: 'defer db-logging (needs src/shared/logger.ts)', plan: samplePlan()}]});
	const view = new FakeView('done', context);
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => {}} color={false} now={NOW} onWriteBack={async () => {}} />);
	setSize(app.stdout, 80, 24);
	await tick();
	const text = plain(app.lastFrame());
	// The process's folder is not the workspace here: the path is whole, wrapped, never cut.
	assert.ok(text.replace(/\s+/g, '').includes(`logsandjournal:${ws}/.fanout/runs/2026-11-27T17-02-11`), text);
	assert.ok(text.split('\n').every(line => line.length <= 80));
	assert.doesNotMatch(text, /…\n/);
	assert.equal(displayPath(`${ws}/.fanout/runs/x`, ws), '.fanout/runs/x');
	assert.equal(displayPath('/elsewhere/plan.yaml', ws), '/elsewhere/plan.yaml');
	assert.equal(displayPath('plans/a.yaml', ws), 'plans/a.yaml');
});

test('wrapText breaks at spaces and after / in long paths; wrapHanging indents the rest', () => {
	assert.deepEqual(wrapText('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
	assert.deepEqual(wrapText('/tmp/a/b/c/d', 6), ['/tmp/', 'a/b/c/', 'd']);
	assert.deepEqual(wrapText('see (plans/demo.yaml:1:2)', 12), ['see', '(plans/', 'demo.yaml:1:', '2)']);
	assert.deepEqual(wrapHanging('key  some words here', 10, '     '), ['key  some', '     words', '     here']);
});

const tsApp = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos', 'ts-app');

test('wizard: ? shows the step\'s keys on the pattern step and on an empty goal; typed inside a goal', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-fit-'));
	try {
		cpSync(tsApp, dir, {recursive: true});
		const {files} = await listWorkspaceFiles(dir);
		const io = {stdout: () => undefined, stderr: () => undefined, cwd: dir, color: false, isTTY: true};
		const actor = createWizardActor({workspace: dir}, io, files, async () => {
			throw new Error('no planner');
		});
		actor.start();
		const app = render(<WizardScreen actor={actor} workspace="." color={false} />);
		setSize(app.stdout, 80, 24);
		await tick();
		const frame = () => plain(app.lastFrame());
		// Empty goal: ? is the help.
		await press(app, '?');
		await eventually(() => assert.match(plain(app.lastFrame()), /Keys · plan wizard · goal/));
		assert.equal(actor.getSnapshot().context.goal, '');
		app.stdin.write(ESCAPE);
		await eventually(() => assert.doesNotMatch(plain(app.lastFrame()), /Keys ·/));
		// Inside a goal, ? is a character.
		await press(app, 'W', 'h', 'y', '?');
		await eventually(() => assert.equal(actor.getSnapshot().context.goal, 'Why?'));
		assert.doesNotMatch(frame(), /Keys ·/);
		await press(app, ENTER);
		await eventually(() => assert.match(plain(app.lastFrame()), /How should the work be split/));
		await press(app, '?');
		await eventually(() => assert.match(plain(app.lastFrame()), /Keys · plan wizard · pattern[\s\S]*pick a way to split the work/));
		assert.ok(frame().split('\n').length <= 23);
		await press(app, 'q');
		await eventually(() => assert.match(plain(app.lastFrame()), /How should the work be split/));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('fanout --help: the words start in one column, and no line is wider than 80', () => {
	const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
	const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'source', 'cli.tsx'), '--help'], {encoding: 'utf8', cwd: root});
	assert.equal(result.status, 0);
	const rows = result.stdout.split('\n').filter(line => line.startsWith('  fanout'));
	assert.ok(rows.length >= 8);
	const columns = new Set(rows.map(line => /^ {2}fanout(?: \S+)? +/.exec(line)![0].length));
	assert.equal(columns.size, 1, result.stdout);
	assert.ok(result.stdout.split('\n').every(line => line.length <= 80), result.stdout);
});

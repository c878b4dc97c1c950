// Seeing the work: `d` opens a task's diff (coloured, scrollable, sanitized, cut at the width,
// honest when nothing is recorded), changed files with +/- on the summary and the approval
// screen, the isolation labels, and the conflict prompt's evidence and re-run words.

import './force-color.js';
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import type {Conflict, OrchestratorContext, TaskRun} from '../../source/machine/types.js';
import type {IsolationView, TaskChanges} from '../../source/ui/work-view.js';
import {ARROW_DOWN, ESCAPE, FakeView, eventually, MemoryStore, NOW, T0, makeContext, plain, samplePlan, setSize, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

const apiChanges: TaskChanges = {
	files: [
		{path: 'src/api/users.ts', status: 'modified', added: 2, removed: 1, binary: false},
		{path: 'src/api/new.ts', status: 'added', added: 1, removed: 0, binary: false},
	],
	patch: [
		'diff --git a/src/api/users.ts b/src/api/users.ts',
		'index 1111111..2222222 100644',
		'--- a/src/api/users.ts',
		'+++ b/src/api/users.ts',
		'@@ -1,2 +1,3 @@',
		'-const old = 1;',
		`+const log = "${'x'.repeat(200)}";`,
		// Task output is untrusted: a title-setting OSC and a colour must not reach the terminal.
		'+// \u001B]0;pwned\u0007done \u001B[31mred\u001B[0m',
		' export {};',
		'diff --git a/src/api/new.ts b/src/api/new.ts',
		'new file mode 100644',
		'--- /dev/null',
		'+++ b/src/api/new.ts',
		'@@ -0,0 +1 @@',
		'+export const added = true;',
		'',
	].join('\n'),
};

function doneContext(extra: Partial<OrchestratorContext> = {}): OrchestratorContext {
	const plan = samplePlan();
	const tasks: Record<string, TaskRun> = {};
	plan.phases.forEach((phase, phaseIndex) => {
		for (const t of phase.tasks) tasks[t.id] = taskRun(t.id, phaseIndex, {status: 'passed', startedAt: T0, endedAt: T0 + 5000, exitCode: 0});
	});
	return makeContext(plan, {phases: ['passed', 'passed', 'passed'], tasks, endedAt: T0 + 20_000, outcome: 'passed', ...extra});
}

type MountOptions = {
	readonly state: string;
	readonly context: OrchestratorContext;
	readonly changes?: Readonly<Record<string, TaskChanges>>;
	readonly isolation?: IsolationView;
	readonly color?: boolean;
	readonly columns?: number;
	readonly rows?: number;
};

function mount({state, context, changes = {}, isolation, color = false, columns = 120, rows = 40}: MountOptions) {
	const view = new FakeView(state, context);
	const lookups: string[] = [];
	const taskChanges = (id: string) => {
		lookups.push(id);
		return changes[id];
	};
	const isolationOf = isolation ? () => isolation : undefined;
	const app = render(
		<App actor={view} store={new MemoryStore()} onExit={() => {}} color={color} now={NOW} taskChanges={taskChanges} {...(isolationOf ? {isolation: isolationOf} : {})} />,
	);
	setSize(app.stdout, columns, rows);
	return {app, view, lookups};
}

test('summary: d opens the selected task`s diff, coloured, with its files first; esc goes back', async () => {
	const {app} = mount({state: 'done', context: doneContext(), changes: {'api-logging': apiChanges}, color: true});
	await tick();
	app.stdin.write('d');
	await eventually(() => assert.match(plain(app.lastFrame()), /diff · api-logging/));
	const raw = app.lastFrame() ?? '';
	const frame = plain(raw);
	assert.match(frame, /diff · api-logging · 2 files \+3 -1/);
	assert.match(frame, /src\/api\/users\.ts \+2 -1/);
	assert.match(frame, /src\/api\/new\.ts \(added\) \+1 -0/);
	assert.match(frame, /@@ -1,2 \+1,3 @@/);
	// + green, - red, hunk headers cyan, file headers bold.
	assert.match(raw, /\u001B\[32m\+export const added = true;/);
	assert.match(raw, /\u001B\[31m-const old = 1;/);
	assert.match(raw, /\u001B\[36m@@ -0,0 \+1 @@/);
	assert.match(raw, /\u001B\[1mdiff --git a\/src\/api\/users\.ts/);
	// The task's own escape sequences are gone: no title change, no colour of its own.
	assert.doesNotMatch(raw, /\u001B\]0;pwned/);
	assert.doesNotMatch(raw, /\u001B\[31mred/);
	assert.match(frame, /\+\/\/ done red/);
	app.stdin.write(ESCAPE);
	await eventually(() => assert.match(plain(app.lastFrame()), /phase +task +status/));
});

test('the diff fits the terminal, cuts long lines at the width, scrolls, and paints nothing without colour', async () => {
	const {app} = mount({state: 'done', context: doneContext(), changes: {'api-logging': apiChanges}, columns: 80, rows: 12});
	await tick();
	app.stdin.write('d');
	await tick();
	const raw = app.lastFrame() ?? '';
	assert.doesNotMatch(raw, /\u001B\[3[0-9]m/);
	const lines = plain(raw).split('\n');
	assert.ok(lines.length <= 11, `at most rows-1 lines, got ${lines.length}`);
	assert.ok(lines.every(line => line.length <= 80), 'no line is wider than the terminal');
	assert.match(raw, /line 9 of 18/);
	assert.doesNotMatch(raw, /export const added/);
	app.stdin.write('G');
	await eventually(() => assert.match(plain(app.lastFrame()), /\+export const added = true;/));
	assert.match(plain(app.lastFrame()), /line 18 of 18/);
	app.stdin.write('g');
	await tick();
	app.stdin.write(ARROW_DOWN);
	await eventually(() => assert.match(plain(app.lastFrame()), /line 10 of 18/));
});

test('d on a running task in the grid says its changes come when it ends; shared mode without git says so', async () => {
	const context = makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'running', startedAt: T0}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'running', startedAt: T0}),
		},
	});
	const {app} = mount({state: 'running', context, isolation: {mode: 'shared'}});
	await tick();
	assert.match(plain(app.lastFrame()), /d diff/);
	app.stdin.write('d');
	await tick();
	assert.match(plain(app.lastFrame()), /api-logging is still running: its changes are recorded when it ends\./);
	app.stdin.write(ESCAPE);
	await tick(60);
	assert.match(plain(app.lastFrame()), /d diff/);
	app.stdin.write('\t');
	// The focus moves to db-logging (its pane gets the heavy border) before d is pressed.
	await eventually(() => assert.match(plain(app.lastFrame()), /║ \S+ db-logging/));
	app.stdin.write('d');
	await eventually(() => assert.match(plain(app.lastFrame()), /Changes unknown: in shared mode without git, fanout records no diff for db-logging\./));
});

test('summary: a files column with +/- and the selected task`s files; at 80 columns the count stays', async () => {
	const changes = {'api-logging': apiChanges, 'db-logging': {files: [{path: 'src/db/pool.ts', status: 'deleted' as const, added: 0, removed: 7, binary: false}], patch: ''}};
	const wide = mount({state: 'done', context: doneContext(), changes});
	await tick();
	let frame = plain(wide.app.lastFrame());
	assert.match(frame, /api-logging +✓ passed +\d\d:\d\d +2 \+3 -1(\s|$)/);
	assert.match(frame, /db-logging +✓ passed +\d\d:\d\d +1 \+0 -7(\s|$)/);
	assert.match(frame, /api-logging changed: src\/api\/users\.ts \+2 -1 · src\/api\/new\.ts \(added\) \+1 -0/);
	wide.app.stdin.write(ARROW_DOWN);
	await tick();
	frame = plain(wide.app.lastFrame());
	assert.match(frame, /db-logging changed: src\/db\/pool\.ts \(deleted\) \+0 -7/);
	cleanup();
	const narrow = mount({state: 'done', context: doneContext(), changes, columns: 80, rows: 24});
	await tick();
	frame = plain(narrow.app.lastFrame());
	assert.match(frame, /api-logging +✓ passed +\d\d:\d\d +2(\s|$)/);
	assert.ok(frame.split('\n').every(line => line.length <= 80));
});

test('phase approval: the isolation, worktree progress, and what the earlier phases changed', async () => {
	const context = makeContext(samplePlan(), {
		phaseIndex: 1,
		phases: ['passed', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000}),
			'logging-tests': taskRun('logging-tests', 1),
			'logging-docs': taskRun('logging-docs', 2),
		},
	});
	const {app} = mount({state: 'awaitingApproval', context, changes: {'api-logging': apiChanges}, isolation: {mode: 'worktree', progress: {done: 3, total: 8}}});
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /isolation: worktree \(each task in its own git worktree; a stray write has one author\) · preparing worktrees 3\/8/);
	assert.match(frame, /Changed by earlier phases:/);
	assert.match(frame, /api-logging +2 files \+3 -1 +src\/api\/users\.ts \+2 -1 · src\/api\/new\.ts \(added\) \+1 -0/);
	assert.doesNotMatch(frame, /db-logging +\d+ files?/);
});

test('plan review: shared isolation points at worktree isolation; worktree progress shows in the grid header', async () => {
	const review = mount({state: 'reviewing', context: makeContext(), isolation: {mode: 'shared'}});
	await tick();
	assert.match(plain(review.app.lastFrame()), /isolation: shared \(one working tree; in a git repo with a commit, isolation: worktree names culprits exactly\)/);
	cleanup();
	const context = makeContext(samplePlan(), {phases: ['running', 'pending', 'pending']});
	const grid = mount({state: 'running', context, isolation: {mode: 'worktree', progress: {done: 5, total: 8}}});
	await tick();
	assert.match(plain(grid.app.lastFrame()), /preparing worktrees 5\/8/);
});

const watcherConflict: Conflict = {id: 3, suspects: ['api-logging', 'db-logging', 'utils-logging'], path: 'History.md', how: 'watcher', changeKind: 'change', at: T0 + 10_000};

function conflictContext(conflict: Conflict, extra: Partial<OrchestratorContext> = {}): OrchestratorContext {
	return makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'conflicted', startedAt: T0}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 7000}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'conflicted', startedAt: T0}),
		},
		conflicts: [conflict],
		...extra,
	});
}

test('conflict in the shared tree: each suspect with what it was doing, and the worktree suggestion', async () => {
	const {app, view} = mount({state: 'conflict', context: conflictContext(watcherConflict), isolation: {mode: 'shared'}});
	await tick();
	let frame = plain(app.lastFrame());
	assert.match(frame, /1 api-logging +running at the time/);
	assert.match(frame, /2 db-logging +ended 00:03 before/);
	assert.match(frame, /3 utils-logging +running at the time/);
	assert.match(frame, /evidence: +one shared tree; isolation: worktree would name the culprit exactly/);
	app.stdin.write('1');
	await tick();
	frame = plain(app.lastFrame());
	assert.match(frame, /starts again: api-logging \(g: now, d: in a new phase; s and q: no\)/);
	assert.match(frame, /also starts again after g, d or s: utils-logging/);
	assert.match(frame, /partial changes stay in the working tree: the task starts on top of them/);
	app.stdin.write('d');
	await tick();
	assert.deepEqual(view.sent.at(-1), {type: 'conflict.decide', choice: 'defer', taskId: 'api-logging'});
});

test('conflict: evidence the engine attached wins; a passed culprit is not run again; a refusal shows its reason', async () => {
	const evidence = [
		{taskId: 'api-logging', state: 'running' as const},
		{taskId: 'db-logging', state: 'ended' as const, endedAgoMs: 6000},
	];
	const conflict = {...watcherConflict, suspects: ['api-logging', 'db-logging'], evidence} as Conflict;
	const {app} = mount({
		state: 'conflict',
		context: conflictContext(conflict, {refusal: 'db-logging already passed: defer would redo its work. Grant or skip it.'}),
		isolation: {mode: 'shared'},
	});
	await tick();
	let frame = plain(app.lastFrame());
	assert.match(frame, /2 db-logging +ended 00:06 before/);
	assert.match(frame, /Refused: db-logging already passed: defer would redo its work\. Grant or skip it\./);
	app.stdin.write('2');
	await tick();
	await tick();
	frame = plain(app.lastFrame());
	assert.match(frame, /db-logging already passed: its work is kept, it does not run again \(d is refused\)/);
	assert.match(frame, /give db-logging the path and accept the change as its work/);
	assert.match(frame, /also starts again after g, d or s: api-logging/);
});

test('conflict in worktree mode: the culprit is exact, and partial changes are not kept', async () => {
	const conflict: Conflict = {id: 4, taskId: 'utils-logging', suspects: ['utils-logging'], path: 'History.md', how: 'phase-end-scan', changeKind: 'change', at: T0 + 10_000};
	const {app} = mount({state: 'conflict', context: conflictContext(conflict), isolation: {mode: 'worktree'}});
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /evidence: +the change is in utils-logging's own worktree: the culprit is exact/);
	assert.match(frame, /starts again: utils-logging/);
	assert.match(frame, /partial changes: none kept \(a task that starts again gets a fresh worktree\)/);
	assert.ok(frame.split('\n').length <= 39);
});

test('phase failed: r names the tasks it starts again and what happens to their partial changes', async () => {
	const context = makeContext(samplePlan(), {
		phases: ['failed', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'failed', startedAt: T0, endedAt: T0 + 1000, exitCode: 1, reason: 'exit code 1'}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'stopped', startedAt: T0, endedAt: T0 + 1000}),
		},
	});
	const shared = mount({state: 'phaseFailed', context, isolation: {mode: 'shared'}});
	await tick();
	assert.match(plain(shared.app.lastFrame()), /r starts again: api-logging, utils-logging · partial changes stay in the working tree/);
	cleanup();
	const worktree = mount({state: 'phaseFailed', context, isolation: {mode: 'worktree'}});
	await tick();
	assert.match(plain(worktree.app.lastFrame()), /r starts again: api-logging, utils-logging · partial changes: none kept/);
});

// The live grid: layout at 120x40 and 80x24, one column on small terminals, never more than
// rows-1 lines, paging, focus movement, stop and retry keys, and tails sampled by the clock.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {createClock} from '../../source/ui/hooks/clock.js';
import type {OrchestratorContext} from '../../source/machine/types.js';
import {
	ARROW_DOWN,
	ARROW_LEFT,
	ARROW_RIGHT,
	ENTER,
	ESCAPE,
	FakeView,
	MemoryStore,
	NOW,
	SHIFT_TAB,
	T0,
	TAB,
	eventually,
	makeContext,
	masked,
	plain,
	samplePlan,
	setSize,
	taskRun,
	tick,
	widePlan,
} from './helpers.js';

afterEach(() => cleanup());

function runningContext(): OrchestratorContext {
	return makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'running', attempts: 1, startedAt: T0, costUsd: 0.31}),
			'db-logging': taskRun('db-logging', 0, {status: 'running', attempts: 1, startedAt: T0 + 16_000, costUsd: 0.11}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'passed', attempts: 1, startedAt: T0, endedAt: T0 + 41_000, exitCode: 0}),
		},
	});
}

function filledStore(): MemoryStore {
	const store = new MemoryStore();
	store.tail('api-logging').push('edit src/api/users.ts', 'edit src/api/orders.ts', '$ npm test -- api', '  \u001b[32m✓ 41 passed\u001b[39m');
	store.tail('db-logging').push("I'll add a logger to the pool first.", 'edit src/db/pool.ts');
	store.tail('utils-logging').push('edited src/utils/log.ts', 'done: logging helpers added');
	return store;
}

async function mount(context: OrchestratorContext, columns: number, rows: number, store = filledStore(), state = 'running', color = false) {
	const view = new FakeView(state, context);
	const app = render(<App actor={view} store={store} onExit={() => {}} color={color} now={NOW} />);
	setSize(app.stdout, columns, rows);
	await tick();
	return {app, view, store};
}

const lines = (frame: string | undefined) => plain(frame).split('\n');
/** Pane top borders on one line: how many columns the grid has. */
const paneTops = (line: string) => (line.match(/[╭╔]/g) ?? []).length;

test('120x40: header, timeline and three panes side by side with their tails', async () => {
	const {app} = await mount(runningContext(), 120, 40);
	const frame = lines(app.lastFrame());
	assert.equal(
		masked(frame[0]),
		' fanout · add-logging   phase 9 of 9 · logging   ⏱ 99:99   9 running · 9 done · 9 failed   $9.99   ██░░░░░░░░░░ 9/9',
	);
	assert.equal(frame[1], ' Add logging to the API, DB and utils modules');
	assert.equal(frame[2], ' ● logging ─── ○ tests ─── ○ docs');
	assert.equal(paneTops(frame[3] ?? ''), 3);
	assert.match(masked(frame[4]), /^║ \* api-logging · API endpoints +99:99 ║│ \* db-logging · Database layer +99:99 ││ ✓ utils-logging · Utilities +99:99 │$/);
	assert.match(frame[5] ?? '', /║ src\/api\/\*\* +\$0\.31 ║│ src\/db\/\*\* +\$0\.11 ││ src\/utils\/\*\* +exit 0 │/);
	assert.match(frame[6] ?? '', /edit src\/api\/users\.ts .*I'll add a logger to the pool first\. .*edited src\/utils\/log\.ts/);
	assert.match(frame[9] ?? '', /✓ 41 passed/);
	assert.equal(frame.at(-1), ' ←↑↓→ focus · enter log · d diff · x stop · r retry · ? keys · q quit');
	assert.equal(frame.length, 39);
	// Elapsed comes from the injected clock: api started at T0, now is T0 + 2:14.
	assert.match(frame[4] ?? '', /02:14 ║/);
});

test('80x24: two columns; narrower than 60 or shorter than 15: one column', async () => {
	const wide = await mount(runningContext(), 80, 24);
	assert.equal(paneTops(lines(wide.app.lastFrame())[3] ?? ''), 2);
	wide.app.unmount();
	for (const [columns, rows] of [
		[59, 30],
		[120, 14],
	] as const) {
		const small = await mount(runningContext(), columns, rows);
		const frame = lines(small.app.lastFrame());
		assert.ok(frame.every(line => paneTops(line) <= 1), `one column at ${columns}x${rows}`);
		assert.ok(frame.length <= rows - 1);
		small.app.unmount();
	}
});

test('resizing re-lays the grid out', async () => {
	const {app} = await mount(runningContext(), 120, 40);
	assert.equal(paneTops(lines(app.lastFrame())[3] ?? ''), 3);
	setSize(app.stdout, 80, 24);
	await eventually(() => assert.equal(paneTops(lines(app.lastFrame())[3] ?? ''), 2));
	assert.ok(lines(app.lastFrame()).length <= 23);
});

test('never more than rows-1 lines, whatever the size, screen or overlay', async () => {
	const sizes = [
		[120, 40],
		[80, 24],
		[200, 50],
		[59, 20],
		[100, 14],
		[40, 8],
		[30, 5],
	] as const;
	const conflict = {id: 1, taskId: 'db-logging', suspects: ['db-logging'], path: 'src/shared/logger.ts', how: 'watcher', at: T0} as const;
	const cases: Array<[string, OrchestratorContext]> = [
		['running', runningContext()],
		['running', makeContext(widePlan(12), {phases: ['running']})],
		['conflict', {...runningContext(), conflicts: [conflict]}],
		['awaitingApproval', makeContext(widePlan(30))],
		['reviewing', makeContext(widePlan(30))],
		['phaseFailed', runningContext()],
		['done', makeContext(widePlan(30))],
		['verifying', runningContext()],
	];
	for (const [state, context] of cases) {
		// One mount per screen, resized through every size, as a user dragging the window would.
		const {app} = await mount(context, 120, 40, filledStore(), state);
		for (const [columns, rows] of sizes) {
			setSize(app.stdout, columns, rows);
			await tick();
			const count = lines(app.lastFrame()).length;
			assert.ok(count <= rows - 1, `${state} at ${columns}x${rows}: ${count} lines`);
		}
		app.unmount();
	}
});

test('many tasks at 80x24: a row per task with its last line, the focused pane beside; the focus moves down the rows', async () => {
	const plan = widePlan(12);
	const store = new MemoryStore();
	plan.phases[0]!.tasks.forEach((t, i) => store.tail(t.id).push(`${t.id} first`, `${t.id} line ${i + 1}`));
	const running = Object.fromEntries(plan.phases[0]!.tasks.map(t => [t.id, taskRun(t.id, 0, {status: 'running', attempts: 1, startedAt: T0})]));
	const {app} = await mount(makeContext(plan, {phases: ['running'], tasks: running}), 80, 24, store);
	const first = plain(app.lastFrame());
	// Every task's row, with its last output line; the focused task's pane shows its tail.
	for (let i = 1; i <= 12; i++) assert.match(first, new RegExp(`t${String(i).padStart(2, '0')} +02:14 t${String(i).padStart(2, '0')} line ${i}\\b`));
	assert.match(first, /║ t01 first +║/);
	assert.ok(lines(app.lastFrame()).length <= 23);
	app.stdin.write(ARROW_DOWN);
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	const moved = plain(app.lastFrame());
	assert.match(moved, /›\S+ t03 /);
	assert.match(moved, /║ t03 first +║/);
	assert.match(await focusedLog(app), /t03/);
});

test('40 tasks at 120x40: every row on one screen with its output, the focused pane below; at 80x24 rows page', async () => {
	const plan = widePlan(40);
	const store = new MemoryStore();
	plan.phases[0]!.tasks.forEach(t => store.tail(t.id).push(`${t.id} is working`));
	const running = Object.fromEntries(plan.phases[0]!.tasks.map(t => [t.id, taskRun(t.id, 0, {status: 'running', attempts: 1, startedAt: T0})]));
	const {app} = await mount(makeContext(plan, {phases: ['running'], tasks: running}), 120, 40, store);
	const frame = plain(app.lastFrame());
	for (let i = 1; i <= 40; i++) assert.match(frame, new RegExp(`t${String(i).padStart(2, '0')} +02:14 t${String(i).padStart(2, '0')} is working`));
	assert.doesNotMatch(frame, /more ↓/);
	assert.ok(lines(app.lastFrame()).length <= 39);
	// Right moves a column of rows; Tab walks on.
	app.stdin.write(ARROW_RIGHT);
	await tick();
	assert.match(plain(app.lastFrame()), /›\S+ t21 /);
	// At 80x24 (no goal line: 20 lines for the grid) the 40 rows still fit, in two columns, without the pane.
	setSize(app.stdout, 80, 24);
	await tick();
	const small = plain(app.lastFrame());
	assert.ok(lines(app.lastFrame()).length <= 23);
	for (let i = 1; i <= 40; i++) assert.match(small, new RegExp(`t${String(i).padStart(2, '0')} +02:14 t${String(i).padStart(2, '0')} is working`));
	assert.match(small, /›\S+ t21 /);
	// With a goal line there are 19: rows page, one line says where.
	const {app: paged} = await mount(makeContext({...plan, goal: 'Forty at once'}, {phases: ['running'], tasks: running}), 80, 24, store);
	assert.match(plain(paged.lastFrame()), /page 1 of 2/);
	for (let i = 0; i < 39; i++) paged.stdin.write(TAB);
	// 39 keys, one frame each: on a busy machine that is more than one short tick.
	await eventually(() => assert.match(plain(paged.lastFrame()), /›\S+ t40 /));
	assert.match(plain(paged.lastFrame()), /page 2 of 2/);
	assert.ok(lines(paged.lastFrame()).length <= 23);
});

async function focusedLog(app: ReturnType<typeof render>): Promise<string> {
	app.stdin.write(ENTER);
	await eventually(() => assert.match(plain(app.lastFrame()), /esc back/));
	const header = lines(app.lastFrame())[0] ?? '';
	app.stdin.write(ESCAPE);
	await eventually(() => assert.match(plain(app.lastFrame()), /enter log/));
	return header;
}

/** Waits until the focused pane (double border without colour) is the task matching `task`. */
async function focusMoved(app: ReturnType<typeof render>, task: RegExp): Promise<void> {
	const title = new RegExp(`║ \\S ${task.source}`);
	await eventually(() => assert.ok(lines(app.lastFrame()).some(line => title.test(line)), `focus on ${task}`));
}

test('arrows, h/j/k/l, Tab and Shift-Tab move the focus; Enter opens that task', async () => {
	const {app} = await mount(runningContext(), 120, 40);
	assert.match(await focusedLog(app), /api-logging/);
	app.stdin.write(ARROW_RIGHT);
	await focusMoved(app, /db-logging/);
	assert.match(await focusedLog(app), /db-logging/);
	app.stdin.write('l');
	await focusMoved(app, /utils-logging/);
	assert.match(await focusedLog(app), /utils-logging/);
	app.stdin.write(ARROW_LEFT);
	await focusMoved(app, /db-logging/);
	app.stdin.write('h');
	await focusMoved(app, /api-logging/);
	assert.match(await focusedLog(app), /api-logging/);
	app.stdin.write(ARROW_DOWN);
	await tick();
	// One row only: down stays put.
	assert.match(await focusedLog(app), /api-logging/);
	app.stdin.write(SHIFT_TAB);
	await focusMoved(app, /utils-logging/);
	assert.match(await focusedLog(app), /utils-logging/);
	app.stdin.write(TAB);
	await focusMoved(app, /api-logging/);
	assert.match(await focusedLog(app), /api-logging/);
});

test('x stops the focused running task after asking; r retries a failed one', async () => {
	const context = runningContext();
	const {app, view} = await mount(
		{...context, tasks: {...context.tasks, 'utils-logging': taskRun('utils-logging', 0, {status: 'failed', exitCode: 2, startedAt: T0, endedAt: T0 + 1000})}},
		120,
		40,
	);
	app.stdin.write('x');
	await tick();
	assert.match(plain(app.lastFrame()), /Stop api-logging\? Its process group is killed\./);
	app.stdin.write('y');
	await tick();
	app.stdin.write('r');
	await tick();
	assert.deepEqual(view.sent, [{type: 'task.stop', taskId: 'api-logging'}]);
	app.stdin.write(SHIFT_TAB);
	await tick();
	app.stdin.write('x');
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /Stop utils-logging/);
	app.stdin.write('r');
	await tick();
	assert.deepEqual(view.sent.at(-1), {type: 'task.retry', taskId: 'utils-logging'});
});

test('tails are sampled by the clock; an idle grid writes no frames', async () => {
	const context = makeContext(samplePlan(), {
		phases: ['running', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 5000}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 5000}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 5000}),
		},
	});
	const {app, store} = await mount(context, 120, 40);
	await tick(150);
	const before = app.frames.length;
	await tick(400);
	assert.equal(app.frames.length, before, 'no frame while nothing changes');
	store.tail('db-logging').push('a late line from db');
	await eventually(() => assert.match(plain(app.lastFrame()), /a late line from db/), 2000);
});

test('colour off strips the tails\' SGR; colour on keeps it', async () => {
	const off = await mount(runningContext(), 120, 40, filledStore(), 'running', false);
	assert.doesNotMatch(off.app.lastFrame() ?? '', /\u001b\[32m/);
	off.app.unmount();
	const on = await mount(runningContext(), 120, 40, filledStore(), 'running', true);
	assert.match(on.app.lastFrame() ?? '', /\u001b\[32m✓ 41 passed/);
});

test('verifying shows each verify command as a pane with its tail', async () => {
	const context = {
		...runningContext(),
		verify: [
			{index: 0, command: 'npm run lint', status: 'passed', exitCode: 0, startedAt: T0, endedAt: T0 + 2000},
			{index: 1, command: 'npm test', status: 'running', startedAt: T0 + 2000},
		] as const,
	};
	const store = filledStore();
	store.tail('verify:1').push('# tests 12');
	const {app} = await mount(context, 120, 40, store, 'verifying');
	const frame = plain(app.lastFrame());
	assert.match(frame, /verifying/);
	assert.match(frame, /✓ verify 1 · npm run lint/);
	assert.match(frame, /verify 2 · npm test/);
	assert.match(frame, /# tests 12/);
});

test('a pane re-renders only when its own tail moved; spinner steps do not re-render panes', async () => {
	const store = filledStore();
	const view = new FakeView('running', runningContext());
	// A live clock, so spinners and elapsed times really step during the test.
	const app = render(<App actor={view} store={store} onExit={() => {}} color={false} now={Date.now} />);
	setSize(app.stdout, 120, 40);
	await tick(100);
	const reads = () => ['api-logging', 'db-logging', 'utils-logging'].map(id => store.get(id)?.reads ?? 0);
	const before = reads();
	const framesBefore = app.frames.length;
	// Spinner steps last 250 ms to a second, depending on what frames cost on this machine.
	await tick(1200);
	assert.ok(app.frames.length > framesBefore, 'spinners stepped');
	assert.deepEqual(reads(), before, 'no pane re-rendered for a spinner step');
	store.tail('db-logging').push('db moved');
	await eventually(() => assert.match(plain(app.lastFrame()), /db moved/), 2000);
	const after = reads();
	assert.equal(after[0], before[0], 'api pane untouched');
	assert.ok((after[1] ?? 0) > (before[1] ?? 0), 'db pane re-rendered');
	assert.equal(after[2], before[2], 'utils pane untouched');
});

test('one clock tick makes at most one frame, whatever moved in it (spinners and several tails)', async () => {
	const store = filledStore();
	const view = new FakeView('running', runningContext());
	const clock = createClock(10);
	const app = render(<App actor={view} store={store} onExit={() => {}} color={false} clock={clock} />);
	setSize(app.stdout, 120, 40);
	// Past the mount and the resize's frames (slow on a loaded machine): counted from a tick on.
	await eventually(() => assert.ok(clock.tick() >= 2, 'the clock ticks'), 30_000);
	const frames = app.frames.length;
	const ticks = clock.tick();
	let n = 0;
	// Every tail moves between every two ticks, and the spinners step meanwhile.
	const feed = setInterval(() => {
		for (const id of ['api-logging', 'db-logging', 'utils-logging']) store.tail(id).push(`${id} line ${n++}`);
	}, 15);
	// Counted in ticks, not wall time: a loaded machine paces the clock down, which is its job.
	await eventually(() => assert.ok(clock.tick() - ticks >= 6, 'six ticks'), 30_000);
	clearInterval(feed);
	const drawn = app.frames.length - frames;
	const elapsed = clock.tick() - ticks;
	assert.ok(drawn >= 2, `tails moved on screen (${drawn} frames)`);
	assert.ok(drawn <= elapsed + 1, `${drawn} frames in ${elapsed} ticks`);
	app.unmount();
});

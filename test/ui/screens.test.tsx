// Plan review, phase failed, summary and start screens through their keys.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {StartScreen, type StartChoice} from '../../source/ui/screens/start-screen.js';
import {KeysProvider} from '../../source/ui/hooks/use-keys.js';
import type {OrchestratorContext} from '../../source/machine/types.js';
import type {Plan} from '../../source/plan/types.js';
import {ARROW_DOWN, CTRL_C, ENTER, eventually, FakeView, MemoryStore, NOW, T0, makeContext, plain, samplePlan, setSize, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

function mount(state: string, context: OrchestratorContext, onWriteBack?: (plan: Plan) => Promise<void>, onEditPlanFile?: () => void) {
	const view = new FakeView(state, context);
	const exits: number[] = [];
	const app = render(<App actor={view} store={new MemoryStore()} onExit={code => exits.push(code)} color={false} now={NOW} onWriteBack={onWriteBack} {...(onEditPlanFile ? {onEditPlanFile} : {})} />);
	setSize(app.stdout, 120, 40);
	return {view, app, exits};
}

test('review: the plan as a tree, findings by their task; enter starts', async () => {
	const context = makeContext(samplePlan(), {
		report: {
			valid: true,
			errors: [],
			warnings: [
				{severity: 'warning', code: 'ownership.no-match', message: 'utils-logging owns src/utils/** which matches no file yet', file: 'plans/add-logging.yaml', line: 14, column: 9, tasks: ['utils-logging'], paths: []},
			],
		},
	});
	const {app, view} = mount('reviewing', context);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /fanout · add-logging · module · 3 phases · 5 tasks +plans\/add-logging\.yaml/);
	assert.match(frame, /Phase 1 \(parallel\): logging\n +├── api-logging +src\/api\/\*\* +API endpoints/);
	assert.match(frame, /└── utils-logging +src\/utils\/\*\* +Utilities .*\n +! utils-logging owns src\/utils\/\*\* which matches no file yet \(plans\/add-logging\.yaml:14:9\)/);
	assert.match(frame, /└── logging-tests +tests\/\*\* +after api-logging, db-logging, utils-logging/);
	assert.match(frame, /✓ valid · 1 warning/);
	assert.match(frame, /verify: npm run lint → npm test/);
	app.stdin.write(ENTER);
	await tick();
	assert.deepEqual(view.sent, [{type: 'plan.start'}]);
});

test('invalid: says what to fix; enter does nothing; q leaves with 2', async () => {
	const context = makeContext(samplePlan(), {
		report: {
			valid: false,
			errors: [{severity: 'error', code: 'ownership.overlap', message: 'api-logging and db-logging both own src/shared/x.ts', file: 'plans/add-logging.yaml', line: 9, column: 7, tasks: ['db-logging'], paths: []}],
			warnings: [],
		},
	});
	const {app, view, exits} = mount('invalid', context);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /✗ api-logging and db-logging both own src\/shared\/x\.ts/);
	assert.match(frame, /✗ invalid · 1 error: fix plans\/add-logging\.yaml and run again/);
	app.stdin.write(ENTER);
	await tick();
	assert.deepEqual(view.sent, []);
	app.stdin.write('q');
	await tick();
	assert.deepEqual(exits, [2]);
});

test('review e: leaves to edit the plan file, valid or not; without a file to edit there is no e', async () => {
	const invalidContext = makeContext(samplePlan(), {
		report: {
			valid: false,
			errors: [{severity: 'error', code: 'ownership.overlap', message: 'api-logging and db-logging both own src/shared/x.ts', file: 'plans/add-logging.yaml', line: 9, column: 7, tasks: ['db-logging'], paths: []}],
			warnings: [],
		},
	});
	for (const [state, context] of [['invalid', invalidContext], ['reviewing', makeContext()]] as const) {
		let edits = 0;
		const {app, view, exits} = mount(state, context, undefined, () => edits++);
		await tick();
		const frame = plain(app.lastFrame());
		assert.match(frame, state === 'invalid' ? /✗ invalid · 1 error: press e to fix plans\/add-logging\.yaml/ : /enter start · e edit plan · ↑↓ scroll/);
		assert.match(frame, /e edit plan/);
		app.stdin.write('e');
		await tick();
		assert.equal(edits, 1);
		assert.deepEqual([view.sent, exits], [[], []]);
		app.unmount();
	}
	const {app} = mount('reviewing', makeContext());
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /edit plan/);
});

function failedContext(): OrchestratorContext {
	return makeContext(samplePlan(), {
		phases: ['failed', 'pending', 'pending'],
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'passed', startedAt: T0, endedAt: T0 + 1000, exitCode: 0}),
			'db-logging': taskRun('db-logging', 0, {status: 'failed', startedAt: T0, endedAt: T0 + 1000, exitCode: 2}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'failed', startedAt: T0, endedAt: T0 + 10_000, reason: 'timed out after 10s'}),
		},
	});
}

test('phase failed: which tasks and why; r retries, c continues, q aborts after asking', async () => {
	const {app, view} = mount('phaseFailed', failedContext());
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /Phase 1 \(logging\): 2 of 3 tasks did not pass/);
	assert.match(frame, /✗ db-logging +exit code 2/);
	assert.match(frame, /✗ utils-logging +timed out after 10s/);
	assert.match(frame, /Continuing skips what depends on them: logging-tests, logging-docs\./);
	assert.match(frame, /r retry failed · c continue/);
	app.stdin.write('r');
	await tick();
	app.stdin.write('c');
	await tick();
	app.stdin.write('q');
	await tick();
	app.stdin.write('y');
	await tick();
	assert.deepEqual(view.sent, [{type: 'failed.retry'}, {type: 'failed.continue'}, {type: 'run.abort'}]);
});

function doneContext(): OrchestratorContext {
	const plan = samplePlan();
	const revised: Plan = {...plan, name: 'add-logging'};
	const passed = (id: string, phaseIndex: number, extra = {}) =>
		taskRun(id, phaseIndex, {status: 'passed', startedAt: T0, endedAt: T0 + 171_000, exitCode: 0, ...extra});
	return makeContext(plan, {
		phases: ['passed', 'passed', 'passed'],
		endedAt: T0 + 372_000,
		outcome: 'passed',
		revisions: [
			{number: 1, decision: 'as started', plan},
			{number: 2, decision: 'defer db-logging (needs src/shared/logger.ts)', conflictId: 1, plan: revised},
		],
		verify: [{index: 0, command: 'npm test', status: 'passed', exitCode: 0}],
		tasks: {
			'api-logging': passed('api-logging', 0, {costUsd: 0.31, changedFiles: ['a', 'b'], report: 'Added request logging to 12 endpoints; tests pass.'}),
			'db-logging': passed('db-logging', 0, {changedFiles: ['c']}),
			'utils-logging': passed('utils-logging', 0, {report: '\ndone: logging helpers added'}),
			'logging-tests': passed('logging-tests', 1),
			'logging-docs': passed('logging-docs', 2),
		},
	});
}

test('summary: every task, revisions with write-back, the run folder; q exits 0', async () => {
	const written: Plan[] = [];
	const context = doneContext();
	const {app, exits} = mount('done', context, async plan => {
		written.push(plan);
	});
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /fanout · add-logging · passed in 06:12 · 5 of 5 tasks passed · verify passed · \$0\.31 · exit 0 · 1\.7x faster in parallel/);
	assert.match(frame, /logging +api-logging +✓ passed +02:51 +2 +\$0\.31 +Added request logging to 12 endpoints; tests pass\./);
	assert.match(frame, /utils-logging +✓ passed +02:51 +0 +done: logging helpers added/);
	assert.match(frame, /plan revisions: r2 \(defer db-logging \(needs src\/shared\/logger\.ts\)\) · w write back to plans\/add-logging\.yaml/);
	assert.match(frame, /logs and journal: \/tmp\/ws\/\.fanout\/runs\/2026-11-27T17-02-11/);
	// Every task ran from 0:00 to 2:51 of a 6:12 run: bars of the same length, from the left.
	assert.match(frame, /timeline +00:00 +06:12/);
	assert.match(frame, /\n api-logging +█{20,30}\n/);
	// The bars start under the run's start.
	const lines = frame.split('\n');
	const axis = lines.find(line => line.includes('timeline'))!;
	const bar = lines.find(line => line.startsWith(' api-logging') && line.includes('█'))!;
	assert.equal(bar.indexOf('█'), axis.indexOf('00:00'));
	app.stdin.write('w');
	await tick();
	assert.deepEqual(written, [context.revisions[1]?.plan]);
	assert.match(plain(app.lastFrame()), /written to plans\/add-logging\.yaml/);
	app.stdin.write('q');
	await tick();
	assert.deepEqual(exits, [0]);
});

test('summary: a failed write-back is a line, not a crash; failed runs exit 1, Ctrl-C leaves too', async () => {
	const context = {...doneContext(), outcome: 'failed' as const};
	const {app, exits} = mount('failed', context, async () => {
		throw new Error('EACCES: permission denied');
	});
	await tick();
	app.stdin.write('w');
	await tick();
	assert.match(plain(app.lastFrame()), /could not write: EACCES: permission denied/);
	app.stdin.write(CTRL_C);
	await tick();
	app.stdin.write('q');
	await tick();
	assert.deepEqual(exits, [1, 1]);
});

test('summary: enter opens the selected task\'s log', async () => {
	const {app} = mount('done', doneContext());
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	app.stdin.write(ENTER);
	await tick();
	assert.match(plain(app.lastFrame()).split('\n')[0] ?? '', /db-logging · 02:51 · passed/);
});

test('start screen: plans and runs; enter opens the picked one', async () => {
	const opened: StartChoice[] = [];
	let quit = 0;
	const app = render(
		<KeysProvider>
			<StartScreen
				width={100}
				height={20}
				plans={[
					{file: '/work/app/plans/add-logging.yaml', name: 'add-logging', pattern: 'module', phases: 3, tasks: 5, valid: true},
					{file: 'plans/broken.yaml', name: 'broken', pattern: 'custom', phases: 1, tasks: 2, valid: false, problem: 'line 4: unknown field "own"'},
				]}
				runs={[
					{id: '2026-11-27T17-02-11', planName: 'add-logging', outcome: 'interrupted', resumable: true},
					{id: '2026-11-26T09-00-00', planName: 'add-logging', outcome: 'passed', resumable: false},
				]}
				onOpen={choice => opened.push(choice)}
				onQuit={() => quit++}
			/>
		</KeysProvider>,
	);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /add-logging +module +3 phases +5 tasks +✓ valid plans\/add-logging\.yaml/);
	assert.match(frame, /broken +custom +1 phase +2 tasks +✗ line 4: unknown field "own"/);
	assert.match(frame, /2026-11-27T17-02-11 +add-logging +interrupted +resumable/);
	// New plan closes the plans list, before the runs.
	assert.match(frame, /broken[^\n]*\n +\+ New plan… +the planning wizard[^\n]*\n *\n Recent runs/);
	app.stdin.write(ENTER);
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	assert.match(plain(app.lastFrame()), /enter new plan/);
	app.stdin.write(ENTER);
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	assert.match(plain(app.lastFrame()), /enter resume/);
	app.stdin.write(ENTER);
	await tick();
	app.stdin.write('q');
	await tick();
	assert.deepEqual(opened, [
		{kind: 'plan', file: '/work/app/plans/add-logging.yaml'},
		{kind: 'new'},
		{kind: 'run', id: '2026-11-27T17-02-11'},
	]);
	assert.equal(quit, 1);
});

test('start screen without plans: New plan is picked first; n opens it from anywhere', async () => {
	const opened: StartChoice[] = [];
	const app = render(
		<KeysProvider>
			<StartScreen
				width={100}
				height={12}
				plans={[]}
				runs={[{id: '2026-11-27T17-02-11', planName: 'add-logging', outcome: 'failed', resumable: true}]}
				onOpen={choice => opened.push(choice)}
				onQuit={() => {}}
			/>
		</KeysProvider>,
	);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /Plans \(none in \.\/plans\)\n +\+ New plan…/);
	assert.match(frame, /enter new plan · n new plan · q quit/);
	app.stdin.write(ENTER);
	await tick();
	app.stdin.write(ARROW_DOWN);
	await tick();
	assert.match(plain(app.lastFrame()), /enter resume/);
	app.stdin.write('n');
	await tick();
	assert.deepEqual(opened, [{kind: 'new'}, {kind: 'new'}]);
});

test('start screen: a long plan list scrolls with the pick and keeps New plan in view', async () => {
	const plans = Array.from({length: 12}, (_, i) => ({file: `plans/p${String(i + 1).padStart(2, '0')}.yaml`, name: `p${String(i + 1).padStart(2, '0')}`, pattern: 'module', phases: 1, tasks: 1, valid: true}));
	const opened: StartChoice[] = [];
	const app = render(
		<KeysProvider>
			<StartScreen width={100} height={13} plans={plans} runs={[]} onOpen={choice => opened.push(choice)} onQuit={() => {}} />
		</KeysProvider>,
	);
	await tick();
	let frame = plain(app.lastFrame());
	assert.equal(frame.split('\n').length, 13);
	assert.match(frame, /p01 /);
	assert.doesNotMatch(frame, /p12 /);
	assert.match(frame, /\+ New plan… .* · ↑↓ for 6 more plans\n/);
	// One key per write, each waited for (its frame drawn): keys written together may arrive as one chunk.
	for (let i = 0; i < 11; i++) {
		const drawn = app.frames.length;
		app.stdin.write(ARROW_DOWN);
		await eventually(() => assert.ok(app.frames.length > drawn, `key ${i + 1} drawn`));
	}
	frame = plain(app.lastFrame());
	assert.match(frame, /p12 /);
	assert.doesNotMatch(frame, /p01 /);
	assert.match(frame, /\+ New plan…/);
	app.stdin.write(ENTER);
	await eventually(() => assert.deepEqual(opened, [{kind: 'plan', file: 'plans/p12.yaml'}]));
});

test('validating: one spinner line while the plan is checked', async () => {
	const {app} = mount('validating', makeContext());
	await tick();
	assert.match(plain(app.lastFrame()), /checking plans\/add-logging\.yaml…/);
	assert.match(plain(app.lastFrame()), /ctrl-c quit/);
});

test('summary is idle: no frame is written while nothing changes', async () => {
	const {app} = mount('done', doneContext());
	await tick(100);
	const before = app.frames.length;
	await tick(300);
	assert.equal(app.frames.length, before);
});

// Phase approval, help, the abort confirmation and Ctrl-C, through the whole App.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import {App} from '../../source/ui/app.js';
import {CTRL_C, ENTER, ESCAPE, FakeView, eventually, MemoryStore, NOW, makeContext, plain, setSize, taskRun, tick} from './helpers.js';

afterEach(() => cleanup());

function mount(state = 'awaitingApproval') {
	const view = new FakeView(state, makeContext());
	const exits: number[] = [];
	const app = render(<App actor={view} store={new MemoryStore()} onExit={code => exits.push(code)} color={false} now={NOW} />);
	return {view, exits, app};
}

test('approval shows the phase, its tasks and what skipping also skips', async () => {
	const {app} = mount();
	setSize(app.stdout, 120, 40);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /phase 1 of 3 · logging · waiting for you/);
	assert.match(frame, /Phase 1 \(parallel\): logging, 3 tasks/);
	assert.match(frame, /api-logging +owns src\/api\/\*\* +reads src\/utils\/log\.ts +node scripts\/api-logging\.mjs/);
	assert.match(frame, /Skipping this phase also skips logging-tests, logging-docs\./);
	assert.match(frame, /a approve · A approve all phases · s skip phase · \? keys · q quit/);
});

test('a, enter, A and s send the approval events', async () => {
	const {app, view} = mount();
	await tick();
	for (const key of ['a', ENTER, 'A', 's']) {
		app.stdin.write(key);
		await tick();
	}
	assert.deepEqual(view.sent, [{type: 'phase.approve'}, {type: 'phase.approve'}, {type: 'phase.approveAll'}, {type: 'phase.skip'}]);
});

test('q asks before aborting: n keeps going, y aborts', async () => {
	const {app, view} = mount();
	await tick();
	app.stdin.write('q');
	await tick();
	assert.match(plain(app.lastFrame()), /Abort the run\? Running tasks are stopped\. y yes · n no/);
	// While the question shows, approval keys do nothing.
	app.stdin.write('a');
	await tick();
	assert.deepEqual(view.sent, []);
	app.stdin.write('n');
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /Abort the run/);
	app.stdin.write('q');
	await tick();
	app.stdin.write('y');
	await tick();
	assert.deepEqual(view.sent, [{type: 'run.abort'}]);
});

test('? shows every key; esc closes it', async () => {
	const {app} = mount();
	await tick();
	app.stdin.write('?');
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /Keys/);
	assert.match(frame, /approve this and all later phases/);
	app.stdin.write(ESCAPE);
	// A lone Escape is held back until Ink knows no sequence follows it.
	await eventually(() => assert.match(plain(app.lastFrame()), /Phase 1 \(parallel\)/));
	assert.doesNotMatch(plain(app.lastFrame()), /approve this and all later phases/);
});

test('Ctrl-C asks once; a second Ctrl-C sends SIGINT', async () => {
	const {app, view} = mount('running');
	await tick();
	app.stdin.write(CTRL_C);
	await tick();
	assert.match(plain(app.lastFrame()), /Press Ctrl-C again to stop now/);
	assert.deepEqual(view.sent, []);
	app.stdin.write(CTRL_C);
	await tick();
	assert.deepEqual(view.sent, [{type: 'run.signal', signal: 'SIGINT'}]);
});

test('Ctrl-C then esc goes on with the run', async () => {
	const {app, view} = mount('running');
	await tick();
	app.stdin.write(CTRL_C);
	await tick();
	app.stdin.write(ESCAPE);
	await eventually(() => assert.doesNotMatch(plain(app.lastFrame()), /Ctrl-C again/));
	assert.deepEqual(view.sent, []);
});

test('a confirmation left open is dropped when the machine moves on', async () => {
	const {app, view} = mount();
	await tick();
	app.stdin.write('q');
	await tick();
	view.set('running');
	await tick();
	assert.doesNotMatch(plain(app.lastFrame()), /Abort the run/);
});

test('approval names the agents found and the missing ones with how to install them', async () => {
	const view = new FakeView('awaitingApproval', makeContext());
	const asked: number[] = [];
	const app = render(
		<App
			actor={view}
			store={new MemoryStore()}
			onExit={() => undefined}
			color={false}
			now={NOW}
			phaseInfo={phaseIndex => {
				asked.push(phaseIndex);
				return {
					ownedFileCounts: {'api-logging': 12},
					agentsFound: ['claude'],
					agentsMissing: [{agent: 'codex', install: 'npm i -g @openai/codex', tasks: ['db-logging']}],
				};
			}}
		/>,
	);
	setSize(app.stdout, 160, 40);
	await tick();
	const frame = plain(app.lastFrame());
	assert.match(frame, /owns src\/api\/\*\* \(12 files\)/);
	assert.match(frame, /Agents found on PATH: claude\./);
	assert.match(frame, /codex is not installed \(needed by db-logging\): npm i -g @openai\/codex/);
	// The phase awaiting approval, and the later ones (A would start them without this screen).
	assert.deepEqual([...new Set(asked)], [0, 1, 2]);
});

/** The App on the approval screen, with agents missing for the phases listed in `missingIn`. */
function mountMissing(missingIn: readonly number[], context = makeContext()) {
	const view = new FakeView('awaitingApproval', context);
	const app = render(
		<App
			actor={view}
			store={new MemoryStore()}
			onExit={() => undefined}
			color={false}
			now={NOW}
			phaseInfo={phaseIndex => ({
				ownedFileCounts: {},
				agentsFound: [],
				agentsMissing: missingIn.includes(phaseIndex) ? [{agent: 'claude', install: 'npm i -g @anthropic-ai/claude-code', tasks: ['db-logging']}] : [],
			})}
		/>,
	);
	setSize(app.stdout, 160, 40);
	return {view, app};
}

test('a phase needing an agent that is not installed does not start: a, enter and A refuse, s skips', async () => {
	const {view, app} = mountMissing([0]);
	await tick();
	let frame = plain(app.lastFrame());
	assert.match(frame, /claude is not installed \(needed by db-logging\): npm i -g @anthropic-ai\/claude-code/);
	assert.match(frame, /This phase cannot start without it\. Install it and run again \(fanout resume\), or s to skip the phase\./);
	assert.doesNotMatch(frame, /a approve/, 'approve is not offered');
	assert.match(frame, /s skip phase/);
	for (const key of ['a', ENTER, 'A']) {
		app.stdin.write(key);
		await tick();
	}
	assert.deepEqual(view.sent, [], 'nothing approved');
	frame = plain(app.lastFrame());
	assert.match(frame, /This phase cannot start until the agent is installed: s skips it, q quits\./);
	app.stdin.write('s');
	await tick();
	assert.deepEqual(view.sent, [{type: 'phase.skip'}]);
});

test('A is refused while a later phase needs a missing agent; a still approves this one', async () => {
	const {view, app} = mountMissing([2]);
	await tick();
	app.stdin.write('A');
	await tick();
	assert.deepEqual(view.sent, []);
	assert.match(plain(app.lastFrame()), /Not all at once: phase 3 \(docs\) needs claude, not installed\. Approve phases one by one \(a\)\./);
	app.stdin.write('a');
	await tick();
	assert.deepEqual(view.sent, [{type: 'phase.approve'}]);
});

test('after "continue", the next approval marks the dependents skipped, with the reason', async () => {
	const context = makeContext(undefined, {
		phaseIndex: 1,
		phases: ['failed', 'pending', 'pending'],
		tasks: {'logging-tests': taskRun('logging-tests', 1, {status: 'skipped', reason: 'depends on db-logging, which failed'})},
	});
	const view = new FakeView('awaitingApproval', context);
	const app = render(<App actor={view} store={new MemoryStore()} onExit={() => undefined} color={false} now={NOW} />);
	setSize(app.stdout, 120, 40);
	await tick();
	assert.match(plain(app.lastFrame()), /logging-tests +skipped: depends on db-logging, which failed/);
});

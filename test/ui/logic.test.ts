// The UI's pure rules: grid layout, focus moves, overlays, status looks, counts, dependents,
// exit codes, the shared clock's timer running only while someone listens, and its pacing.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {gridLayout, isSmallTerminal, minFocusPaneHeight, moveFocus, moveRowFocus, paneGridLayout} from '../../source/ui/layout.js';
import {initialOverlay, overlayReducer, visibleOverlay} from '../../source/ui/hooks/overlay.js';
import {statusStyle, type AnyStatus} from '../../source/ui/theme.js';
import {dependentsOf, formatClock, progressBar, runCounts, taskCommand} from '../../source/ui/format.js';
import {exitCode as runExitCode} from '../../source/machine/exit-code.js';
import {parallelSpeedup} from '../../source/machine/selectors.js';
import {createClock, drawBudget, maxDelayMs, paceDelay, spinnerFrameAt, spinnerStepFor} from '../../source/ui/hooks/clock.js';
import {eventually, makeContext, samplePlan, T0, taskRun, task, tick} from './helpers.js';

test('gridLayout: columns by readable width, rows share the height', () => {
	const three = gridLayout({width: 120, height: 35, count: 3, focus: 0, oneColumn: false});
	assert.equal(three.columns, 3);
	assert.equal(three.paneWidth, 40);
	assert.equal(three.paneHeight, 35);
	assert.equal(three.moreLine, false);
	const two = gridLayout({width: 80, height: 20, count: 3, focus: 0, oneColumn: false});
	assert.deepEqual([two.columns, two.paneHeight], [2, 10]);
	assert.equal(gridLayout({width: 200, height: 20, count: 2, focus: 0, oneColumn: false}).columns, 2);
	assert.equal(gridLayout({width: 200, height: 20, count: 8, focus: 0, oneColumn: true}).columns, 1);
});

test('paneGridLayout: paging keeps the focused pane on the page, with a "+N more" line', () => {
	const layout = paneGridLayout({width: 80, height: 19, count: 12, focus: 0, oneColumn: false});
	assert.deepEqual([layout.start, layout.end, layout.after, layout.pages, layout.moreLine], [0, 8, 4, 2, true]);
	assert.ok(layout.paneHeight * 4 + 1 <= 19);
	const last = paneGridLayout({width: 80, height: 19, count: 12, focus: 11, oneColumn: false});
	assert.deepEqual([last.start, last.end, last.before, last.page], [8, 12, 8, 1]);
	const tiny = paneGridLayout({width: 40, height: 3, count: 5, focus: 4, oneColumn: true});
	assert.equal(tiny.list, true);
	assert.ok(tiny.end - tiny.start + 1 <= 3);
	assert.ok(tiny.start <= 4 && 4 < tiny.end);
});

test('gridLayout: panes with fewer than 3 output lines give way to the compact layout (a row per task and the focused pane)', () => {
	// Three tasks with room: the grid, every pane with at least 3 lines of output.
	const grid = gridLayout({width: 80, height: 19, count: 3, focus: 0, oneColumn: false});
	assert.equal(grid.compact, undefined);
	assert.ok(grid.paneHeight >= minFocusPaneHeight);
	// 40 tasks at 120x40 (35 lines for the grid): two columns of 20 rows, every task on one page, the pane below.
	const forty = gridLayout({width: 120, height: 35, count: 40, focus: 0, oneColumn: false});
	assert.deepEqual(forty.compact, {listColumns: 2, listRows: 20, rowWidth: 60, side: false, paneWidth: 120, paneHeight: 15});
	assert.deepEqual([forty.start, forty.end, forty.pages, forty.moreLine], [0, 40, 1, false]);
	// 20 tasks (grid panes would have 2 lines of output) fit one column: beside a full-height pane.
	const twenty = gridLayout({width: 120, height: 35, count: 20, focus: 0, oneColumn: false});
	assert.equal(twenty.compact?.side, true);
	assert.equal(twenty.compact?.paneHeight, 35);
	assert.ok((twenty.compact?.paneWidth ?? 0) >= 40);
	// 40 tasks at 80x24 (19 lines): pages of rows over a pane, one line for the page count.
	const narrow = gridLayout({width: 80, height: 19, count: 40, focus: 39, oneColumn: false});
	assert.ok(narrow.compact);
	assert.equal(narrow.moreLine, true);
	assert.ok(narrow.start <= 39 && 39 < narrow.end);
	assert.ok(narrow.compact.listRows + narrow.compact.paneHeight + 1 <= 19);
	assert.ok(narrow.compact.paneHeight >= minFocusPaneHeight);
	// Under a conflict prompt (6 lines): every row in view, the focused pane beside them.
	const squeezed = gridLayout({width: 80, height: 6, count: 3, focus: 0, oneColumn: false});
	assert.deepEqual([squeezed.compact?.listRows, squeezed.compact?.side, squeezed.compact?.paneHeight, squeezed.pages], [3, true, 6, 1]);
	// Too narrow to sit beside and too short for a pane below: rows alone.
	const alone = gridLayout({width: 60, height: 6, count: 3, focus: 0, oneColumn: false});
	assert.deepEqual([alone.compact?.listRows, alone.compact?.paneHeight, alone.pages], [3, 0, 1]);
	// One task keeps its pane, however small.
	assert.equal(gridLayout({width: 80, height: 6, count: 1, focus: 0, oneColumn: false}).compact, undefined);
});

test('moveRowFocus: rows top to bottom, then the next column', () => {
	assert.equal(moveRowFocus(0, 40, 20, 'down'), 1);
	assert.equal(moveRowFocus(0, 40, 20, 'up'), 0);
	assert.equal(moveRowFocus(3, 40, 20, 'right'), 23);
	assert.equal(moveRowFocus(23, 40, 20, 'left'), 3);
	assert.equal(moveRowFocus(3, 40, 20, 'left'), 3);
	assert.equal(moveRowFocus(30, 35, 20, 'right'), 34);
	assert.equal(moveRowFocus(39, 40, 20, 'down'), 39);
});

test('small terminals are narrower than 60 or shorter than 15', () => {
	assert.equal(isSmallTerminal(59, 40), true);
	assert.equal(isSmallTerminal(120, 14), true);
	assert.equal(isSmallTerminal(60, 15), false);
});

test('moveFocus: arrows within a grid, clamped at the edges', () => {
	assert.equal(moveFocus(0, 5, 3, 'right'), 1);
	assert.equal(moveFocus(2, 5, 3, 'right'), 3);
	assert.equal(moveFocus(0, 5, 3, 'left'), 0);
	assert.equal(moveFocus(1, 5, 3, 'down'), 4);
	assert.equal(moveFocus(2, 5, 3, 'down'), 4);
	assert.equal(moveFocus(4, 5, 3, 'down'), 4);
	assert.equal(moveFocus(4, 5, 3, 'up'), 1);
});

test('overlays: one at a time, Ctrl-C wins, stale questions drop when the state moves', () => {
	const help = overlayReducer(initialOverlay, {type: 'open', overlay: {kind: 'help'}, state: 'running'});
	assert.deepEqual(help.overlay, {kind: 'help'});
	assert.equal(overlayReducer(help, {type: 'open', overlay: {kind: 'confirmAbort'}, state: 'running'}), help);
	const interrupt = overlayReducer(help, {type: 'open', overlay: {kind: 'interrupt'}, state: 'running'});
	assert.deepEqual(interrupt.overlay, {kind: 'interrupt'});
	assert.deepEqual(overlayReducer(interrupt, {type: 'close'}), initialOverlay);
	const stop = overlayReducer(initialOverlay, {type: 'open', overlay: {kind: 'confirmStop', taskId: 'a'}, state: 'running'});
	assert.deepEqual(visibleOverlay(stop, 'running'), {kind: 'confirmStop', taskId: 'a'});
	assert.deepEqual(visibleOverlay(stop, 'phaseFailed'), {kind: 'none'});
	assert.deepEqual(visibleOverlay(help, 'phaseFailed'), {kind: 'help'});
});

test('statusStyle: every status has its own glyph and colour', () => {
	const all: AnyStatus[] = ['pending', 'running', 'passed', 'failed', 'stopped', 'skipped', 'conflicted'];
	const glyphs = new Set(all.map(status => statusStyle(status).glyph));
	assert.equal(glyphs.size, all.length);
	assert.equal(statusStyle('passed').color, 'green');
	assert.equal(statusStyle('failed').color, 'red');
	assert.equal(statusStyle('conflicted').color, 'magenta');
});

test('format helpers', () => {
	assert.equal(formatClock(134_000), '02:14');
	assert.equal(formatClock(3_723_000), '1:02:03');
	assert.equal(formatClock(-5), '00:00');
	assert.equal(progressBar(1, 4, 8), '██░░░░░░');
	assert.equal(progressBar(0, 0, 3), '░░░');
	assert.equal(taskCommand(task('x', [], {run: undefined, prompt: 'do it', agent: 'codex'}), samplePlan()), `codex exec --json -C <workspace> --skip-git-repo-check -c 'sandbox_mode="workspace-write"' <prompt>`);
});

test('dependentsOf follows dependencies through later phases', () => {
	assert.deepEqual(dependentsOf(samplePlan(), ['db-logging']), ['logging-tests', 'logging-docs']);
	assert.deepEqual(dependentsOf(samplePlan(), ['logging-docs']), []);
});

test('runCounts and runExitCode', () => {
	const context = makeContext(samplePlan(), {
		tasks: {
			'api-logging': taskRun('api-logging', 0, {status: 'running', costUsd: 0.5}),
			'db-logging': taskRun('db-logging', 0, {status: 'passed', costUsd: 0.25}),
			'utils-logging': taskRun('utils-logging', 0, {status: 'stopped'}),
			'logging-tests': taskRun('logging-tests', 1, {status: 'skipped'}),
		},
	});
	assert.deepEqual(runCounts(context), {total: 5, running: 1, passed: 1, failed: 1, conflicted: 0, finished: 3, costUsd: 0.75});
	// A task stopped by a conflict waits for a decision: counted apart, not as failed or finished.
	const waiting = makeContext(samplePlan(), {tasks: {...context.tasks, 'api-logging': taskRun('api-logging', 0, {status: 'conflicted'})}});
	assert.deepEqual(runCounts(waiting), {total: 5, running: 0, passed: 1, failed: 1, conflicted: 1, finished: 3, costUsd: 0.25});
	// logging-tests was skipped: a run that "passed" with a skipped task is incomplete, exit 3.
	assert.equal(runExitCode('done', {...context, outcome: 'passed'}), 3);
	const allPassed = Object.fromEntries(Object.values(context.tasks).map(run => [run.id, {...run, status: 'passed' as const}]));
	assert.equal(runExitCode('done', {...context, tasks: allPassed, outcome: 'passed'}), 0);
	assert.equal(runExitCode('failed', {...context, outcome: 'failed'}), 1);
	assert.equal(runExitCode('aborted', {...context, outcome: 'conflict'}), 3);
	assert.equal(runExitCode('invalid', context), 2);
	assert.equal(runExitCode('aborted', {...context, outcome: 'aborted', signal: 'SIGINT'}), 130);
	assert.equal(runExitCode('aborted', {...context, signal: 'SIGTERM'}), 143);
	assert.equal(runExitCode('aborted', {...context, signal: 'SIGHUP'}), 129);
});

test('parallelSpeedup: summed task times over the span of each phase, waits between phases left out', () => {
	const at = (s: number) => T0 + s * 1000;
	const ran = (id: string, phase: number, from: number, to: number) => taskRun(id, phase, {status: 'passed', startedAt: at(from), endedAt: at(to)});
	const context = makeContext(samplePlan(), {
		tasks: {
			// Phase 1: three tasks of 60 s side by side, over 60 s.
			'api-logging': ran('api-logging', 0, 0, 60),
			'db-logging': ran('db-logging', 0, 0, 60),
			'utils-logging': ran('utils-logging', 0, 0, 60),
			// Phases 2 and 3 after a 100 s wait for approval, which counts for neither side.
			'logging-tests': ran('logging-tests', 1, 160, 190),
			'logging-docs': ran('logging-docs', 2, 190, 200),
		},
	});
	// (180 + 30 + 10) s of work in (60 + 30 + 10) s.
	assert.equal(parallelSpeedup(context), 2.2);
	// One after another anyway: nothing to tell.
	assert.equal(parallelSpeedup(makeContext(samplePlan(), {tasks: {'logging-tests': ran('logging-tests', 1, 0, 30)}})), undefined);
	assert.equal(parallelSpeedup(makeContext()), undefined);
});

test('the clock ticks only while someone listens', async () => {
	const clock = createClock(50);
	await tick(60);
	assert.equal(clock.tick(), 0, 'no timer without listeners');
	let calls = 0;
	const stop = clock.subscribe(() => calls++);
	await tick(120);
	stop();
	const seen = clock.tick();
	assert.ok(calls >= 2 && seen === calls);
	await tick(60);
	assert.equal(clock.tick(), seen, 'timer stopped with the last listener');
});

test('paceDelay keeps drawing within its share of a core, between the base rate and a second', () => {
	assert.equal(paceDelay(100, 0), 100, 'nothing drawn: the base rate');
	assert.equal(paceDelay(100, 5), 100, 'a cheap frame: the base rate');
	const delay = paceDelay(100, 60);
	assert.ok(Math.abs(60 / (60 + delay) - drawBudget) < 0.005, `60 ms then ${delay} ms is ${drawBudget} of a core`);
	assert.equal(paceDelay(100, 5000), maxDelayMs, 'tails still move once a second');
});

test('spinnerStepFor slows idle spinners as frames get dearer, never past a second', () => {
	assert.equal(spinnerStepFor(2), 250);
	assert.equal(spinnerStepFor(12), 500);
	assert.equal(spinnerStepFor(25), 1000);
	assert.equal(spinnerStepFor(400), 1000);
	// Whatever the step, a spinner moves one frame per step.
	assert.notEqual(spinnerFrameAt(1000, 1000), spinnerFrameAt(2000, 1000));
	assert.equal(spinnerFrameAt(2000, 1000), spinnerFrameAt(500, 250));
});

test('the clock waits longer after a costly tick and measures frames drawn outside ticks', async () => {
	// A fake cost measure: a tick costs exactly what the listener says, however loaded the machine.
	let measured = 0;
	const clock = createClock(50, Date.now, () => measured);
	let busyMs = 0;
	const stop = clock.subscribe(() => {
		// Stands for a render that took busyMs.
		measured += busyMs;
	});
	const ticked = async (after: number) => eventually(() => assert.ok(clock.tick() > after, `ticked past ${after}`));
	await ticked(1);
	assert.equal(clock.delayMs(), 20, 'cheap ticks: the base rate');
	busyMs = 30;
	await ticked(clock.tick());
	assert.ok(clock.delayMs() >= 200, `waits ${clock.delayMs()} ms after a 30 ms tick`);
	assert.ok(clock.frameCostMs() >= 15);
	assert.equal(clock.spinnerStepMs(), 1000);
	busyMs = 0;
	// A frame Ink drew between ticks (a key press) counts towards the next.
	clock.reportFrame(80);
	await ticked(clock.tick());
	assert.ok(clock.delayMs() >= 500, `waits ${clock.delayMs()} ms after 80 ms drawn outside`);
	stop();
});

test('the step time never goes back when the spinner step grows', async () => {
	let time = 1750;
	const clock = createClock(50, () => time);
	assert.equal(clock.stepTime(), 1750, 'steps of 250 ms while frames are cheap');
	const stop = clock.subscribe(() => {
		const end = performance.now() + 30;
		while (performance.now() < end);
	});
	await tick(60);
	stop();
	assert.equal(clock.spinnerStepMs(), 1000);
	time = 1900;
	assert.equal(clock.stepTime(), 1750, 'not back to 1000');
	time = 2100;
	assert.equal(clock.stepTime(), 2000);
});

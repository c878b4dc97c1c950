// The report's pure parts: critical path, plan changes, wrapping, patch splitting, escaping,
// and the journal fold on cases a real run rarely makes (a resumed run, costs, old journals).

import {strict as assert} from 'node:assert';
import {test} from 'node:test';
import {buildReport, type RunFolder} from '../../source/report/build.js';
import {criticalPath} from '../../source/report/critical-path.js';
import {h, html} from '../../source/report/escape.js';
import {formatReportHtml} from '../../source/report/html.js';
import {tickLabel, tickStep} from '../../source/report/html-timeline.js';
import {splitPatch} from '../../source/report/patch.js';
import {planChanges} from '../../source/report/plan-changes.js';
import {wrap} from '../../source/report/text.js';
import type {Plan} from '../../source/plan/types.js';
import type {JournalEvent} from '../../source/runner/journal.js';

const task = (id: string, owns: string[], extra: Record<string, unknown> = {}) => ({id, owns, reads: [], dependsOn: [], run: `echo ${id}`, env: {}, ...extra});
const plan = (phases: Array<[string, ReturnType<typeof task>[]]>, verify: string[] = []): Plan => ({
	name: 'p',
	pattern: 'custom',
	ignore: [],
	phases: phases.map(([name, tasks]) => ({name, mode: 'parallel', tasks})),
	verify,
});

test('critical path: walks back from the last bar through what each one waited for', () => {
	const spans = [
		{key: 'a', start: 0, end: 100},
		{key: 'b', start: 0, end: 40},
		{key: 'c', start: 105, end: 150},
		{key: 'd', start: 102, end: 300},
		{key: 'e', start: 305, end: 310},
	];
	assert.deepEqual(criticalPath(spans, 10), ['a', 'd', 'e']);
	assert.deepEqual(criticalPath([]), []);
});

test('plan changes: a deferral, a grant, a skip and an edit, in words', () => {
	const before = plan([['build', [task('a', ['a/**']), task('b', ['b/**']), task('c', ['c/**'])]]], ['npm test']);
	const after = plan([
		['build', [task('b', ['b/**', 'shared/x.ts']), task('c', ['c/**'], {run: 'echo changed'})]],
		['build-deferred', [task('a', ['a/**', 'shared/log.ts'], {dependsOn: ['b']})]],
	]);
	assert.deepEqual(planChanges(before, after), [
		'new phase build-deferred after build',
		'b now owns shared/x.ts',
		'c: its command changed',
		'a moved from build to build-deferred',
		'a now owns shared/log.ts',
		'a now depends on b',
		'verify commands changed',
	]);
	assert.deepEqual(planChanges(before, plan([['build', [task('a', ['a/**']), task('b', ['b/**'])]]], ['npm test'])), ['c removed from build']);
	assert.deepEqual(planChanges(before, before), []);
});

test('wrap: keeps the first indent, continues with the given one, cuts words wider than a line', () => {
	assert.deepEqual(wrap('  alpha beta gamma delta', 14, '    '), ['  alpha beta', '    gamma', '    delta']);
	assert.deepEqual(wrap('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
	for (const line of wrap(`  ${'word '.repeat(40)}${'y'.repeat(50)}`, 20, '      ')) assert.ok(line.length <= 20, line);
});

test('patch: one section per file, renames under the new name', () => {
	const files = splitPatch('diff --git a/x.ts b/x.ts\n--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/old.ts b/new.ts\nrename from old.ts\nrename to new.ts\n');
	assert.deepEqual(files.map(f => f.path), ['x.ts', 'new.ts']);
	assert.match(files[0]!.text, /^diff --git a\/x\.ts b\/x\.ts\n[\s\S]*\+b$/);
	assert.deepEqual(splitPatch(''), []);
});

test('escaping: text and attribute values alike; nested markup kept; controls dropped', () => {
	assert.equal(html(`<a href="x" onclick='y'>&\u0000\u009b`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
	const evil = '"><script>alert(1)</script>';
	assert.equal(h`<p title="${evil}">${h`<b>${evil}</b>`}</p>`.value, '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"><b>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</b></p>');
	assert.equal(h`${['<', null, false, undefined, 1]}`.value, '&lt;1');
});

test('tick steps are round: 1, 2, 5 x 10^n under a second, then 1-30 s, 1-60 min, whole hours', () => {
	assert.equal(tickStep(1_800), 500);
	assert.equal(tickStep(60_000), 10_000);
	assert.equal(tickStep(300_000), 60_000);
	assert.equal(tickStep(3_600_000), 600_000);
	assert.equal(tickStep(36_000_000), 7_200_000);
	assert.equal(tickStep(1), 1);
	assert.deepEqual([0, 250, 5_000, 1_500, 120_000, 90_000].map(tickLabel), ['0', '250ms', '5s', '1.5s', '2m', '1m30s']);
});

const ev = (type: string, at: number, fields: Record<string, unknown> = {}): JournalEvent => ({type, time: new Date(at).toISOString(), at, ...fields});
const folder: RunFolder = {
	runId: 'r1',
	runDir: '.fanout/runs/r1',
	logTail: key => (key === 'a' ? ['\u001B[31mred\u001B[0m line', 'x\u001B]0;title\u0007y'] : undefined),
	diffOf: () => undefined,
	logPathOf: key => `.fanout/runs/r1/logs/${key}.log`,
};

test('fold: a run interrupted and resumed, agent costs summed over attempts, no task.changes', () => {
	const p = plan([['one', [task('a', ['a/**'], {run: undefined, prompt: 'do a', agent: 'claude'}), task('b', ['b/**'])]]], ['true']);
	const events = [
		ev('run.started', 1_000, {runId: 'r1', planFile: 'plan.yaml', workspace: '/w', plan: p, phaseIndex: 0, kept: []}),
		ev('phase.awaiting', 1_000, {phaseIndex: 0, name: 'one'}),
		ev('phase.approved', 3_000, {phaseIndex: 0, all: false}),
		ev('phase.started', 3_000, {phaseIndex: 0, name: 'one', tasks: ['a', 'b']}),
		ev('task.spawned', 3_000, {taskId: 'a', phaseIndex: 0, attempt: 1}),
		ev('task.spawned', 3_000, {taskId: 'b', phaseIndex: 0, attempt: 1}),
		ev('task.report', 4_000, {taskId: 'b', report: 'b done'}),
		ev('task.exited', 4_000, {taskId: 'b', outcome: 'passed', exitCode: 0, signal: null, durationMs: 1000, attempt: 1}),
		ev('task.report', 5_000, {taskId: 'a', costUsd: 0.25, tokens: 1000}),
		// fanout killed here; resumed a minute later.
		ev('run.started', 65_000, {runId: 'r1', planFile: 'plan.yaml', workspace: '/w', plan: p, phaseIndex: 0, kept: ['b']}),
		ev('phase.started', 65_000, {phaseIndex: 0, name: 'one', tasks: ['a']}),
		ev('task.spawned', 65_000, {taskId: 'a', phaseIndex: 0, attempt: 2}),
		ev('task.report', 70_000, {taskId: 'a', report: 'a done\u001B[2J', costUsd: 0.5, tokens: 3000}),
		ev('task.exited', 70_000, {taskId: 'a', outcome: 'passed', exitCode: 0, signal: null, durationMs: 5000, attempt: 2}),
		ev('phase.finished', 70_000, {phaseIndex: 0, status: 'passed'}),
		ev('verify.started', 70_000, {index: 0, command: 'true'}),
		ev('verify.exited', 71_000, {index: 0, command: 'true', exitCode: 0, status: 'passed'}),
		ev('run.finished', 71_000, {outcome: 'passed'}),
	];
	const report = buildReport(events, folder);
	assert.equal(report.outcome, 'passed');
	assert.equal(report.exitCode, 0);
	assert.equal(report.durationMs, 70_000);
	const a = report.tasks.find(t => t.id === 'a')!;
	assert.equal(a.kind, 'claude');
	assert.deepEqual(a.attempts.map(x => [x.attempt, x.status, x.reason, x.endedAt]), [[1, 'stopped', 'interrupted', 5_000], [2, 'passed', null, 70_000]]);
	assert.equal(a.costUsd, 0.75);
	assert.equal(a.tokens, 4000);
	assert.equal(a.report, 'a done');
	assert.deepEqual(a.logTail, ['red line', 'xy']);
	assert.deepEqual(a.files, []);
	assert.equal(report.totals.costUsd, 0.75);
	assert.deepEqual(report.waits.map(w => [w.kind, w.from, w.to]), [['approval', 1_000, 3_000], ['interrupted', 5_000, 65_000]]);
	assert.deepEqual(report.phases.map(ph => [ph.name, ph.status]), [['one', 'failed'], ['one', 'passed']]);
	// The page draws from the same report, and the approval wait is a hatched band with its words.
	const page = formatReportHtml(report, new Map(), new Date(0));
	assert.match(page, /<title>waiting: approval of one · 2\.0s from \+0:00\.0<\/title>/);
	assert.match(page, /\$0\.75/);
});

test('fold: an unfinished journal (fanout still running or killed) reports what it knows', () => {
	const p = plan([['one', [task('a', ['a/**'])]]]);
	const report = buildReport(
		[ev('run.started', 0, {runId: 'r1', planFile: 'plan.yaml', workspace: '/w', plan: p, phaseIndex: 0, kept: []}), ev('phase.started', 10, {phaseIndex: 0, name: 'one', tasks: ['a']}), ev('task.spawned', 10, {taskId: 'a', phaseIndex: 0, attempt: 1})],
		folder,
	);
	assert.equal(report.outcome, 'unfinished');
	assert.equal(report.exitCode, null);
	assert.equal(report.endedAt, null);
	assert.equal(report.tasks[0]!.attempts[0]!.endedAt, null);
	assert.match(formatReportHtml(report, new Map(), new Date(0)), /still running/);
});

test('fold: work that landed after the run stopped its task shows that attempt passed', () => {
	const p = plan([['one', [task('a', ['a/**']), task('b', ['b/**'])]]]);
	const report = buildReport(
		[
			ev('run.started', 0, {runId: 'r1', planFile: 'plan.yaml', workspace: '/w', plan: p, phaseIndex: 0, kept: []}),
			ev('phase.started', 10, {phaseIndex: 0, name: 'one', tasks: ['a', 'b']}),
			ev('task.spawned', 10, {taskId: 'a', phaseIndex: 0, attempt: 1}),
			ev('task.spawned', 10, {taskId: 'b', phaseIndex: 0, attempt: 1}),
			ev('task.stopped', 300, {taskId: 'b', status: 'conflicted', reason: 'needs x'}),
			ev('task.stopped', 301, {taskId: 'a', status: 'stopped', reason: 'run stopped on a conflict'}),
			ev('run.finished', 302, {outcome: 'conflict'}),
			ev('task.applied', 400, {taskId: 'a', paths: ['a/one.txt']}),
		],
		folder,
	);
	const status = (id: string) => report.tasks.find(t => t.id === id)!.attempts.map(x => [x.status, x.reason]);
	assert.deepEqual(status('a'), [['passed', null]]);
	assert.deepEqual(status('b'), [['conflicted', 'needs x']]);
});

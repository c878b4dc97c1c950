// `fanout report` on a real run (the built CLI, headless): text, JSON (its shape pinned) and
// the HTML page (escaping, self-containment), plus choosing the run and refusing bad flags.

import {strict as assert} from 'node:assert';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {ReportAttempt, ReportConflict, ReportFile, ReportPhase, ReportRevision, ReportTask, ReportVerify, ReportWait, RunReport} from '../../source/report/types.js';
import {addIsolationChanges, cleanup, realRun, runCli, type RealRun} from './helpers.js';

/** Any value: the shape pins keys, not values (nullable fields differ between runs). */
const ANY = 0;

const attemptShape = {attempt: ANY, phase: ANY, startedAt: ANY, endedAt: ANY, status: ANY, exitCode: ANY, reason: ANY, critical: ANY} satisfies Record<keyof ReportAttempt, unknown>;
const fileShape = {path: ANY, status: ANY, from: ANY, added: ANY, removed: ANY, binary: ANY} satisfies Record<keyof ReportFile, unknown>;
const taskShape = {
	id: ANY, title: ANY, phase: ANY, kind: ANY, status: ANY, exitCode: ANY, reason: ANY, durationMs: ANY, attempts: [attemptShape], report: ANY,
	costUsd: ANY, tokens: ANY, turns: ANY, files: [fileShape], diff: ANY, log: ANY, logTail: [ANY],
} satisfies Record<keyof ReportTask, unknown>;
const phaseShape = {index: ANY, name: ANY, status: ANY, startedAt: ANY, endedAt: ANY, tasks: [ANY]} satisfies Record<keyof ReportPhase, unknown>;
const conflictShape = {
	id: ANY, task: ANY, suspects: [ANY], path: ANY, seen: ANY, owner: ANY, reason: ANY, detectedAt: ANY, decidedAt: ANY, choice: ANY, decision: ANY, revision: ANY, refused: [ANY],
} satisfies Record<keyof ReportConflict, unknown>;
const revisionShape = {number: ANY, at: ANY, decision: ANY, conflict: ANY, file: ANY, changes: [ANY]} satisfies Record<keyof ReportRevision, unknown>;
const waitShape = {kind: ANY, from: ANY, to: ANY, label: ANY} satisfies Record<keyof ReportWait, unknown>;
const verifyShape = {index: ANY, command: ANY, status: ANY, exitCode: ANY, startedAt: ANY, endedAt: ANY, logTail: [ANY]} satisfies Record<keyof ReportVerify, unknown>;
/** The JSON document's structure, checked against the type at compile time and against a real run here. */
const reportShape = {
	reportVersion: ANY, runId: ANY, runDir: ANY, workspace: ANY, planFile: ANY, plan: {name: ANY, goal: ANY}, outcome: ANY, exitCode: ANY,
	startedAt: ANY, endedAt: ANY, durationMs: ANY, speedup: ANY,
	totals: {tasks: ANY, passed: ANY, failed: ANY, skipped: ANY, other: ANY, costUsd: ANY, tokens: ANY},
	phases: [phaseShape], tasks: [taskShape], conflicts: [conflictShape], revisions: [revisionShape], waits: [waitShape], verify: [verifyShape],
} satisfies Record<keyof RunReport, unknown>;

/** The keys of a JSON value, recursively; arrays by the union of their elements' keys. */
function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) {
		const objects = value.filter(v => v !== null && typeof v === 'object' && !Array.isArray(v));
		if (objects.length === 0) return [ANY];
		const merged: Record<string, unknown> = {};
		for (const o of objects) for (const [k, v] of Object.entries(o as object)) merged[k] ??= shapeOf(v);
		return [merged];
	}
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
	return ANY;
}

/** Sorted keys all the way down, so key order does not matter. */
function sortedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortedKeys);
	if (value !== null && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map(k => [k, sortedKeys((value as Record<string, unknown>)[k])]));
	return value;
}

let run: RealRun;
const temp = mkdtempSync(join(tmpdir(), 'fanout-report-'));
before(async () => {
	run = await realRun();
	addIsolationChanges(run.runDir);
});
after(() => {
	if (run) cleanup(run.dir);
	cleanup(temp);
});

describe('fanout report', () => {
	it('the run itself failed with exit 1 after a deferred conflict (the fixture works)', () => {
		assert.equal(run.code, 1, run.output);
		assert.match(run.output, /defer asker/);
		assert.match(run.output, new RegExp(`report: fanout report ${run.runId} --html report\\.html`), 'the headless summary names the report command');
	});

	it('--json: one document with the pinned shape, telling the run as it happened', async () => {
		const result = await runCli(['report', '--json'], {cwd: run.dir});
		assert.equal(result.code, 0, result.stderr);
		const report = JSON.parse(result.stdout) as RunReport;
		assert.deepEqual(sortedKeys(shapeOf(report)), sortedKeys(reportShape));
		assert.equal(report.reportVersion, 1);
		assert.equal(report.runId, run.runId);
		assert.equal(report.outcome, 'failed');
		assert.equal(report.exitCode, 1);
		assert.equal(report.plan.goal, 'every kind of event a run report shows');
		assert.ok(report.durationMs !== null && report.durationMs > 0);
		assert.deepEqual(report.phases.map(p => [p.name, p.status]), [['build', 'passed'], ['build-deferred', 'passed'], ['check', 'failed']]);

		const [conflict] = report.conflicts;
		assert.equal(report.conflicts.length, 1);
		assert.deepEqual(
			{task: conflict!.task, path: conflict!.path, seen: conflict!.seen, owner: conflict!.owner, choice: conflict!.choice, revision: conflict!.revision},
			{task: 'asker', path: 'shared/log.ts', seen: 'declared', owner: 'owner', choice: 'defer', revision: 2},
		);
		assert.match(conflict!.decision!, /defer asker/);
		assert.deepEqual(report.revisions.map(r => r.number), [2]);
		assert.ok(report.revisions[0]!.changes.includes('asker moved from build to build-deferred'), report.revisions[0]!.changes.join('\n'));
		assert.ok(report.revisions[0]!.changes.includes('asker now owns shared/log.ts'));
		assert.ok(report.waits.some(w => w.kind === 'conflict') && report.waits.some(w => w.kind === 'approval'));

		const task = (id: string) => report.tasks.find(t => t.id === id)!;
		assert.deepEqual(report.tasks.map(t => t.id), ['owner', 'hostile', 'asker', 'broken', 'fine']);
		assert.deepEqual(task('asker').attempts.map(a => [a.attempt, report.phases[a.phase]!.name, a.status]), [[1, 'build', 'conflicted'], [2, 'build-deferred', 'passed']]);
		assert.equal(task('broken').status, 'failed');
		assert.equal(task('broken').exitCode, 2);
		assert.equal(task('broken').reason, 'exit code 2');
		assert.match(task('fine').report!, /fine: wrote f\/x\.txt/);
		// Every phase that ran has a task on the critical path; the run's last bar is on it.
		for (const index of [0, 1, 2]) assert.ok(report.tasks.some(t => t.attempts.some(a => a.phase === index && a.critical)), `phase ${index} has a critical task`);
		// The isolation work's changes light up: counts, rename source, the patch path.
		assert.deepEqual(task('owner').files.map(f => [f.status, f.path, f.added, f.removed]), [['added', 'shared/log.ts', 3, 0], ['renamed', 'src/new.ts', 1, 1], ['modified', 'img/<img src=x onerror=alert(2)>.png', null, null]]);
		assert.equal(task('owner').files[1]!.from, 'src/old.ts');
		assert.equal(task('owner').diff, `.fanout/runs/${run.runId}/diffs/owner.patch`);
		assert.equal(task('fine').diff, null);
		// Log tails are sanitized: the hostile task's escapes are gone, its text is kept.
		assert.ok(task('hostile').logTail.includes('<script>alert(1)</script>'));
		assert.ok(task('hostile').logTail.every(line => !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(line)));
		assert.deepEqual(report.verify.map(v => [v.command, v.status, v.exitCode]), [['test -f shared/log.ts', 'passed', 0], ['echo verified', 'passed', 0]]);
		assert.deepEqual(report.verify[1]!.logTail, ['verified']);
	});

	it('text: every section, wrapped at --width, without colour under NO_COLOR', async () => {
		const result = await runCli(['report', run.runId.slice(0, 15), '--width', '60'], {cwd: run.dir});
		assert.equal(result.code, 0, result.stderr);
		const text = result.stdout;
		assert.doesNotMatch(text, /\u001B/, 'no escape sequence at all');
		for (const line of text.split('\n')) assert.ok([...line].length <= 60, `line wider than 60: ${JSON.stringify(line)}`);
		assert.match(text, /^fanout report · report-fixture · run\s/);
		assert.match(text, /outcome: failed \(exit 1\)/);
		assert.match(text, /^Timeline/m);
		assert.match(text, /^ {2}build-deferred \(passed/m);
		assert.match(text, /^ {4}broken +█+ +\*? *[\d.]+s failed$/m);
		// Wrapped lines read as one for the rest.
		const flat = text.replace(/\s+/g, ' ');
		assert.match(flat, /#1 asker asked for shared\/log\.ts, seen by declared; owner: owner: "asker needs it"/);
		assert.match(flat, /→ defer asker \(needs shared\/log\.ts\) · revision 2/);
		assert.match(flat, /- asker moved from build to build-deferred/);
		assert.match(flat, /broken ✗ failed \(exit code 2\) · check/);
		assert.match(flat, /A shared\/log\.ts \+3 -0/);
		assert.match(flat, /R src\/old\.ts → src\/new\.ts \+1 -1/);
		assert.match(flat, /✓ passed echo verified \(exit 0/);
		// Wide by default when not a terminal: 80.
		const wide = await runCli(['report'], {cwd: run.dir});
		assert.ok(wide.stdout.split('\n').some(line => [...line].length > 60));
		assert.ok(wide.stdout.split('\n').every(line => [...line].length <= 80));
		const coloured = await runCli(['report'], {cwd: run.dir, env: {NO_COLOR: undefined, FORCE_COLOR: '1'}});
		assert.match(coloured.stdout, /\u001B\[31m✗ failed\u001B\[0m/);
	});

	it('--html: escapes everything from the run, holds no live element from it, and asks for nothing', async () => {
		const file = join(temp, 'report.html');
		const result = await runCli(['report', run.runId, '--html', file], {cwd: run.dir});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /wrote the report of run/);
		const page = readFileSync(file, 'utf8');
		// The characters are shown...
		assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
		assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
		assert.ok(page.includes('img/&lt;img src=x onerror=alert(2)&gt;.png'), 'a path is escaped too');
		assert.ok(page.includes('&lt;script&gt;alert(&quot;diff&quot;)&lt;/script&gt;'), 'a diff line is escaped too');
		// ...and nothing from the run became markup: every tag is one of the page's own.
		const tags = [...page.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)];
		const names = new Set(tags.map(t => t[1]!.toLowerCase()));
		for (const name of ['script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form']) assert.ok(!names.has(name), `a <${name}> element in the page`);
		for (const [tag, , attributes] of tags) assert.doesNotMatch(attributes!, /(^|\s)on\w+\s*=/i, `event handler attribute in ${tag}`);
		assert.doesNotMatch(page, /<script/i);
		assert.doesNotMatch(page.replace(/<title>[^<]*<\/title>/g, ''), /\u001B|\]0;pwned/, 'escape sequences stripped');
		// Self-contained: no address anywhere a browser would fetch.
		for (const [tag, , attributes] of tags) assert.doesNotMatch(attributes!, /(^|\s)(src|href|srcset|action|xlink:href)\s*=/i, `a fetching attribute in ${tag}`);
		const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(m => m[1]).join('\n');
		assert.doesNotMatch(styles, /url\((?!#)|@import|@font-face/i);
		assert.match(page, /<details><summary><code>shared\/log\.ts<\/code><\/summary><pre class="block diff">/, 'a collapsible diff per file');
		assert.match(page, /<details><summary>Log: last \d+ lines<\/summary>/);
		assert.match(page, /@media print/);
		assert.match(page, /prefers-color-scheme: dark/);
		assert.match(page, /<title>[^<]*on the critical path<\/title>/, 'bars carry their times as a hover title');
	});

	it('names the run it cannot find, and refuses two outputs at once', async () => {
		const missing = await runCli(['report', 'nope'], {cwd: run.dir});
		assert.equal(missing.code, 1);
		assert.match(missing.stderr, /no run "nope"/);
		const none = await runCli(['report'], {cwd: temp});
		assert.equal(none.code, 1);
		assert.match(none.stderr, /no runs in/);
		const both = await runCli(['report', '--json', '--html', 'x.html'], {cwd: run.dir});
		assert.equal(both.code, 2);
		assert.match(both.stderr, /pick one/);
		const badDir = await runCli(['report', '--html', join(temp, 'no', 'such', 'dir.html')], {cwd: run.dir});
		assert.equal(badDir.code, 1);
		assert.match(badDir.stderr, /does not exist/);
	});
});

// The engine in process: real child processes in a temp workspace, driven the way the headless
// driver does (the policy answers), without the bundle. Covers the task and verify actors, the
// conflict checks, the journal and run folder, phase info and the rebuild of a run for resume.

import {stateOf} from '../../source/machine/state.js';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {exitCodeOf, verdictOf} from '../../source/machine/exit-code.js';
import {headlessAnswer} from '../../source/headless/policy.js';
import type {HeadlessPolicy} from '../../source/headless/policy.js';
import {rebuildRun} from '../../source/engine/resume.js';
import {runSession} from '../../source/engine/session.js';
import type {Driver, Prepared, ResumeState} from '../../source/engine/session.js';
import type {Engine} from '../../source/engine/types.js';
import {parsePlanText} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {planToYaml} from '../../source/plan/yaml.js';
import {createRunDir, logPathFor, newRunId, readEvents} from '../../source/runner/journal.js';
import {verifyChildId} from '../../source/machine/child-ids.js';
import type {PhaseInfo} from '../../source/runner/phase-info.js';

const abort: HeadlessPolicy = {keepGoing: false, onConflict: 'abort'};

/** A checked plan from YAML text, in a fresh workspace. */
function prepare(yaml: string): Prepared {
	const workspace = mkdtempSync(join(tmpdir(), 'fanout-engine-'));
	const parsed = parsePlanText(yaml, join(workspace, 'plan.yaml'));
	assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.errors));
	const plan = parsed.plan;
	const report = validatePlan(plan, parsed.source, {workspace});
	assert.equal(report.valid, true, JSON.stringify(report.errors));
	return {plan, source: parsed.source, planFile: join(workspace, 'plan.yaml'), workspace, report};
}

type Finished = {readonly code: number | 'edit-plan'; readonly engine: Engine; readonly runDir: string; readonly phaseInfo?: PhaseInfo};

/** Runs `prepared` through a session whose driver answers by `policy`, as headless mode does. */
async function run(prepared: Prepared, policy: HeadlessPolicy = abort, resumed: ResumeState = {}, runDir?: string): Promise<Finished> {
	const runId = newRunId();
	const dir = runDir ?? createRunDir(prepared.workspace, runId, planToYaml(prepared.plan));
	let engine: Engine | undefined;
	let phaseInfo: PhaseInfo | undefined;
	const driver: Driver = {
		describesPhases: true,
		async drive(e) {
			engine = e;
			const memory = {answered: new Set<number>()};
			e.actor.subscribe(snapshot => {
				const state = stateOf(snapshot);
				if (state === 'awaitingApproval') phaseInfo ??= e.phaseInfo(snapshot.context.phaseIndex, snapshot.context.plan);
				const answer = headlessAnswer(state, snapshot.context, policy, memory);
				if (answer) queueMicrotask(() => e.actor.send(answer));
			});
			await e.start();
			await e.finished;
			return exitCodeOf(e.actor.getSnapshot()) ?? 1;
		},
	};
	const code = await runSession(prepared, {runId, runDir: dir, graceMs: 500}, driver, resumed);
	assert.ok(engine);
	return {code, engine, runDir: dir, ...(phaseInfo ? {phaseInfo} : {})};
}

test('a two-phase plan runs its tasks as real processes, journals them and exits 0', async () => {
	const prepared = prepare(`name: two
phases:
  - name: build
    tasks:
      - id: one
        owns: [a/**]
        run: mkdir -p a && echo one > a/one.txt && echo said one
      - id: two
        owns: [b/**]
        run: mkdir -p b && echo two > b/two.txt
  - name: check
    tasks:
      - id: three
        owns: [c/**]
        dependsOn: [one]
        run: test -f a/one.txt && echo checked
`);
	const {code, engine, runDir, phaseInfo} = await run(prepared);
	assert.equal(code, 0);
	const {context} = engine.actor.getSnapshot();
	assert.deepEqual(Object.values(context.tasks).map(t => [t.id, t.status]).sort(), [['one', 'passed'], ['three', 'passed'], ['two', 'passed']]);
	assert.equal(readFileSync(join(prepared.workspace, 'a/one.txt'), 'utf8'), 'one\n');
	// The journal records each start with its process group, and the run's summary.
	const events = readEvents(runDir);
	const started = events.filter(e => e.type === 'task.started');
	assert.equal(started.length, 3);
	for (const e of started) assert.equal(typeof (e as {pgid?: unknown}).pgid, 'number');
	assert.ok(existsSync(join(runDir, 'summary.json')), 'summary written');
	assert.match(readFileSync(logPathFor(runDir, 'one'), 'utf8'), /said one/);
	assert.equal(engine.store.get('one')?.lines().at(-1), 'said one');
	// Phase info comes from the engine, computed when the phase awaited approval.
	assert.ok(phaseInfo, 'the engine described the phase awaiting approval');
	assert.deepEqual(Object.keys(phaseInfo.ownedFileCounts).sort(), ['one', 'two']);
});

test('a task writing outside what it owns stops the run on a conflict (exit 3)', async () => {
	const prepared = prepare(`name: stray
phases:
  - name: only
    tasks:
      - id: one
        owns: [a/**]
        run: mkdir -p elsewhere && echo x > elsewhere/stray.txt
`);
	const {code, engine} = await run(prepared);
	assert.equal(code, 3);
	const {context} = engine.actor.getSnapshot();
	assert.equal(context.outcome, 'conflict');
	assert.equal(context.conflicts[0]?.path, 'elsewhere/stray.txt');
	assert.equal(context.conflicts[0]?.taskId, 'one');
});

test('a FANOUT-NEEDS line is a declared conflict; skip lets the run finish', async () => {
	const prepared = prepare(`name: needs
phases:
  - name: only
    tasks:
      - id: one
        owns: [a/**]
        run: 'echo "FANOUT-NEEDS: shared/config.json -- to add a key" && sleep 5'
`);
	const {code, engine, runDir} = await run(prepared, {keepGoing: false, onConflict: 'skip'});
	const {context} = engine.actor.getSnapshot();
	const detected = readEvents(runDir).filter(e => e.type === 'conflict.detected') as unknown as {conflict: {path: string; how: string; reason?: string}}[];
	assert.deepEqual(detected.map(e => [e.conflict.path, e.conflict.how, e.conflict.reason]), [['shared/config.json', 'declared', 'to add a key']]);
	assert.equal(context.outcome, 'passed', 'skip answers the conflict instead of stopping on it');
	assert.equal(context.tasks['one']?.status, 'skipped');
	// ...but a run with a skipped task did not do its work: incomplete, exit 3, so CI notices.
	assert.equal(code, 3);
	assert.equal(verdictOf(context), 'incomplete');
});

test('a failing verify command fails the run (exit 1) with its log under verify:0', async () => {
	const prepared = prepare(`name: verify
phases:
  - name: only
    tasks:
      - id: one
        owns: [a/**]
        run: "true"
verify:
  - echo checking && exit 4
`);
	const {code, engine, runDir} = await run(prepared);
	assert.equal(code, 1);
	const {context} = engine.actor.getSnapshot();
	assert.deepEqual(context.verify.map(v => [v.status, v.exitCode]), [['failed', 4]]);
	assert.match(readFileSync(logPathFor(runDir, verifyChildId(0)), 'utf8'), /checking/);
});

test('resume rebuilds a failed run from its journal: the passed task is kept, the failed one runs again', async () => {
	const prepared = prepare(`name: again
phases:
  - name: only
    tasks:
      - id: good
        owns: [a/**]
        run: mkdir -p a && echo good >> a/good.count
      - id: flaky
        owns: [b/**]
        run: test -f fixed
`);
	const first = await run(prepared);
	assert.equal(first.code, 1);
	const runId = first.engine.actor.getSnapshot().context.runId;
	const rebuilt = rebuildRun(runId, first.runDir);
	assert.ok(rebuilt.ok, 'a failed run can be resumed');
	assert.deepEqual(Object.keys(rebuilt.resumed.restored ?? {}), ['good']);
		await import('node:fs').then(fs => fs.writeFileSync(join(prepared.workspace, 'fixed'), ''));
	const second = await run(rebuilt.prepared, abort, rebuilt.resumed, first.runDir);
	assert.equal(second.code, 0);
	assert.equal(readFileSync(join(prepared.workspace, 'a/good.count'), 'utf8'), 'good\n', 'the passed task did not run again');
});

test('a run that passed is not resumed', async () => {
	const prepared = prepare(`name: done
phases:
  - name: only
    tasks:
      - id: one
        owns: [a/**]
        run: "true"
`);
	const {code, engine, runDir} = await run(prepared);
	assert.equal(code, 0);
	const rebuilt = rebuildRun(engine.actor.getSnapshot().context.runId, runDir);
	assert.equal(rebuilt.ok, false);
	if (!rebuilt.ok) assert.equal(rebuilt.exitCode, 0);
});

test('an agent that cannot start says why, with the OS error, in its pane, its log and the journal', async () => {
	const prepared = prepare(`name: missing
phases:
  - name: only
    tasks:
      - id: writer
        owns: [a/**]
        agent: claude
        prompt: write a
`);
	const path = process.env['PATH'];
	// No claude on this PATH, whatever the machine has installed.
	process.env['PATH'] = '/nonexistent-fanout-bin';
	let finished: Finished;
	try {
		finished = await run(prepared, {keepGoing: true, onConflict: 'abort'});
	} finally {
		process.env['PATH'] = path;
	}
	const {engine, runDir} = finished;
	const why = 'command not found: claude (spawn claude ENOENT)';
	const run1 = engine.actor.getSnapshot().context.tasks['writer'];
	assert.equal(run1?.status, 'failed');
	assert.equal(run1?.reason, why, 'not "the agent stopped before its final result"');
	assert.match(engine.store.get('writer')?.lines().join('\n') ?? '', new RegExp(why.replace(/[()]/g, '\\$&')));
	assert.match(readFileSync(logPathFor(runDir, 'writer'), 'utf8'), /could not start: command not found: claude \(spawn claude ENOENT\)/);
	const exited = readEvents(runDir).find(e => e.type === 'task.exited') as {reason?: string} | undefined;
	assert.equal(exited?.reason, why);
});

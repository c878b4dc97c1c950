// The phase-end check over a real workspace: a change the live watch did not report is found by
// the walk; the walk is skipped only while the watch's event count has not moved since the
// baseline, and a write made just before the check still moves it.

import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {createPhaseEndCheck} from '../../source/engine/phase-end.js';
import {initialContext} from '../../source/machine/start.js';
import type {OrchestratorContext} from '../../source/machine/types.js';
import {parsePlanText} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {createIgnore} from '../../source/runner/ignore.js';
import type {IgnorePredicate} from '../../source/runner/ignore.js';
import {watchWorkspace} from '../../source/runner/watcher.js';

const dirs: string[] = [];
after(() => dirs.forEach(dir => rmSync(dir, {recursive: true, force: true})));

/** A workspace with a one-phase plan of two tasks (a owns a/**, b owns b/**) that both ran. */
async function setUp(): Promise<{workspace: string; ignore: IgnorePredicate; context: OrchestratorContext}> {
	const workspace = mkdtempSync(join(tmpdir(), 'fanout-phase-end-'));
	dirs.push(workspace);
	writeFileSync(join(workspace, 'kept.txt'), 'before\n');
	const yaml = 'name: end\nphases:\n  - name: one\n    tasks:\n      - id: a\n        owns: [a/**]\n        run: "true"\n      - id: b\n        owns: [b/**]\n        run: "true"\n';
	const parsed = parsePlanText(yaml, join(workspace, 'plan.yaml'));
	assert.ok(parsed.ok);
	const report = validatePlan(parsed.plan, parsed.source, {workspace});
	const base = initialContext({runId: 'r', plan: parsed.plan, planFile: join(workspace, 'plan.yaml'), workspace, report}, Date.now);
	const now = Date.now();
	const ran = {startedAt: now - 1000, endedAt: now + 1000, status: 'passed' as const};
	const context = {...base, tasks: {a: {...base.tasks['a']!, ...ran}, b: {...base.tasks['b']!, ...ran}}};
	return {workspace, ignore: await createIgnore(workspace, []), context};
}

test('a write made just before the check is found: the count is read once the loop has polled', async () => {
	const {workspace, ignore, context} = await setUp();
	const watcher = await watchWorkspace({workspace, ignore, onChanges: () => undefined});
	try {
		const check = createPhaseEndCheck(workspace, () => ignore, () => watcher.eventCount);
		await check.quietSnapshot();
		assert.deepEqual(await check.check(context), [], 'nothing changed, nothing found');
		// No await between the write and the check: its event is still in the kernel's queue.
		writeFileSync(join(workspace, 'kept.txt'), 'changed by someone\n');
		const events = await check.check(context);
		assert.deepEqual(
			events.map(e => (e.type === 'conflict.detected' ? [e.path, e.how] : [])),
			[['kept.txt', 'phase-end-scan']],
		);
	} finally {
		await watcher.close();
	}
});

test('the walk is skipped only while the count stands still; without a count every check walks', async () => {
	const {workspace, ignore, context} = await setUp();
	let count = 7;
	const counted = createPhaseEndCheck(workspace, () => ignore, () => count);
	const unwatched = createPhaseEndCheck(workspace, () => ignore);
	await counted.quietSnapshot();
	await unwatched.quietSnapshot();
	// A write no watch reported (the stub's count stays): the counted check trusts the count.
	writeFileSync(join(workspace, 'kept.txt'), 'changed behind the watch\n');
	assert.deepEqual(await counted.check(context), []);
	assert.equal((await unwatched.check(context)).length, 1, 'no count: the walk finds it');
	// Once the count moves, the walk runs and compares with the last walk's baseline.
	count++;
	assert.equal((await counted.check(context)).length, 1);
	assert.deepEqual(await counted.check(context), [], 'the walk became the new baseline');
});

test('settled() holds until the baseline being taken is done; a write made once it resolves is found', async () => {
	const {workspace, ignore, context} = await setUp();
	const watcher = await watchWorkspace({workspace, ignore, onChanges: () => undefined});
	try {
		const check = createPhaseEndCheck(workspace, () => ignore, () => watcher.eventCount);
		await check.quietSnapshot();
		// The user edits between phases: the next baseline must walk again.
		writeFileSync(join(workspace, 'kept.txt'), 'edited between phases\n');
		await new Promise(resolve => setTimeout(resolve, 50));
		let taken = false;
		const taking = check.quietSnapshot().then(() => (taken = true));
		await check.settled();
		assert.equal(taken, true, 'settled() resolved only after the walk');
		// A task that started once settled() resolved (as every task in the shared tree does).
		writeFileSync(join(workspace, 'stray.txt'), 'written by a task\n');
		await taking;
		const events = await check.check(context);
		assert.deepEqual(
			events.map(e => (e.type === 'conflict.detected' ? e.path : '')),
			['stray.txt'],
		);
	} finally {
		await watcher.close();
	}
});

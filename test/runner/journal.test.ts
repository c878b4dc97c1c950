// The run journal: run folder layout, append and read back, torn lines, listing runs.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {
	appendEvent,
	closeJournal,
	createRunDir,
	latestUnfinishedRun,
	listRuns,
	logPathFor,
	newRunId,
	openGroups,
	readEvents,
	readSummary,
	writeSummary,
} from '../../source/runner/journal.js';
import {tempDir} from './helpers.js';

const {dir: workspace, cleanup} = tempDir('fanout-journal-');
after(cleanup);

test('run ids sort by time and never repeat', () => {
	const ids = Array.from({length: 200}, () => newRunId());
	assert.equal(new Set(ids).size, ids.length);
	assert.deepEqual([...ids].sort(), ids);
	assert.match(ids[0]!, /^\d{8}-\d{6}-\d{3}-[0-9a-f]{4}$/);
	assert.ok(newRunId(new Date('2030-01-01T00:00:00Z')).startsWith('20300101-000000-'));
});

test('createRunDir lays out the folder and a catch-all .gitignore', () => {
	const id = newRunId();
	const runDir = createRunDir(workspace, id, 'name: demo\n');
	assert.equal(runDir, join(workspace, '.fanout', 'runs', id));
	assert.equal(readFileSync(join(runDir, 'plan.yaml'), 'utf8'), 'name: demo\n');
	assert.ok(existsSync(join(runDir, 'logs')));
	assert.equal(readFileSync(join(workspace, '.fanout', '.gitignore'), 'utf8'), '*\n');
	assert.equal(logPathFor(runDir, 'db/schema'), join(runDir, 'logs', 'db_schema.log'));
	// git really ignores it.
	const git = spawnSync('git', ['init', '-q'], {cwd: workspace});
	if (git.status === 0) {
		const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], {cwd: workspace, encoding: 'utf8'});
		assert.equal(status.stdout, '');
	}
});

test('events round trip with times; a torn last line is skipped and the next append starts clean', () => {
	const runDir = createRunDir(workspace, newRunId(), 'name: torn\n');
	appendEvent(runDir, {type: 'run.started', planName: 'torn'});
	appendEvent(runDir, {type: 'task.started', taskId: 'a', pid: 101, pgid: 101});
	// The writer is killed mid-line (its descriptor goes with it).
	closeJournal(runDir);
	appendFileSync(join(runDir, 'events.jsonl'), '{"type":"task.exi');
	const events = readEvents(runDir);
	assert.deepEqual(events.map((event) => event.type), ['run.started', 'task.started']);
	assert.ok(!Number.isNaN(Date.parse(events[0]!.time)));
	assert.equal(events[1]!.pgid, 101);
	// The next append (as by `resume` after a kill -9) starts on a fresh line.
	appendEvent(runDir, {type: 'task.exited', taskId: 'a', outcome: 'failed', time: '2026-01-01T00:00:00.000Z'});
	const again = readEvents(runDir);
	assert.deepEqual(again.map((event) => event.type), ['run.started', 'task.started', 'task.exited']);
	assert.equal(again[2]!.time, '2026-01-01T00:00:00.000Z', 'a given time is kept');
	assert.deepEqual(readEvents(join(workspace, 'nowhere')), []);
});

test('events survive a kill -9 of the writer: synchronous appends', () => {
	const runDir = createRunDir(workspace, newRunId(), 'name: killed\n');
	const script = `
		import {appendEvent} from ${JSON.stringify(new URL('../../source/runner/journal.ts', import.meta.url).href)};
		for (let i = 0; i < 50; i++) appendEvent(${JSON.stringify(runDir)}, {type: 'tick', i});
		process.kill(process.pid, 'SIGKILL');
	`;
	const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {encoding: 'utf8'});
	assert.equal(child.signal, 'SIGKILL');
	assert.equal(readEvents(runDir).length, 50);
});

test('openGroups lists started tasks that never exited (for resume)', () => {
	const events = [
		{type: 'task.started', taskId: 'a', pid: 10, pgid: 10, time: ''},
		{type: 'task.started', taskId: 'b', pid: 11, pgid: 11, time: ''},
		{type: 'task.exited', taskId: 'a', outcome: 'passed', time: ''},
		{type: 'task.started', taskId: 'c', pid: 12, time: ''},
	];
	assert.deepEqual(openGroups(events), [
		{taskId: 'b', pid: 11, pgid: 11},
		{taskId: 'c', pid: 12, pgid: 12},
	]);
});

test('summary is written atomically and read back', () => {
	const runDir = createRunDir(workspace, newRunId(), 'name: s\n');
	writeSummary(runDir, {outcome: 'passed', tasks: [{id: 'a'}]});
	assert.deepEqual(readSummary(runDir), {outcome: 'passed', tasks: [{id: 'a'}]});
});

test('listRuns: plan, started, status and ok/failed counts; latest unfinished', () => {
	const {dir: ws, cleanup: done} = tempDir('fanout-runs-');
	try {
		assert.deepEqual(listRuns(ws), []);
		const first = createRunDir(ws, newRunId(new Date('2026-01-01T10:00:00Z')), 'name: from-yaml\n');
		appendEvent(first, {type: 'task.started', taskId: 'a', pid: 1, pgid: 1});
		const second = createRunDir(ws, newRunId(new Date('2026-01-02T10:00:00Z')), 'name: ignored\n');
		appendEvent(second, {type: 'run.started', planName: 'second-plan'});
		appendEvent(second, {type: 'task.exited', taskId: 'a', outcome: 'failed'});
		appendEvent(second, {type: 'task.exited', taskId: 'a', outcome: 'passed'}); // retried
		appendEvent(second, {type: 'task.exited', taskId: 'b', outcome: 'failed'});
		appendEvent(second, {type: 'task.exited', taskId: 'c', outcome: 'passed'});
		appendEvent(second, {type: 'run.finished', outcome: 'failed'});
		const third = createRunDir(ws, newRunId(new Date('2026-01-03T10:00:00Z')), 'name: third\n');
		appendEvent(third, {type: 'run.started', planName: 'third'});
		const runs = listRuns(ws);
		assert.deepEqual(
			runs.map((run) => [run.planName, run.status, run.ok, run.failed, run.outcome]),
			[
				['from-yaml', 'unfinished', 0, 0, undefined],
				['second-plan', 'finished', 2, 1, 'failed'],
				['third', 'unfinished', 0, 0, undefined],
			],
		);
		assert.ok(runs[1]!.started);
		assert.equal(latestUnfinishedRun(ws)?.dir, third);
	} finally {
		done();
	}
});

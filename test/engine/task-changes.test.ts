// A task's changes in the shared working tree of a real git repository: recorded at its end
// against the snapshot of its phase's start (its owned paths and the stray files it touched,
// nothing of another task's, nothing of .fanout), read back from the run folder; nothing
// recorded outside a git repository.

import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {JournalEntry} from '../../source/machine/journal-events.js';
import type {OrchestratorContext, TaskRun} from '../../source/machine/types.js';
import type {Plan, Task} from '../../source/plan/types.js';
import {createSharedChangeRecorder, readTaskChanges, type TaskChangesEntry} from '../../source/engine/task-changes.js';
import {patchPath} from '../../source/runner/git/diff.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function folder(files: Record<string, string>, repo: boolean): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-changes-'));
	dirs.push(dir);
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(join(dir, path, '..'), {recursive: true});
		writeFileSync(join(dir, path), text);
	}
	if (repo) {
		const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'commit.gpgsign=false', ...args], {cwd: dir, stdio: 'ignore'});
		git('init', '-q');
		git('add', '-A');
		git('commit', '-q', '-m', 'start');
	}
	return dir;
}

const task = (id: string, owns: string[]): Task => ({id, owns, reads: [], dependsOn: [], env: {}, run: 'true'});
const plan: Plan = {name: 'p', pattern: 'module', ignore: [], verify: [], phases: [{name: 'one', mode: 'parallel', tasks: [task('api', ['src/api/**']), task('db', ['src/db/**'])]}]};
const run = (id: string, extra: Partial<TaskRun> = {}): TaskRun => ({id, phaseIndex: 0, status: 'passed', attempts: 1, changedFiles: [], ...extra});

function recorderFor(workspace: string, tasks: Record<string, TaskRun>) {
	const runDir = join(workspace, '.fanout', 'runs', 'r1');
	mkdirSync(runDir, {recursive: true});
	const recorded: TaskChangesEntry[] = [];
	const context = {plan, tasks} as unknown as OrchestratorContext;
	const recorder = createSharedChangeRecorder({workspace, runDir, context: () => context, onRecorded: entry => recorded.push(entry)});
	return {runDir, recorder, recorded};
}

const entry = (value: object) => value as JournalEntry;

test('records what a task changed in its owned paths and the stray files it touched, with its patch', async () => {
	const ws = folder({'src/api/a.js': 'one\ntwo\n', 'src/api/gone.js': 'x\n', 'src/db/b.js': 'db\n', 'History.md': '# history\n'}, true);
	const {runDir, recorder, recorded} = recorderFor(ws, {api: run('api', {changedFiles: ['History.md']}), db: run('db')});
	recorder.note(entry({type: 'phase.started', at: 1, phaseIndex: 0, name: 'one', tasks: ['api', 'db']}));
	// The phase's snapshot is taken before the task writes.
	await recorder.settled();
	writeFileSync(join(ws, 'src/api/a.js'), 'one\nTWO\nthree\n');
	writeFileSync(join(ws, 'src/api/new.js'), 'fresh\n');
	unlinkSync(join(ws, 'src/api/gone.js'));
	writeFileSync(join(ws, 'History.md'), '# history\nstray line\n');
	writeFileSync(join(ws, 'src/db/b.js'), 'db changed\n');
	recorder.note(entry({type: 'task.exited', at: 2, taskId: 'api', outcome: 'passed', exitCode: 0, signal: null, attempt: 1}));
	await recorder.settled();
	assert.equal(recorded.length, 1);
	const changes = readTaskChanges(runDir, 'api');
	assert.ok(changes);
	assert.deepEqual(
		changes.files.map(f => [f.path, f.status, f.added, f.removed]),
		[
			['History.md', 'modified', 1, 0],
			['src/api/a.js', 'modified', 2, 1],
			['src/api/gone.js', 'deleted', 0, 1],
			['src/api/new.js', 'added', 1, 0],
		],
	);
	assert.match(changes.patch, /^\+TWO$/m);
	assert.match(changes.patch, /^-two$/m);
	assert.doesNotMatch(changes.patch, /db changed/);
	assert.equal(readFileSync(patchPath(runDir, 'api'), 'utf8'), changes.patch);
	// db has not ended: nothing is recorded for it.
	assert.equal(readTaskChanges(runDir, 'db'), undefined);
	// The user's own index is untouched: nothing is staged.
	assert.equal(execFileSync('git', ['diff', '--cached', '--name-only'], {cwd: ws, encoding: 'utf8'}), '');
});

test('outside a git repository nothing is recorded', async () => {
	const ws = folder({'src/api/a.js': 'one\n'}, false);
	const {runDir, recorder, recorded} = recorderFor(ws, {api: run('api'), db: run('db')});
	recorder.note(entry({type: 'phase.started', at: 1, phaseIndex: 0, name: 'one', tasks: ['api']}));
	writeFileSync(join(ws, 'src/api/a.js'), 'two\n');
	recorder.note(entry({type: 'task.exited', at: 2, taskId: 'api', outcome: 'passed', exitCode: 0, signal: null, attempt: 1}));
	await recorder.settled();
	assert.deepEqual(recorded, []);
	assert.equal(readTaskChanges(runDir, 'api'), undefined);
});

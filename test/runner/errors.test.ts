// Words for the user's own setup: an errno, a path and an action become one sentence naming the
// path and the fix; real failures (a file where .fanout should be, a torn journal) read back.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describeIoError, IoFailure, ioSentence, isOutOfSpace, showPath, withIo} from '../../source/runner/errors.js';
import {appendEvent, createRunDir, listRuns, newRunId} from '../../source/runner/journal.js';
import {tempDir} from './helpers.js';

const {dir, cleanup} = tempDir('fanout-errors-');
after(cleanup);

test('each setup errno gets a sentence naming the path, what fanout did, and the fix', () => {
	const path = join(dir, '.fanout', 'runs', 'r1', 'events.jsonl');
	const words = (code: string) => ioSentence(code, path, 'writing', dir);
	assert.equal(words('ENOSPC'), 'the disk is full (writing .fanout/runs/r1/events.jsonl). Free some space on that disk');
	assert.equal(words('EDQUOT'), 'your disk quota is used up (writing .fanout/runs/r1/events.jsonl). Free some space, or ask for a bigger quota');
	assert.equal(words('EROFS'), 'the filesystem is read-only (writing .fanout/runs/r1/events.jsonl). Run fanout in a writable folder, or remount that filesystem read-write');
	// Permission: the fix names the nearest folder that exists (the one to make writable).
	assert.match(words('EACCES')!, /^permission denied \(writing \.fanout\/runs\/r1\/events\.jsonl\)\. Make fanout-errors-[^ ]* writable for you|^permission denied \(writing \.fanout\/runs\/r1\/events\.jsonl\)\. Make \/.* writable for you/);
	assert.equal(words('EBADF'), undefined, 'not the user\'s setup: a bug, said as one');
	assert.equal(words('ENOTDIR'), 'a part of the path is a file, not a folder (writing .fanout/runs/r1/events.jsonl). Move or rename that file');
});

test('a file where .fanout should be: createRunDir fails with an IoFailure that names the file', () => {
	const workspace = join(dir, 'ws-file');
	mkdirSync(workspace);
	writeFileSync(join(workspace, '.fanout'), 'x');
	let caught: unknown;
	try {
		createRunDir(workspace, 'r2', 'name: x\n');
	} catch (error) {
		caught = error;
	}
	assert.ok(caught instanceof IoFailure);
	assert.equal(caught.code, 'ENOTDIR');
	assert.equal(
		describeIoError(caught, workspace),
		'.fanout is a file, not a folder (creating .fanout/runs/r2/logs). Move or rename that file so fanout can make the folder',
	);
});

test('withIo keeps the path of a write that Node reports without one; out of space is told apart', () => {
	const failure = (() => {
		try {
			return withIo('/x/log', 'writing', () => {
				throw Object.assign(new Error('no space left on device, write'), {code: 'ENOSPC', syscall: 'write'});
			});
		} catch (error) {
			return error;
		}
	})();
	assert.ok(failure instanceof IoFailure);
	assert.equal(failure.path, '/x/log');
	assert.ok(isOutOfSpace(failure));
	assert.ok(!isOutOfSpace(Object.assign(new Error('x'), {code: 'EACCES'})));
	assert.equal(describeIoError(new Error('plain bug')), undefined);
	assert.equal(showPath('/elsewhere/file', dir), '/elsewhere/file');
});

test('a journal torn by a full disk still lists, as unfinished (resumable)', () => {
	const workspace = join(dir, 'ws-torn');
	mkdirSync(workspace);
	const runDir = createRunDir(workspace, newRunId(), 'name: torn\n');
	appendEvent(runDir, {type: 'run.started', planName: 'torn'});
	appendEvent(runDir, {type: 'task.exited', taskId: 'a', outcome: 'passed'});
	appendFileSync(join(runDir, 'events.jsonl'), '{"time":"2026-12-05T04:00:00.000Z","type":"task.report","at":1,"taskId":"b","report":"0000');
	const [run] = listRuns(workspace);
	assert.equal(run?.planName, 'torn');
	assert.equal(run?.status, 'unfinished');
	assert.equal(run?.ok, 1);
});

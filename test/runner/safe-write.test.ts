// Safe writes: the new text lands whole, and a write that fails on purpose (as root too) leaves
// the old file intact, removes its temporary file, and names the path.

import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, test} from 'node:test';
import {SafeWriteError, tryWriteFileSafely, writeFileSafely} from '../../source/runner/safe-write.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-safe-write-'));
	dirs.push(dir);
	return dir;
}

test('writes a new file and replaces an old one, leaving no temporary file behind', () => {
	const dir = tempDir();
	const file = join(dir, 'plan.yaml');
	writeFileSafely(file, 'name: one\n');
	assert.equal(readFileSync(file, 'utf8'), 'name: one\n');
	writeFileSafely(file, 'name: two\n');
	assert.equal(readFileSync(file, 'utf8'), 'name: two\n');
	assert.deepEqual(readdirSync(dir), ['plan.yaml']);
});

test('a failed rename (the target is a non-empty folder) leaves the old content and no temp file', () => {
	// rename(2) over a non-empty directory fails for root too, unlike a read-only folder.
	const dir = tempDir();
	const target = join(dir, 'plan.yaml');
	mkdirSync(target);
	writeFileSync(join(target, 'keep.txt'), 'old\n');
	assert.throws(
		() => writeFileSafely(target, 'name: new\n'),
		(error: unknown) => error instanceof SafeWriteError && error.path === target && error.message.startsWith(`cannot write ${target}: `) && !error.message.includes('\n    at '),
	);
	assert.equal(readFileSync(join(target, 'keep.txt'), 'utf8'), 'old\n');
	assert.deepEqual(readdirSync(dir), ['plan.yaml']);
});

test('a failed temp file (its folder is a file) leaves the old file whole and names the path', () => {
	// The "folder" is a regular file: open(2) fails with ENOTDIR whoever runs the test.
	const dir = tempDir();
	const notAFolder = join(dir, 'plans');
	writeFileSync(notAFolder, 'name: old\n');
	const target = join(notAFolder, 'plan.yaml');
	const message = tryWriteFileSafely(target, 'name: new\n');
	assert.equal(message, `cannot write ${target}: a part of the path is a file`);
	assert.equal(readFileSync(notAFolder, 'utf8'), 'name: old\n');
});

test('an existing file whose temporary file cannot be made keeps its old text', () => {
	// A 250-byte name is valid, but its temporary name (longer) is not: open fails for root too.
	const dir = tempDir();
	const file = join(dir, `${'p'.repeat(245)}.yaml`);
	writeFileSync(file, 'name: old\n# a comment\n');
	assert.throws(() => writeFileSafely(file, 'name: new\n'), /: the name is too long$/);
	assert.equal(readFileSync(file, 'utf8'), 'name: old\n# a comment\n');
	assert.deepEqual(readdirSync(dir), [`${'p'.repeat(245)}.yaml`]);
});

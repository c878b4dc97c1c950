// snapshotTree and diffSnapshots on real temp dirs: the phase-end check.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {createIgnore} from '../../source/runner/ignore.js';
import {diffSnapshots, snapshotTree, type Snapshot} from '../../source/runner/file-snapshot.js';

const dirs: string[] = [];
after(() => {
	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fanout-scan-'));
	dirs.push(dir);
	return dir;
}

function write(root: string, rel: string, text = 'x\n'): void {
	mkdirSync(path.dirname(path.join(root, rel)), {recursive: true});
	writeFileSync(path.join(root, rel), text);
}

const kinds = (before: Snapshot, after: Snapshot) => diffSnapshots(before, after, 1).map(c => `${c.kind} ${c.path}`);

test('the snapshot lists every file with size and mtime, dotfiles included, directories not', async () => {
	const root = tempDir();
	write(root, 'a.txt', 'abc');
	write(root, '.env', 'k=v');
	write(root, 'src/deep/b.ts', '12345');
	mkdirSync(path.join(root, 'empty'));
	const snapshot = await snapshotTree(root, await createIgnore(root, []));
	assert.deepEqual([...snapshot.keys()].sort(), ['.env', 'a.txt', 'src/deep/b.ts']);
	assert.equal(snapshot.get('src/deep/b.ts')?.size, 5);
	assert.ok((snapshot.get('a.txt')?.mtimeMs ?? 0) > 0);
});

test('the diff finds added, changed, deleted and renamed files, sorted by path', async () => {
	const root = tempDir();
	write(root, 'same.txt');
	write(root, 'grow.txt', 'a');
	write(root, 'touched.txt', 'same size');
	write(root, 'gone.txt');
	write(root, 'dir/old-name.txt');
	const ignore = await createIgnore(root, []);
	const before = await snapshotTree(root, ignore);
	write(root, 'grow.txt', 'ab');
	// Same size, new time: only the time can show it.
	utimesSync(path.join(root, 'touched.txt'), new Date(), new Date(Date.now() + 5000));
	unlinkSync(path.join(root, 'gone.txt'));
	renameSync(path.join(root, 'dir/old-name.txt'), path.join(root, 'dir/new-name.txt'));
	write(root, 'new/nested/file.txt');
	const afterSnapshot = await snapshotTree(root, ignore);
	assert.deepEqual(kinds(before, afterSnapshot), [
		'add dir/new-name.txt',
		'unlink dir/old-name.txt',
		'unlink gone.txt',
		'change grow.txt',
		'add new/nested/file.txt',
		'change touched.txt',
	]);
	assert.deepEqual(kinds(afterSnapshot, afterSnapshot), []);
	assert.ok(diffSnapshots(before, afterSnapshot).every(c => c.at > 1000), 'at defaults to now');
});

test('ignored files are not in the snapshot: fixed dirs, plan globs, git-ignored paths', async () => {
	const root = tempDir();
	execFileSync('git', ['init', '-q'], {cwd: root});
	write(root, '.gitignore', 'dist/\n*.log\n');
	write(root, 'dist/a.js');
	write(root, 'x.log');
	write(root, 'node_modules/p/i.js');
	write(root, 'sub/node_modules/q.js');
	write(root, '.fanout/run/journal');
	write(root, 'tmp/a');
	write(root, 'src/kept.ts');
	const snapshot = await snapshotTree(root, await createIgnore(root, ['tmp/**']));
	assert.deepEqual([...snapshot.keys()].sort(), ['.gitignore', 'src/kept.ts']);
});

test('a missing workspace gives an empty snapshot', async () => {
	const snapshot = await snapshotTree(path.join(tempDir(), 'missing'), await createIgnore(tempDir(), []));
	assert.equal(snapshot.size, 0);
});

test('symlinks are not followed: a link to a file is listed, a linked directory is not walked', async () => {
	const root = tempDir();
	write(root, 'real/f.txt');
	execFileSync('ln', ['-s', 'real', 'dirlink'], {cwd: root});
	execFileSync('ln', ['-s', 'real/f.txt', 'filelink'], {cwd: root});
	const snapshot = await snapshotTree(root, await createIgnore(root, []));
	assert.deepEqual([...snapshot.keys()].sort(), ['dirlink', 'filelink', 'real/f.txt']);
});

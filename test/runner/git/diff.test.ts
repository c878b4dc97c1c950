import assert from 'node:assert/strict';
import {chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {diffWorktree, patchPath, writePatch} from '../../../source/runner/git/diff.js';
import {changesFromDiff, parseNumstat, parseRaw, toRepoPath, toWorkspacePath} from '../../../source/runner/git/diff-parse.js';
import {splitByOwnership, touchedPaths} from '../../../source/runner/git/split.js';
import {WorktreePool} from '../../../source/runner/git/pool.js';
import {takeSnapshot} from '../../../source/runner/git/snapshot.js';
import type {TaskFileChange, Worktree} from '../../../source/runner/git/types.js';
import {makePackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap} from './helpers.js';

/** Every kind of change a task can make, in the worktree's workspace folder. */
function editEverything(tree: Worktree): void {
	const at = (path: string) => join(tree.cwd, path);
	writeFileSync(at('lib/router/index.js'), `${readFileSync(at('lib/router/index.js'), 'utf8')}// one more line\n`);
	writeFileSync(at('lib/router/params.js'), "'use strict';\n\nmodule.exports = {};\n");
	rmSync(at('lib/view.js'));
	renameSync(at('lib/middleware/query.js'), at('lib/middleware/parse-query.js'));
	chmodSync(at('test/app.js'), 0o755);
	writeFileSync(at('docs/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4, 5]));
	// Through the link, into the user's node_modules: never part of the task's diff.
	writeFileSync(at('node_modules/tiny-escape/extra.js'), 'x\n');
}

const expected: TaskFileChange[] = [
	{path: 'docs/logo.png', status: 'modified', added: null, removed: null, binary: true},
	{path: 'lib/middleware/parse-query.js', status: 'renamed', from: 'lib/middleware/query.js', added: 0, removed: 0, binary: false},
	{path: 'lib/router/index.js', status: 'modified', added: 1, removed: 0, binary: false},
	{path: 'lib/router/params.js', status: 'added', added: 3, removed: 0, binary: false},
	{path: 'lib/view.js', status: 'deleted', added: 0, removed: 10, binary: false},
	{path: 'test/app.js', status: 'mode', added: 0, removed: 0, binary: false},
];

for (const subfolder of [undefined, 'packages/trellis']) {
	test(`diffWorktree sees edits, new, deleted, renamed, mode-changed and binary files${subfolder ? ' (subfolder workspace)' : ''}`, async () => {
		const repo = makePackageRepo(subfolder ? {subfolder} : {});
		const pool = unwrap(await WorktreePool.open(repo.workspace));
		try {
			const snap = unwrap(await takeSnapshot(repo.workspace));
			const [tree] = unwrap(await pool.acquire(1, snap.commit));
			assert.deepEqual(unwrap(await diffWorktree(tree!)).files, [], 'a fresh worktree has no change');
			editEverything(tree!);
			const diff = unwrap(await diffWorktree(tree!, snap.commit));
			assert.deepEqual(diff.files, expected);
			const prefix = subfolder ? `${subfolder}/` : '';
			assert.match(diff.patch, new RegExp(`^diff --git a/${prefix}docs/logo.png b/${prefix}docs/logo.png$`, 'm'));
			assert.match(diff.patch, /^\+\/\/ one more line$/m);
			assert.match(diff.patch, /^old mode 100644\nnew mode 100755$/m);
			assert.doesNotMatch(diff.patch, /node_modules/);
			// The task's own git state is untouched: its index still matches the snapshot.
			assert.equal(unwrap(await diffWorktree(tree!)).files.length, 6, 'diffing twice gives the same answer');
		} finally {
			await pool.cleanup();
			repo.cleanup();
		}
	});
}

test('a change outside a subfolder workspace is reported with a ../ path', async () => {
	const repo = makePackageRepo({subfolder: 'packages/trellis'});
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace));
		const [tree] = unwrap(await pool.acquire(1, snap.commit));
		writeFileSync(join(tree!.root, 'README.md'), '# changed from inside a task\n');
		const {files} = unwrap(await diffWorktree(tree!));
		assert.deepEqual(files.map(f => f.path), ['../../README.md']);
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('writePatch saves <runDir>/diffs/<task>.patch', () => {
	const repo = makePackageRepo({dirty: false});
	try {
		const path = patchPath(join(repo.root, '.fanout/runs/r1'), 'router');
		writePatch(path, 'diff --git a/x b/x\n');
		assert.equal(path, join(repo.root, '.fanout/runs/r1/diffs/router.patch'));
		assert.ok(existsSync(path));
	} finally {
		repo.cleanup();
	}
});

test('parsing raw and numstat -z output, including paths with spaces, tabs and newlines', () => {
	const raw = ':100644 100644 aaaa bbbb M\0a b.txt\0:000000 100644 0000 cccc A\0new\tfile\0:100644 100644 dddd dddd R100\0old\nname\0new name\0';
	const numstat = '2\t1\ta b.txt\0' + '3\t0\tnew\tfile\0' + '0\t0\t\0old\nname\0new name\0';
	assert.equal(parseRaw(raw).length, 3);
	assert.equal(parseNumstat(numstat).get('new name')?.added, 0);
	assert.deepEqual(changesFromDiff(raw, numstat, ''), [
		{path: 'a b.txt', status: 'modified', added: 2, removed: 1, binary: false},
		{path: 'new\tfile', status: 'added', added: 3, removed: 0, binary: false},
		{path: 'new name', status: 'renamed', from: 'old\nname', added: 0, removed: 0, binary: false},
	]);
	assert.equal(toWorkspacePath('pkg/a/b.js', 'pkg/a/'), 'b.js');
	assert.equal(toWorkspacePath('other/c.js', 'pkg/a/'), '../../other/c.js');
	assert.equal(toRepoPath('b.js', 'pkg/a/'), 'pkg/a/b.js');
	assert.equal(toRepoPath('../../other/c.js', 'pkg/a/'), 'other/c.js');
});

test('splitByOwnership: a rename is owned only when both its paths are', () => {
	const change = (path: string, from?: string): TaskFileChange => ({path, status: from ? 'renamed' : 'modified', ...(from ? {from} : {}), added: 1, removed: 0, binary: false});
	const owns = (path: string) => path.startsWith('lib/router/');
	const changes = [change('lib/router/index.js'), change('History.md'), change('lib/router/b.js', 'lib/router/a.js'), change('lib/router/c.js', 'lib/utils.js'), change('lib/x.js', 'lib/router/y.js')];
	const {owned, stray} = splitByOwnership(changes, owns);
	assert.deepEqual(owned.map(c => c.path), ['lib/router/index.js', 'lib/router/b.js']);
	assert.deepEqual(stray.map(c => c.path), ['History.md', 'lib/router/c.js', 'lib/x.js']);
	assert.deepEqual(touchedPaths(owned), ['lib/router/a.js', 'lib/router/b.js', 'lib/router/index.js']);
});

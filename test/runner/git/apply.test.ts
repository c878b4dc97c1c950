import assert from 'node:assert/strict';
import {chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {applyChanges} from '../../../source/runner/git/apply.js';
import {diffWorktree} from '../../../source/runner/git/diff.js';
import {splitByOwnership} from '../../../source/runner/git/split.js';
import {WorktreePool} from '../../../source/runner/git/pool.js';
import {takeSnapshot} from '../../../source/runner/git/snapshot.js';
import type {Worktree} from '../../../source/runner/git/types.js';
import {makePackageRepo, type PackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap, userState} from './helpers.js';

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4, 5]);

/** The router task: owns lib/router/**, and writes History.md too (a stray change). */
function routerTask(tree: Worktree): void {
	const at = (path: string) => join(tree.cwd, path);
	writeFileSync(at('lib/router/index.js'), `${readFileSync(at('lib/router/index.js'), 'utf8')}// router: one more line\n`);
	writeFileSync(at('lib/router/params.js'), "'use strict';\n\nmodule.exports = {};\n");
	renameSync(at('lib/router/layer.js'), at('lib/router/stack-layer.js'));
	writeFileSync(at('History.md'), 'stray line\n');
}

/** The core task: owns lib/*.js, docs/**, test/**. */
function coreTask(tree: Worktree): void {
	const at = (path: string) => join(tree.cwd, path);
	rmSync(at('lib/view.js'));
	chmodSync(at('test/app.js'), 0o755);
	writeFileSync(at('docs/logo.png'), BINARY);
	writeFileSync(at('lib/utils.js'), `${readFileSync(at('lib/utils.js'), 'utf8')}// core was here\n`);
}

const ownsRouter = (path: string) => path.startsWith('lib/router/');
const ownsCore = (path: string) => /^lib\/[^/]+\.js$/.test(path) || path.startsWith('docs/') || path.startsWith('test/');

/** Runs both tasks in their worktrees and returns what each owns and strays. */
async function runTasks(repo: PackageRepo, pool: WorktreePool) {
	const snap = unwrap(await takeSnapshot(repo.workspace));
	const [router, core] = unwrap(await pool.acquire(2, snap.commit));
	routerTask(router!);
	coreTask(core!);
	const routerSplit = splitByOwnership(unwrap(await diffWorktree(router!)).files, ownsRouter);
	const coreSplit = splitByOwnership(unwrap(await diffWorktree(core!)).files, ownsCore);
	return {snap, router: router!, core: core!, routerSplit, coreSplit};
}

/** The user's git state that applying must leave alone (status changes: that is the point). */
function gitState(repo: PackageRepo) {
	const {status: _status, ...rest} = userState(repo);
	return rest;
}

for (const subfolder of [undefined, 'packages/trellis']) {
	test(`applyChanges writes the owned edits, new files, renames, deletions, modes and binaries, and nothing stray${subfolder ? ' (subfolder workspace)' : ''}`, async () => {
		const repo = makePackageRepo(subfolder ? {subfolder} : {});
		const pool = unwrap(await WorktreePool.open(repo.workspace));
		try {
			const {snap, router, core, routerSplit, coreSplit} = await runTasks(repo, pool);
			assert.deepEqual(routerSplit.stray.map(c => c.path), ['History.md']);
			const before = gitState(repo);
			const historyBefore = repo.read('History.md');
			const appliedRouter = await applyChanges(pool.facts, snap.commit, router, routerSplit.owned);
			assert.deepEqual(appliedRouter, {ok: true, applied: ['lib/router/index.js', 'lib/router/layer.js', 'lib/router/params.js', 'lib/router/stack-layer.js']});
			const appliedCore = await applyChanges(repo.workspace, snap.commit, core, coreSplit.owned);
			assert.ok(appliedCore.ok, appliedCore.ok ? '' : appliedCore.message);
			assert.match(repo.read('lib/router/index.js'), /router: one more line\n$/);
			assert.ok(existsSync(join(repo.workspace, 'lib/router/params.js')));
			assert.ok(!existsSync(join(repo.workspace, 'lib/router/layer.js')));
			assert.match(repo.read('lib/router/stack-layer.js'), /class Layer/);
			assert.ok(!existsSync(join(repo.workspace, 'lib/view.js')));
			assert.equal(statSync(join(repo.workspace, 'test/app.js')).mode & 0o777, 0o755);
			assert.deepEqual(readFileSync(join(repo.workspace, 'docs/logo.png')), BINARY);
			assert.match(repo.read('lib/utils.js'), /exports\.noop[\s\S]*core was here/, "the user's uncommitted edit is kept under the task's");
			assert.equal(repo.read('History.md'), historyBefore, 'the stray change is not applied');
			assert.deepEqual(gitState(repo), before, 'HEAD, index, branches and stash untouched');
		} finally {
			await pool.cleanup();
			repo.cleanup();
		}
	});
}

test('a file the user changed since the snapshot is a conflict, and nothing of that task is written', async () => {
	const repo = makePackageRepo();
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const {snap, router, routerSplit} = await runTasks(repo, pool);
		repo.write('lib/router/index.js', '// the user rewrote the router meanwhile\n');
		const result = await applyChanges(pool.facts, snap.commit, router, routerSplit.owned);
		assert.equal(result.ok, false);
		assert.deepEqual(result.ok ? [] : result.conflicts, ['lib/router/index.js']);
		assert.equal(repo.read('lib/router/index.js'), '// the user rewrote the router meanwhile\n');
		assert.ok(!existsSync(join(repo.workspace, 'lib/router/params.js')), 'all or nothing');
		assert.ok(existsSync(join(repo.workspace, 'lib/router/layer.js')), 'all or nothing');
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('a file the user created, deleted or renamed away since the snapshot is a conflict', async () => {
	const repo = makePackageRepo();
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const {snap, router, routerSplit} = await runTasks(repo, pool);
		repo.write('lib/router/params.js', '// the user had the same idea\n');
		rmSync(join(repo.workspace, 'lib/router/layer.js'));
		const result = await applyChanges(pool.facts, snap.commit, router, routerSplit.owned);
		assert.deepEqual(result.ok ? [] : [...result.conflicts].sort(), ['lib/router/layer.js', 'lib/router/params.js']);
		assert.equal(repo.read('lib/router/params.js'), '// the user had the same idea\n');
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('the order tasks are applied in does not matter', async () => {
	const trees: string[] = [];
	for (const order of ['router-first', 'core-first']) {
		const repo = makePackageRepo();
		const pool = unwrap(await WorktreePool.open(repo.workspace));
		try {
			const {snap, router, core, routerSplit, coreSplit} = await runTasks(repo, pool);
			const steps = [() => applyChanges(pool.facts, snap.commit, router, routerSplit.owned), () => applyChanges(pool.facts, snap.commit, core, coreSplit.owned)];
			if (order === 'core-first') steps.reverse();
			for (const step of steps) assert.equal((await step()).ok, true);
			trees.push(unwrap(await takeSnapshot(repo.workspace)).tree);
		} finally {
			await pool.cleanup();
			repo.cleanup();
		}
	}
	assert.equal(trees[0], trees[1]);
});

test('nothing to apply is a success that writes nothing', async () => {
	const repo = makePackageRepo();
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace));
		const [tree] = unwrap(await pool.acquire(1, snap.commit));
		assert.deepEqual(await applyChanges(pool.facts, snap.commit, tree!, []), {ok: true, applied: []});
		const outside = await applyChanges(pool.facts, snap.commit, tree!, [{path: '../escape.txt', status: 'added', added: 1, removed: 0, binary: false}]);
		assert.deepEqual(outside, {ok: false, conflicts: [], message: 'cannot apply a change outside the repository: ../escape.txt'});
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, lstatSync, readFileSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {WorktreePool, poolWorktreesDir, type AcquireProgress} from '../../../source/runner/git/pool.js';
import {takeSnapshot} from '../../../source/runner/git/snapshot.js';
import {makePackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap, userState} from './helpers.js';

test('acquire creates detached worktrees outside the user\'s tree, with node_modules linked so npm test runs there', async () => {
	const repo = makePackageRepo();
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace));
		const before = userState(repo);
		const progress: AcquireProgress[] = [];
		const trees = unwrap(await pool.acquire(3, snap.commit, p => progress.push(p)));
		assert.deepEqual(trees.map(t => t.slot), ['slot-1', 'slot-2', 'slot-3']);
		assert.equal(progress.length, 3);
		assert.deepEqual(progress.map(p => p.done).sort(), [1, 2, 3]);
		assert.ok(progress.every(p => p.cold && p.total === 3));
		for (const tree of trees) {
			assert.ok(tree.root.startsWith(join(repo.root, '.git', 'fanout')), tree.root);
			assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], {cwd: tree.root, encoding: 'utf8'}).trim(), snap.commit);
			assert.throws(() => execFileSync('git', ['symbolic-ref', '-q', 'HEAD'], {cwd: tree.root, stdio: 'ignore'}), 'detached HEAD');
			assert.match(readFileSync(join(tree.cwd, 'docs/notes.md'), 'utf8'), /view caching/, 'untracked file of the snapshot');
			assert.ok(lstatSync(join(tree.cwd, 'node_modules')).isSymbolicLink());
			assert.equal(readlinkSync(join(tree.cwd, 'node_modules')), join(repo.workspace, 'node_modules'));
			assert.deepEqual(tree.linked, ['node_modules']);
		}
		const output = execFileSync('npm', ['test'], {cwd: trees[0]!.cwd, encoding: 'utf8', env: {...process.env, npm_config_update_notifier: 'false'}});
		assert.match(output, /trellis: all tests passed/);
		assert.deepEqual(userState(repo), before, 'status, index, HEAD, branches and stash unchanged');
		assert.equal(repo.git(['branch', '--list']).trim(), '* main');
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('acquire moves released worktrees to a new snapshot: old edits, untracked and ignored files gone, linked folders intact', async () => {
	const repo = makePackageRepo();
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const first = unwrap(await takeSnapshot(repo.workspace));
		const [tree] = unwrap(await pool.acquire(1, first.commit));
		// A task's leftovers: an edit, a new file, an ignored file, a nested repository.
		writeFileSync(join(tree!.cwd, 'lib/view.js'), 'broken\n');
		writeFileSync(join(tree!.cwd, 'scratch.txt'), 'x\n');
		writeFileSync(join(tree!.cwd, 'debug.log'), 'x\n');
		execFileSync('git', ['init', '-q', join(tree!.cwd, 'vendored')]);
		pool.release([tree!]);
		repo.write('lib/request.js', '// changed by the user\n');
		const second = unwrap(await takeSnapshot(repo.workspace));
		const progress: AcquireProgress[] = [];
		const [moved] = unwrap(await pool.acquire(1, second.commit, p => progress.push(p)));
		assert.equal(moved!.slot, tree!.slot);
		assert.equal(progress[0]!.cold, false);
		assert.equal(readFileSync(join(moved!.cwd, 'lib/request.js'), 'utf8'), '// changed by the user\n');
		assert.notEqual(readFileSync(join(moved!.cwd, 'lib/view.js'), 'utf8'), 'broken\n');
		for (const gone of ['scratch.txt', 'debug.log', 'vendored']) assert.ok(!existsSync(join(moved!.cwd, gone)), gone);
		assert.ok(existsSync(join(repo.workspace, 'node_modules/tiny-escape/index.js')), "git clean never follows the link into the user's node_modules");
		assert.ok(lstatSync(join(moved!.cwd, 'node_modules')).isSymbolicLink());
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('busy slots are never lent twice; a slot deleted by hand is made again', async () => {
	const repo = makePackageRepo({dirty: false});
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const head = repo.git(['rev-parse', 'HEAD']).trim();
		const a = unwrap(await pool.acquire(2, head));
		const b = unwrap(await pool.acquire(1, head));
		assert.deepEqual(b.map(t => t.slot), ['slot-3']);
		pool.release([...a, ...b]);
		rmSync(join(poolWorktreesDir(pool.facts), 'slot-2'), {recursive: true, force: true});
		const c = unwrap(await pool.acquire(3, head));
		assert.deepEqual(c.map(t => t.slot).sort(), ['slot-1', 'slot-2', 'slot-3']);
		assert.doesNotMatch(repo.git(['worktree', 'list', '--porcelain']), /prunable/);
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('a subfolder workspace: tasks run in the subfolder of the worktree, its node_modules linked there', async () => {
	const repo = makePackageRepo({subfolder: 'packages/trellis'});
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace));
		const [tree] = unwrap(await pool.acquire(1, snap.commit));
		assert.equal(tree!.cwd, join(tree!.root, 'packages/trellis'));
		assert.deepEqual(tree!.linked, ['packages/trellis/node_modules']);
		assert.match(execFileSync('npm', ['test'], {cwd: tree!.cwd, encoding: 'utf8'}), /all tests passed/);
	} finally {
		await pool.cleanup();
		repo.cleanup();
	}
});

test('one pool per workspace at a time; cleanup leaves no worktree, nothing prunable and no branch', async () => {
	const repo = makePackageRepo({dirty: false});
	const pool = unwrap(await WorktreePool.open(repo.workspace));
	try {
		// The lock names a live process: this test's parent stands in for another fanout.
		const lockFile = join(poolWorktreesDir(pool.facts), '..', 'lock');
		writeFileSync(lockFile, `${process.ppid}\n`);
		const second = await WorktreePool.open(repo.workspace);
		assert.equal(second.ok, false);
		assert.match(second.ok ? '' : second.message, new RegExp(`another fanout process \\(pid ${process.ppid}\\)`));
		writeFileSync(lockFile, `${process.pid}\n`);
		unwrap(await pool.acquire(2, repo.git(['rev-parse', 'HEAD']).trim()));
		assert.match(repo.git(['worktree', 'list']), /slot-2/);
		const cleaned = unwrap(await pool.cleanup());
		assert.equal(cleaned.removed.length, 2);
		assert.equal(repo.git(['worktree', 'list', '--porcelain']).split('\n').filter(l => l.startsWith('worktree ')).length, 1);
		assert.doesNotMatch(repo.git(['worktree', 'list', '--porcelain']), /prunable/);
		assert.equal(repo.git(['branch', '--list']).trim(), '* main');
		assert.ok(!existsSync(join(repo.root, '.git', 'fanout')), 'the pool folder is gone');
		unwrap(await WorktreePool.open(repo.workspace)).close(); // the lock was released
	} finally {
		repo.cleanup();
	}
});

import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {cleanCommand} from '../../../source/commands/clean.js';
import type {CommandIO} from '../../../source/commands/io.js';
import {WorktreePool, poolWorktreesDir} from '../../../source/runner/git/pool.js';
import {takeSnapshot} from '../../../source/runner/git/snapshot.js';
import {makePackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap} from './helpers.js';

function capture(cwd: string) {
	const out: string[] = [];
	const err: string[] = [];
	const io: CommandIO = {stdout: t => out.push(t), stderr: t => err.push(t), cwd, color: false, isTTY: false};
	return {io, out: () => out.join(''), err: () => err.join('')};
}

test('fanout clean removes the worktrees (a missing one too), the refs and the pool folder, and says so', async () => {
	const repo = makePackageRepo();
	try {
		const pool = unwrap(await WorktreePool.open(repo.workspace));
		const snap = unwrap(await takeSnapshot(repo.workspace, {keepAs: 'run-1/phase-1'}));
		unwrap(await pool.acquire(3, snap.commit));
		pool.close();
		rmSync(join(poolWorktreesDir(pool.facts), 'slot-3'), {recursive: true, force: true});
		const {io, out} = capture(repo.workspace);
		assert.equal(await cleanCommand([], io), 0);
		assert.match(out(), /^Removed 2 worktrees, 1 ref, 1 stale worktree record:$/m);
		assert.match(out(), /worktree {2}.*slot-1$/m);
		assert.match(out(), /ref {7}refs\/fanout\/[0-9a-f]{12}\/run-1\/phase-1$/m);
		const list = repo.git(['worktree', 'list', '--porcelain']);
		assert.doesNotMatch(list, /prunable|slot-/);
		assert.equal(repo.git(['for-each-ref', 'refs/fanout']), '');
		assert.ok(!existsSync(join(repo.root, '.git', 'fanout')));
		assert.equal(repo.git(['branch', '--list']).trim(), '* main');

		const again = capture(repo.workspace);
		assert.equal(await cleanCommand([], again.io), 0);
		assert.match(again.out(), /^Nothing to clean in .*: no fanout worktrees or refs\.$/m);
	} finally {
		repo.cleanup();
	}
});

test('fanout clean refuses while a run holds the pool, and has nothing to do outside git', async () => {
	const repo = makePackageRepo({dirty: false});
	const plain = realpathSync(mkdtempSync(join(tmpdir(), 'fanout-nogit-')));
	try {
		const pool = unwrap(await WorktreePool.open(repo.workspace));
		// The lock names this test process; a different live pid stands for another fanout.
		writeFileSync(join(poolWorktreesDir(pool.facts), '..', 'lock'), `${process.ppid}\n`);
		const busy = capture(repo.root);
		assert.equal(await cleanCommand(['--workspace', repo.workspace], busy.io), 1);
		assert.match(busy.err(), new RegExp(`^fanout clean: a fanout run \\(pid ${process.ppid}\\) is using this workspace's worktrees; stop it first\\n$`));

		const none = capture(plain);
		assert.equal(await cleanCommand([], none.io), 0);
		assert.match(none.out(), /is not a git repository with a commit, so fanout kept no worktrees there/);
		const bad = capture(plain);
		assert.equal(await cleanCommand(['--nope'], bad.io), 2);
		assert.match(bad.err(), /Usage: fanout clean/);
	} finally {
		repo.cleanup();
		rmSync(plain, {recursive: true, force: true});
	}
});

import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {takeSnapshot} from '../../../source/runner/git/snapshot.js';
import {fanoutRefPrefix} from '../../../source/runner/git/repo.js';
import {makePackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap, userState} from './helpers.js';

test("a snapshot holds committed, staged, unstaged and untracked files, not ignored ones, and leaves the user's git state alone", async () => {
	const repo = makePackageRepo();
	try {
		const before = userState(repo);
		const snap = unwrap(await takeSnapshot(repo.workspace));
		assert.deepEqual(userState(repo), before);
		assert.equal(snap.head, before['head']!.trim());
		assert.equal(repo.git(['rev-parse', `${snap.commit}^`]).trim(), snap.head);
		const files = repo.git(['ls-tree', '-r', '--name-only', snap.commit]).split('\n');
		assert.ok(files.includes('docs/notes.md'), 'untracked file');
		assert.ok(files.includes('lib/router/index.js'), 'committed file');
		assert.ok(!files.some(f => f.startsWith('node_modules/')), 'ignored folder left out');
		assert.match(repo.git(['show', `${snap.commit}:lib/utils.js`]), /exports\.noop/, 'unstaged edit');
		assert.match(repo.git(['show', `${snap.commit}:History.md`]), /unreleased/, 'staged edit');
		// No branch, no ref, no private index left behind.
		assert.equal(repo.git(['for-each-ref', 'refs/fanout']), '');
		assert.equal(repo.git(['branch', '--list']).trim(), '* main');
		const leftovers = readdirSync(join(repo.root, '.git', 'fanout'), {recursive: true}).map(String).filter(name => name.includes('index'));
		assert.deepEqual(leftovers, []);
	} finally {
		repo.cleanup();
	}
});

test('a workspace with no change since HEAD snapshots as HEAD itself', async () => {
	const repo = makePackageRepo({dirty: false});
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace));
		assert.equal(snap.commit, repo.git(['rev-parse', 'HEAD']).trim());
	} finally {
		repo.cleanup();
	}
});

test('a snapshot of a subfolder workspace covers the repository; excluded folders stay out even when not ignored', async () => {
	const repo = makePackageRepo({subfolder: 'packages/trellis'});
	try {
		repo.write('.venv/lib/site.py', 'x = 1\n'); // not in .gitignore
		repo.write('.fanout/runs/r1/plan.yaml', 'tasks: []\n'); // fanout's own folder
		const snap = unwrap(await takeSnapshot(repo.workspace, {exclude: ['.venv']}));
		const files = repo.git(['ls-tree', '-r', '--name-only', snap.commit]).split('\n');
		assert.ok(files.includes('README.md'), 'the repository top is in');
		assert.ok(files.includes('packages/trellis/docs/notes.md'));
		assert.ok(!files.some(f => f.includes('.venv/')));
		assert.ok(!files.some(f => f.includes('.fanout/')));
	} finally {
		repo.cleanup();
	}
});

test('keepAs keeps the snapshot reachable from a ref under refs/fanout/<workspace key>/', async () => {
	const repo = makePackageRepo();
	try {
		const snap = unwrap(await takeSnapshot(repo.workspace, {keepAs: 'run-1/phase-1'}));
		assert.equal(snap.ref, `${fanoutRefPrefix(snap.facts)}run-1/phase-1`);
		assert.equal(repo.git(['rev-parse', snap.ref!]).trim(), snap.commit);
	} finally {
		repo.cleanup();
	}
});

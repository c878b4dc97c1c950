import assert from 'node:assert/strict';
import {mkdtempSync, realpathSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {execFileSync} from 'node:child_process';
import {gitEnv} from '../../../source/runner/git/exec.js';
import {NOT_A_REPO, fanoutGitDir, isGitWorkspace, repoFacts, workspaceKey} from '../../../source/runner/git/repo.js';
import {fixtureGitEnv, makePackageRepo} from '../../fixtures/repos/make-package-repo.js';
import {unwrap} from './helpers.js';

test('repoFacts at the top of a repository', async () => {
	const repo = makePackageRepo();
	try {
		const facts = unwrap(await repoFacts(repo.workspace));
		assert.equal(facts.top, repo.root);
		assert.equal(facts.prefix, '');
		assert.equal(facts.commonDir, join(repo.root, '.git'));
		assert.equal(facts.gitDir, join(repo.root, '.git'));
		assert.equal(facts.head, repo.git(['rev-parse', 'HEAD']).trim());
		assert.equal(fanoutGitDir(facts), join(repo.root, '.git', 'fanout', workspaceKey(facts)));
	} finally {
		repo.cleanup();
	}
});

test('repoFacts of a workspace that is a subfolder of its repository', async () => {
	const repo = makePackageRepo({subfolder: 'packages/trellis'});
	try {
		const facts = unwrap(await repoFacts(repo.workspace));
		assert.equal(facts.top, repo.root);
		assert.equal(facts.workspace, repo.workspace);
		assert.equal(facts.prefix, 'packages/trellis/');
		assert.equal(facts.commonDir, join(repo.root, '.git'));
	} finally {
		repo.cleanup();
	}
});

test('a folder outside git, and a repository without a commit, are "not a git repository with a commit"', async () => {
	const dir = realpathSync(mkdtempSync(join(tmpdir(), 'fanout-nogit-')));
	try {
		const plain = await repoFacts(dir);
		assert.deepEqual(plain, {ok: false, message: NOT_A_REPO});
		execFileSync('git', ['init', '-q'], {cwd: dir, env: fixtureGitEnv()});
		assert.deepEqual(await repoFacts(dir), {ok: false, message: NOT_A_REPO});
		assert.equal(await isGitWorkspace(dir), false);
		assert.deepEqual(await repoFacts(join(dir, 'missing')), {ok: false, message: `folder not found: ${join(dir, 'missing')}`});
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test("the user's GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE never redirect fanout's git calls", async () => {
	const repo = makePackageRepo({dirty: false});
	const other = makePackageRepo({dirty: false});
	const saved = {...process.env};
	try {
		process.env['GIT_DIR'] = join(other.root, '.git');
		process.env['GIT_WORK_TREE'] = other.root;
		process.env['GIT_INDEX_FILE'] = join(other.root, 'nowhere');
		const facts = unwrap(await repoFacts(repo.workspace));
		assert.equal(facts.top, repo.root);
		const env = gitEnv({GIT_INDEX_FILE: '/tmp/x'});
		assert.equal(env['GIT_DIR'], undefined);
		assert.equal(env['GIT_WORK_TREE'], undefined);
		assert.equal(env['GIT_INDEX_FILE'], '/tmp/x');
		assert.equal(env['LC_ALL'], 'C');
	} finally {
		for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
		repo.cleanup();
		other.cleanup();
	}
});

test('git missing from PATH is said in plain words', async () => {
	const repo = makePackageRepo({dirty: false});
	const path = process.env['PATH'];
	try {
		process.env['PATH'] = '/nonexistent';
		const result = await repoFacts(repo.workspace);
		assert.deepEqual(result, {ok: false, message: 'git is not installed (no `git` on PATH)'});
	} finally {
		process.env['PATH'] = path;
		repo.cleanup();
	}
});

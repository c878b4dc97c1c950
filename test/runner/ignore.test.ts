// createIgnore (and, where they must agree, the planners' listing) against real folders and
// real git repositories in temp dirs.

import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {listWorkspaceFiles} from '../../source/plan/workspace-tree.js';
import {createIgnore} from '../../source/runner/ignore.js';

const dirs: string[] = [];
after(() => {
	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fanout-ignore-'));
	dirs.push(dir);
	return dir;
}

function write(root: string, rel: string, text = 'x\n'): void {
	mkdirSync(path.dirname(path.join(root, rel)), {recursive: true});
	writeFileSync(path.join(root, rel), text);
}

function gitInit(root: string): void {
	execFileSync('git', ['init', '-q'], {cwd: root});
}

test('fixed directories are ignored at any depth, plain files are not', async () => {
	const ignore = await createIgnore(tempDir(), []);
	for (const p of ['.git/HEAD', '.fanout/runs/1/log', 'node_modules/x/index.js', 'pkg/node_modules/y.js', '.git', 'node_modules']) {
		assert.equal(ignore(p), true, p);
	}
	for (const p of ['src/a.ts', '.github/workflows/ci.yml', 'node_modules_old/a.js', '.gitignore', 'README.md']) {
		assert.equal(ignore(p), false, p);
	}
	assert.ok(ignore.skip.includes('**/node_modules'));
});

test('plan ignore globs match files and, when they name a directory, everything below it', async () => {
	const ignore = await createIgnore(tempDir(), ['dist', 'coverage/**', '**/*.tmp', './build']);
	assert.equal(ignore('dist/a/b.js'), true);
	assert.equal(ignore('dist'), true);
	assert.equal(ignore('coverage/lcov.info'), true);
	assert.equal(ignore('src/x.tmp'), true);
	assert.equal(ignore('build/out.js'), true, 'a leading ./ in a plan glob still names the directory');
	assert.equal(ignore('src/dist.ts'), false);
	assert.equal(ignore('distant/a.js'), false);
});

test('in a git repository, what git ignores is ignored: existing paths and paths created later', async () => {
	const root = tempDir();
	gitInit(root);
	write(root, '.gitignore', '# build output\n*.log\n!keep.log\n/out/\ncache/\ndocs/*.html\n\\#hash\n');
	write(root, 'pkg/.gitignore', 'gen/\n*.snap\n');
	write(root, 'out/existing.js');
	write(root, 'pkg/gen/existing.ts');
	const ignore = await createIgnore(root, []);
	const expectations: Record<string, boolean> = {
		'a.log': true,
		'deep/er/b.log': true,
		'keep.log': false,
		'out/existing.js': true,
		'out/new.js': true,
		'src/out/x.js': false,
		'cache/a': true,
		'src/cache/a': true,
		cache: false, // cache/ names directories only; a file called cache is kept
		'docs/index.html': true,
		'docs/api/index.html': false,
		'#hash': true,
		'pkg/gen/existing.ts': true,
		'pkg/gen/new.ts': true,
		'pkg/a.snap': true,
		'a.snap': false,
		'gen/top.ts': false,
		'src/main.ts': false,
		'.gitignore': false,
	};
	for (const [p, expected] of Object.entries(expectations)) assert.equal(ignore(p), expected, p);
	// Directories git ignores now are handed to the watcher so it does not enter them.
	assert.ok(ignore.skip.includes('out'), ignore.skip.join(','));
	assert.ok(ignore.skip.includes('pkg/gen'), ignore.skip.join(','));
});

test('a file under an ignored directory cannot be re-included (as in git)', async () => {
	const root = tempDir();
	gitInit(root);
	write(root, '.gitignore', 'vendor/\n!vendor/keep.txt\n');
	const ignore = await createIgnore(root, []);
	assert.equal(ignore('vendor/keep.txt'), true);
	write(root, '.gitignore', 'vendor/*\n!vendor/keep.txt\n');
	const reincluding = await createIgnore(root, []);
	assert.equal(reincluding('vendor/keep.txt'), false);
	assert.equal(reincluding('vendor/other.txt'), true);
});

test('.git/info/exclude counts, and a workspace inside a repository uses the rules above it', async () => {
	const root = tempDir();
	gitInit(root);
	write(root, '.git/info/exclude', 'secret.env\n');
	write(root, '.gitignore', 'app/tmp/\n*.bak\n');
	write(root, 'app/src/a.ts');
	const ignore = await createIgnore(path.join(root, 'app'), []);
	assert.equal(ignore('tmp/x'), true);
	assert.equal(ignore('src/a.bak'), true);
	assert.equal(ignore('secret.env'), true);
	assert.equal(ignore('src/a.ts'), false);
});

test('outside a git repository only the fixed directories and plan globs apply', async () => {
	const root = tempDir();
	write(root, '.gitignore', '*.log\n');
	const ignore = await createIgnore(root, ['tmp/**']);
	assert.equal(ignore('a.log'), false);
	assert.equal(ignore('tmp/a'), true);
});

test('the scanner and the watcher agree with git on `logs/` then `!logs/.keep`: the folder stays ignored', async () => {
	const root = tempDir();
	gitInit(root);
	write(root, '.gitignore', 'logs/\n!logs/.keep\n');
	write(root, 'logs/.keep', '');
	write(root, 'logs/run.log');
	write(root, 'src/a.ts');
	// git's own answer: a file below an excluded folder cannot be re-included.
	const gitSays = spawnSync('git', ['check-ignore', '--no-index', '-q', 'logs/.keep'], {cwd: root}).status === 0;
	assert.equal(gitSays, true);
	const watcher = await createIgnore(root, []);
	assert.equal(watcher('logs/.keep'), true);
	assert.equal(watcher('logs/run.log'), true);
	assert.equal(watcher('src/a.ts'), false);
	const {files} = await listWorkspaceFiles(root);
	assert.deepEqual(files, ['.gitignore', 'src/a.ts']);
});

// watchWorkspace on real temp dirs with real writer processes: what it reports, what it leaves
// out, and that close() lets node exit.

import assert from 'node:assert/strict';
import {execFile, execFileSync, spawn} from 'node:child_process';
import {appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import type {FileChange} from '../../source/machine/types.js';
import {createIgnore} from '../../source/runner/ignore.js';
import {diffSnapshots, snapshotTree} from '../../source/runner/file-snapshot.js';
import {WatchError, watchWorkspace, type Watcher} from '../../source/runner/watcher.js';
import {until as waitUntil} from '../until.js';

const dirs: string[] = [];
const open: Watcher[] = [];
after(async () => {
	await Promise.all(open.map(watcher => watcher.close()));
	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'fanout-watch-'));
	dirs.push(dir);
	return dir;
}

function write(root: string, rel: string, text = 'x\n'): void {
	mkdirSync(path.dirname(path.join(root, rel)), {recursive: true});
	writeFileSync(path.join(root, rel), text);
}

/** Starts a watcher that records every change; `until` polls the record. */
async function record(workspace: string, planIgnore: readonly string[] = []) {
	const changes: FileChange[] = [];
	const batches: number[] = [];
	const ignore = await createIgnore(workspace, planIgnore);
	const watcher = await watchWorkspace({
		workspace,
		ignore,
		onChanges: batch => {
			batches.push(batch.length);
			changes.push(...batch);
		},
	});
	open.push(watcher);
	const has = (kind: FileChange['kind'], rel: string) => changes.some(c => c.kind === kind && c.path === rel);
	const until = (predicate: () => boolean, what: string, timeoutMs = 5000) => waitUntil(predicate, timeoutMs, () => `${what}; saw ${JSON.stringify(changes)}`, 10);
	return {changes, batches, watcher, has, until};
}

test('create, modify, delete and rename are reported with workspace-relative paths', async () => {
	const root = tempDir();
	write(root, 'src/lib/old.ts');
	write(root, 'src/lib/gone.ts');
	write(root, 'top.txt');
	const {has, until, changes} = await record(root);
	const started = Date.now();
	write(root, 'src/lib/new.ts');
	appendFileSync(path.join(root, 'top.txt'), 'more\n');
	unlinkSync(path.join(root, 'src/lib/gone.ts'));
	renameSync(path.join(root, 'src/lib/old.ts'), path.join(root, 'src/renamed.ts'));
	await until(
		() => has('add', 'src/lib/new.ts') && has('change', 'top.txt') && has('unlink', 'src/lib/gone.ts') && has('unlink', 'src/lib/old.ts') && has('add', 'src/renamed.ts'),
		'all five changes',
	);
	for (const change of changes) {
		assert.ok(!path.isAbsolute(change.path) && !change.path.includes('\\'), change.path);
		assert.ok(change.at >= started && change.at <= Date.now(), 'at is the arrival time');
	}
});

test('files in directories created during the run are caught, and those directories are watched', async () => {
	const root = tempDir();
	const {has, until, watcher} = await record(root);
	const before = watcher.watchedDirectories;
	// One shell does it all, as a task would: no chance for the watcher to catch up in between.
	execFileSync('sh', ['-c', 'mkdir -p a/b/c && echo 1 > a/b/c/deep.txt && mkdir -p x/y && echo 2 > x/y/z.txt'], {cwd: root});
	await until(() => has('add', 'a/b/c/deep.txt') && has('add', 'x/y/z.txt'), 'files in new dirs');
	await until(() => watcher.watchedDirectories === before + 5, 'the five new dirs watched');
	write(root, 'a/b/c/later.txt');
	await until(() => has('add', 'a/b/c/later.txt'), 'a later write in a new dir');
	execFileSync('rm', ['-rf', 'a'], {cwd: root});
	await until(() => has('unlink', 'a/b/c/later.txt') && has('unlink', 'a/b/c/deep.txt'), 'deletes of a removed tree');
	await until(() => watcher.watchedDirectories === before + 2, 'removed dirs unwatched');
});

test('directories themselves are never reported, only files', async () => {
	const root = tempDir();
	const {changes, has, until} = await record(root);
	execFileSync('sh', ['-c', 'mkdir -p d1/d2 && touch d1/d2/f && rm -rf d1 && mkdir -p e && echo > done'], {cwd: root});
	await until(() => has('add', 'done'), 'the sentinel');
	assert.ok(!changes.some(c => c.path === 'e' || c.path === 'd1/d2'), JSON.stringify(changes));
});

test('ignored paths are left out: fixed dirs, plan globs, what git ignores (also when created later)', async () => {
	const root = tempDir();
	execFileSync('git', ['init', '-q'], {cwd: root});
	write(root, '.gitignore', 'dist/\n*.log\n');
	write(root, 'dist/old.js');
	write(root, 'node_modules/pkg/index.js');
	const {changes, has, until} = await record(root, ['tmp/**', 'generated']);
	write(root, 'node_modules/pkg/index.js', 'changed');
	write(root, 'node_modules/newpkg/a.js');
	write(root, '.fanout/runs/1/journal.jsonl');
	write(root, 'dist/new.js');
	write(root, 'build/dist/nested.js');
	write(root, 'debug.log');
	write(root, 'tmp/scratch/a');
	write(root, 'generated/x/y.ts');
	execFileSync('git', ['add', '.gitignore'], {cwd: root});
	write(root, 'src/sentinel.ts');
	await until(() => has('add', 'src/sentinel.ts'), 'the sentinel');
	await new Promise(resolve => setTimeout(resolve, 100));
	const seen = changes.map(c => c.path).filter(p => p !== 'src/sentinel.ts');
	assert.deepEqual(seen, [], 'nothing ignored reported');
});

test('a writer that exits within milliseconds is caught by the watcher and by the phase-end diff', async () => {
	const root = tempDir();
	write(root, 'keep.txt');
	const ignore = await createIgnore(root, []);
	const before = await snapshotTree(root, ignore);
	const {has, until} = await record(root);
	await new Promise<void>((resolve, reject) => {
		execFile(process.execPath, ['-e', "require('fs').writeFileSync('quick.txt', 'q'); require('fs').rmSync('keep.txt')"], {cwd: root}, error =>
			error ? reject(error) : resolve(),
		);
	});
	await until(() => has('add', 'quick.txt') && has('unlink', 'keep.txt'), 'the quick writer');
	const diff = diffSnapshots(before, await snapshotTree(root, ignore));
	assert.deepEqual(
		diff.map(c => [c.kind, c.path]),
		[
			['unlink', 'keep.txt'],
			['add', 'quick.txt'],
		],
	);
});

test('many writes come in a few batches, and close() delivers what was pending', async () => {
	const root = tempDir();
	const changes: FileChange[] = [];
	let batches = 0;
	const watcher = await watchWorkspace({
		workspace: root,
		ignore: () => false,
		batchMs: 10_000,
		onChanges: batch => {
			batches++;
			changes.push(...batch);
		},
	});
	for (let index = 0; index < 50; index++) write(root, `f${index}.txt`);
	// Many turns of the event loop, so the raw events are read and handled, far short of the batch time.
	for (let turn = 0; turn < 20; turn++) await new Promise(resolve => setTimeout(resolve, 25));
	assert.equal(batches, 0);
	await watcher.close();
	assert.equal(batches, 1);
	assert.equal(new Set(changes.filter(c => c.kind === 'add').map(c => c.path)).size, 50);
	await watcher.close();
});

test('a missing workspace is a WatchError in words', async () => {
	await assert.rejects(
		watchWorkspace({workspace: path.join(tempDir(), 'nope'), ignore: () => false, onChanges: () => undefined}),
		(error: unknown) => error instanceof WatchError && /does not exist/.test(error.message),
	);
});

test('close() releases every handle: a process that watched and closed exits by itself', async () => {
	const root = tempDir();
	mkdirSync(path.join(root, 'a/b'), {recursive: true});
	const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
	const watcherModule = path.join(repo, 'source/runner/watcher.ts');
	const script = `
		import {watchWorkspace} from ${JSON.stringify(watcherModule)};
		import {writeFileSync} from 'node:fs';
		const watcher = await watchWorkspace({workspace: ${JSON.stringify(root)}, ignore: () => false, onChanges: () => {}});
		writeFileSync(${JSON.stringify(path.join(root, 'a/b/f'))}, 'x');
		await new Promise(resolve => setTimeout(resolve, 50));
		await watcher.close();
		console.log('closed', watcher.watchedDirectories);
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: repo, stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout.on('data', chunk => (output += chunk));
	child.stderr.on('data', chunk => (output += chunk));
	const code = await new Promise<number | null>(resolve => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			resolve(-1);
		}, 15_000);
		child.on('exit', exitCode => {
			clearTimeout(timer);
			resolve(exitCode);
		});
	});
	assert.equal(code, 0, `the child should exit on its own; output: ${output}`);
	assert.match(output, /closed 0/);
});

import assert from 'node:assert/strict';
import {lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {expandLinkEntries, linkEntryProblem, linkFolders} from '../../../source/runner/git/links.js';

test('link entries expand * segments to the folders that exist; bad entries are named', () => {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-links-'));
	try {
		for (const folder of ['node_modules/a', 'packages/web/node_modules', 'packages/api/node_modules', 'packages/docs', '.venv']) mkdirSync(join(dir, folder), {recursive: true});
		writeFileSync(join(dir, 'venv'), 'a file, not a folder\n');
		assert.deepEqual(expandLinkEntries(dir, ['node_modules', 'packages/*/node_modules', '.venv', 'venv', 'vendor/bundle', '../outside']), ['.venv', 'node_modules', 'packages/api/node_modules', 'packages/web/node_modules']);
		assert.equal(linkEntryProblem('../x'), "must stay inside the workspace (no '..', no .git)");
		assert.equal(linkEntryProblem('/abs'), 'must be relative to the workspace');
		assert.equal(linkEntryProblem('node_modules'), undefined);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('linkFolders links what the worktree lacks and leaves checked-out folders alone', () => {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-links-'));
	try {
		const workspace = join(dir, 'main');
		const tree = join(dir, 'tree');
		for (const folder of ['node_modules/x', 'vendor/bundle', 'packages/web/node_modules']) mkdirSync(join(workspace, folder), {recursive: true});
		mkdirSync(join(tree, 'vendor'), {recursive: true}); // tracked vendor folder, checked out
		const linked = linkFolders(workspace, tree, ['node_modules', 'vendor', 'vendor/bundle', 'packages/*/node_modules']);
		assert.deepEqual(linked, ['node_modules', 'packages/web/node_modules', 'vendor/bundle']);
		assert.equal(readlinkSync(join(tree, 'packages/web/node_modules')), join(workspace, 'packages/web/node_modules'));
		assert.ok(!lstatSync(join(tree, 'vendor')).isSymbolicLink());
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

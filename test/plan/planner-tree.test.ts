// The workspace tree summary handed to agent planners: bounded on a big real tree in a temp
// folder, biggest folders opened first, the rest collapsed into counts.

import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {listWorkspaceFiles, summarizeTree} from '../../source/plan/workspace-tree.js';

describe('summarizeTree on 20,000 files', () => {
	let dir = '';
	let files: readonly string[] = [];

	before(async () => {
		dir = mkdtempSync(join(tmpdir(), 'fanout-tree-'));
		// 40 modules x 10 folders x 50 files, plus a deep chain and a node_modules to skip.
		for (let m = 0; m < 40; m++) {
			for (let s = 0; s < 10; s++) {
				const folder = join(dir, 'src', `mod${m}`, `part${s}`);
				mkdirSync(folder, {recursive: true});
				for (let f = 0; f < 50; f++) writeFileSync(join(folder, `f${f}.ts`), '');
			}
		}
		const deep = join(dir, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i');
		mkdirSync(deep, {recursive: true});
		writeFileSync(join(deep, 'deep.txt'), '');
		mkdirSync(join(dir, 'node_modules', 'x'), {recursive: true});
		writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), '');
		writeFileSync(join(dir, 'package.json'), '{}');
		({files} = await listWorkspaceFiles(dir));
	});

	after(() => rmSync(dir, {recursive: true, force: true}));

	it('scans every file once, skipping node_modules', () => {
		assert.equal(files.length, 20_002);
		assert.ok(!files.some(f => f.startsWith('node_modules/')));
	});

	it('stays within the line budget and counts every file', () => {
		const summary = summarizeTree(files);
		const lines = summary.split('\n');
		assert.ok(lines.length <= 200, `${lines.length} lines`);
		assert.ok(lines.length >= 150, `the budget should be used, got ${lines.length} lines`);
		assert.equal(lines[0], '20,002 files in the workspace (folders show their file count; … marks collapsed content)');
		assert.ok(lines.includes('src/ (20,000 files)'));
		assert.ok(lines.includes('package.json'));
		assert.ok(lines.some(l => / {2}… 15 more folders \(7,500 files\)$/.test(l)), 'modules beyond 25 are counted, not listed');
		assert.ok(lines.some(l => /^ {4}part\d\/ \(50 files\)/.test(l)));
		assert.ok(lines.some(l => /^ {6}50 files here \(\.ts 50\)$/.test(l)) || lines.some(l => l.endsWith('…')));
		assert.ok(!lines.some(l => l.includes('deep.txt')), 'the deep chain is collapsed at the depth limit');
	});

	it('honours smaller budgets and depth limits', () => {
		for (const maxLines of [3, 10, 50]) {
			const lines = summarizeTree(files, {maxLines}).split('\n');
			assert.ok(lines.length <= maxLines, `${lines.length} > ${maxLines}`);
		}
		const shallow = summarizeTree(files, {maxDepth: 1}).split('\n');
		assert.ok(shallow.every(l => !l.startsWith('    ')), 'nothing below the first level is opened');
		assert.ok(shallow.includes('  mod0/ (500 files) …'));
	});
});

describe('summarizeTree on a small tree', () => {
	it('lists every file of a small workspace by name', () => {
		const summary = summarizeTree(['src/api/a.ts', 'src/db/b.ts', 'src/index.ts', 'README.md']);
		assert.equal(summary, ['4 files in the workspace (folders show their file count; … marks collapsed content)', 'src/ (3 files)', '  api/ (1 file)', '    a.ts', '  db/ (1 file)', '    b.ts', '  index.ts', 'README.md'].join('\n'));
		assert.equal(summarizeTree([]), '0 files in the workspace (folders show their file count; … marks collapsed content)');
	});
});

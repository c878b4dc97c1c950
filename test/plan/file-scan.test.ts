import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, test} from 'node:test';
import {scanWorkspace} from '../../source/plan/file-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-scan-'));
after(() => rmSync(dir, {recursive: true, force: true}));

test('lists files once, with dot files, skipping .git, node_modules, .fanout and ignore globs', () => {
	for (const file of ['src/a.js', '.env', 'src/.hidden/x', '.git/HEAD', 'node_modules/p/i.js', 'src/node_modules/q.js', '.fanout/runs/1/e.jsonl', 'dist/b.js', 'coverage/c.txt']) {
		mkdirSync(dirname(join(dir, file)), {recursive: true});
		writeFileSync(join(dir, file), '');
	}
	const result = scanWorkspace(dir, ['dist/**', 'coverage/**']);
	assert.ok(result.ok);
	assert.deepEqual([...result.files].sort(), ['.env', 'src/.hidden/x', 'src/a.js']);
});

test('a missing workspace is reported, not silently empty', () => {
	const result = scanWorkspace(join(dir, 'nope'));
	assert.ok(!result.ok);
	assert.match(result.reason, /does not exist/);
});

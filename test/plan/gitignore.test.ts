// The gitignore engine: one file's syntax, and rules of nested files rebased onto the top.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {gitignoreMatcher, gitignorePatterns, pruningGlobs} from '../../source/plan/gitignore.js';

test('comments, blanks, trailing spaces, escapes and CRLF', () => {
	const matches = gitignoreMatcher([{text: '\n# c\n  \na.txt   \n\\!bang\n!neg\nsub/dir/\n\\#hash\n/\\!root/x\nwin\r\n', base: ''}]);
	assert.equal(matches('x/a.txt'), true);
	assert.equal(matches('!bang'), true);
	assert.equal(matches('neg'), false);
	assert.equal(matches('sub/dir/f'), true);
	assert.equal(matches('sub/dir', true), true);
	// `sub/dir/` is anchored: only at the top.
	assert.equal(matches('x/sub/dir/f'), false);
	assert.equal(matches('#hash'), true);
	// An escaped `!` at the start of an anchored pattern is a literal, not a negation.
	assert.equal(matches('!root/x'), true);
	assert.equal(matches('other'), false);
	assert.equal(matches('win'), true);
	assert.equal(matches('# c'), false);
});

test('a nested file applies below its folder only, and overrides the shallower one', () => {
	const matches = gitignoreMatcher([
		{text: '*.log\n!src/keep.log\n', base: ''},
		{text: 'gen/\n/top.txt\n!debug.log\n', base: 'src/b'},
	]);
	assert.equal(matches('src/keep.log'), false);
	assert.equal(matches('a.log'), true);
	assert.equal(matches('src/b/gen/g.ts'), true);
	assert.equal(matches('src/b/deep/gen/g.ts'), true);
	assert.equal(matches('gen/g.ts'), false);
	assert.equal(matches('src/b/top.txt'), true);
	assert.equal(matches('src/b/c/top.txt'), false);
	assert.equal(matches('src/b/x/debug.log'), false);
	assert.equal(matches('src/debug.log'), true);
	assert.deepEqual(gitignorePatterns({text: 'gen/\n/top.txt\n!a/b\n', base: 'src'}), ['src/**/gen/', 'src/top.txt', '!src/a/b']);
});

test('nothing below an ignored folder comes back', () => {
	const matches = gitignoreMatcher([{text: 'logs/\n!logs/.keep\n', base: ''}]);
	assert.equal(matches('logs/.keep'), true);
	assert.equal(matches('logs', true), true);
	assert.equal(matches('logs'), false);
});

test('pruning globs: only when the root file re-includes nothing', () => {
	assert.deepEqual(pruningGlobs('tmp/\n/build\n*.log\n'), ['**/tmp/**', 'build/**', '**/*.log/**']);
	assert.deepEqual(pruningGlobs('tmp/\n!tmp/keep\n'), []);
});

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createGlobIndex} from '../../source/plan/match.js';
import {compileGlobs} from '../../source/plan/ownership.js';

test('answers exactly like compileGlobs (the runtime ownership check)', () => {
	const globs = ['src/**', 'src/api/*.js', 'src/api/users.js', '**/*.md', 'tests/**/*.test.js', 'src/{api,db}/**', '**', 'docs/*', 'src/a?i/**', '.fanout/notes/*.md', 'src', 'lib/[a-c]*.js', './pkg/**', 'x\\*y'];
	const paths = ['src', 'src/a.js', 'src/api/users.js', 'src/api/deep/x.js', 'src/db/store.js', 'README.md', 'docs/a/b.md', 'docs/x', 'tests/a/b.test.js', 'tests/b.js', '.fanout/notes/t.md', '.hidden', 'lib/a.js', 'lib/d.js', 'pkg/x', 'x*y', './src/api/users.js', 'src\\api\\users.js'];
	const index = createGlobIndex(globs);
	const compiled = globs.map(g => compileGlobs([g]));
	for (const path of paths) {
		const expected = compiled.flatMap((match, i) => (match(path) ? [i] : []));
		assert.deepEqual(index.matching(path), expected, path);
	}
});

test('an empty index matches nothing, negated globs own nothing', () => {
	assert.deepEqual(createGlobIndex([]).matching('a/b'), []);
	assert.deepEqual(createGlobIndex(['!src/**']).matching('lib/a'), []);
});

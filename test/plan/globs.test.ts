import assert from 'node:assert/strict';
import {test} from 'node:test';
import picomatch from 'picomatch';
import {commonPathExample, escapesWorkspace, expandBraces, pairsThatMayMeet} from '../../source/plan/globs.js';
import {globOptions} from '../../source/plan/ownership.js';

const both = (a: string, b: string, path: string) => picomatch(a, globOptions)(path) && picomatch(b, globOptions)(path);

test('finds a new file two globs could share, with an example both match', () => {
	const cases: [string, string][] = [
		['src/new/**', 'src/**/*.ts'],
		['src/**', 'src/api/x.js'],
		['**/*.md', 'docs/**'],
		['src/{api,db}/**', 'src/db/x.js'],
		['src/a?.js', 'src/[ab]b.js'],
		['src/api/*.js', 'src/api/**/*.test.js'],
		['**', 'anything/at/all.txt'],
		['src/@(a|b).js', 'src/a.js'],
	];
	for (const [a, b] of cases) {
		const example = commonPathExample(a, b);
		assert.ok(example, `${a} and ${b} should meet`);
		assert.ok(both(a, b, example), `${example} must match ${a} and ${b}`);
	}
	assert.equal(commonPathExample('src/new/**', 'src/**/*.ts'), 'src/new/x.ts');
});

test('sees that disjoint globs can never share a file', () => {
	const cases: [string, string][] = [
		['src/api/**', 'src/db/**'],
		['src/*.js', 'src/*.ts'],
		['src/[!a]*.js', 'src/a*.js'],
		['tests/**', 'src/**'],
		['.fanout/notes/a.md', '.fanout/notes/b.md'],
		['src/*.js', 'src/deep/**'],
		['src/{api,db}/**', 'src/utils/**'],
	];
	for (const [a, b] of cases) assert.equal(commonPathExample(a, b), undefined, `${a} and ${b} should not meet`);
});

test('agrees with picomatch on every pair of a glob zoo, over a list of paths', () => {
	const globs = ['src/**', 'src/*.js', 'src/api/**', 'src/**/*.test.js', '**/*.md', 'docs/*.md', 'src/api/*.js', 'src/{api,db}/*.js', 'src/a?i/**', 'src/[ad]*/**', 'tests/**/*.js', '*.json', 'src/db/[!s]*.js'];
	const paths = ['src/a.js', 'src/api/users.js', 'src/api/users.test.js', 'src/db/store.js', 'src/db/users.js', 'docs/a.md', 'README.md', 'src/x.md', 'tests/a/b.js', 'package.json', 'src/api/deep/x.test.js', 'src/abi/x'];
	for (const a of globs) {
		for (const b of globs) {
			const sharedPath = paths.find(p => both(a, b, p));
			const example = commonPathExample(a, b);
			// Whenever a real path is shared, the checker must see an overlap too (no false "independent").
			if (sharedPath) assert.ok(example, `${a} / ${b} share ${sharedPath} but no overlap was found`);
			if (example) assert.ok(both(a, b, example), `${example} does not match ${a} and ${b}`);
		}
	}
});

test('expands braces, nested, and gives up past the limit', () => {
	assert.deepEqual(expandBraces('a/{b,c{d,e}}/x'), ['a/b/x', 'a/cd/x', 'a/ce/x']);
	assert.deepEqual(expandBraces('plain/**'), ['plain/**']);
	assert.equal(expandBraces('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}', 64), undefined);
	assert.equal(expandBraces('broken/{a,b'), undefined);
	assert.equal(expandBraces('n/{1..3}.js'), undefined, 'ranges are not modelled');
	assert.equal(commonPathExample('n/{1..3}.js', 'n/2.js'), 'n/2.js', 'the fallback still finds range overlaps');
});

test('flags globs that leave the workspace', () => {
	for (const glob of ['/etc/passwd', '../x/**', 'src/../../x', '~/x', 'C:/x', '\\\\server\\x']) assert.ok(escapesWorkspace(glob), glob);
	for (const glob of ['src/**', 'a..b/x', '.fanout/notes/x.md', '**/*.ts']) assert.ok(!escapesWorkspace(glob), glob);
});

test('pairs only globs whose first folders can meet', () => {
	const globs = ['a/**', 'a/x.js', 'b/**', '**/*.md'];
	const pairs = pairsThatMayMeet(globs, globs, g => g, true).map(([x, y]) => `${x}|${y}`).sort();
	assert.deepEqual(pairs, ['**/*.md|a/**', '**/*.md|a/x.js', '**/*.md|b/**', 'a/**|a/x.js'].sort().map(p => {
		const [x, y] = p.split('|') as [string, string];
		return globs.indexOf(x) < globs.indexOf(y) ? `${x}|${y}` : `${y}|${x}`;
	}).sort());
});

// Proposals for the four patterns on the sample repositories: each passes validation against
// the repository's files, and shared files never land in two tasks of a parallel phase.

import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {ownershipIndex} from '../../source/plan/ownership.js';
import {proposePlan, slugify, type ProposalPattern, type ProposalRequest} from '../../source/plan/propose.js';
import type {Plan} from '../../source/plan/types.js';
import {validatePlanAgainstFiles} from '../../source/plan/validate.js';
import {defaultSourceRoot, discoverModules, listWorkspaceFiles} from '../../source/plan/workspace-tree.js';

const repos = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos');
const patterns: readonly ProposalPattern[] = ['module', 'layer', 'feature', 'read-heavy'];
const goal = 'Add structured logging to every module';

const temps: string[] = [];
after(() => {
	for (const dir of temps) rmSync(dir, {recursive: true, force: true});
});

/** A temp workspace holding the given files (contents do not matter to planning). */
function workspaceWith(files: readonly string[]): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-propose-'));
	temps.push(dir);
	for (const file of files) {
		mkdirSync(dirname(join(dir, file)), {recursive: true});
		writeFileSync(join(dir, file), `// ${file}\n`);
	}
	return dir;
}

function validate(plan: Plan, files: readonly string[]) {
	return validatePlanAgainstFiles(plan, {file: 'proposal.yaml', positions: new Map()}, files);
}

/** Every file owned by two or more tasks of one parallel phase, as "path: a, b". */
function doublyOwned(plan: Plan, files: readonly string[]): string[] {
	const index = ownershipIndex(plan);
	const found: string[] = [];
	plan.phases.forEach((phase, phaseIndex) => {
		if (phase.mode !== 'parallel') return;
		for (const file of files) {
			const owners = index.ownersOf(file, phaseIndex);
			if (owners.length > 1) found.push(`${file}: ${owners.join(', ')}`);
		}
	});
	return found;
}

/** Shared files owned by any task of a parallel phase that has more than one task. */
function sharedInParallel(plan: Plan, shared: readonly string[]): string[] {
	const index = ownershipIndex(plan);
	return plan.phases.flatMap((phase, phaseIndex) =>
		phase.mode === 'parallel' && phase.tasks.length > 1 ? shared.flatMap(path => index.ownersOf(path, phaseIndex).map(id => `${path} -> ${id}`)) : [],
	);
}

const taskIds = (plan: Plan) => plan.phases.flatMap(p => p.tasks.map(t => t.id));

for (const repo of ['ts-app', 'barrel-lib']) {
	describe(`proposals for ${repo}`, async () => {
		const {files} = await listWorkspaceFiles(join(repos, repo));
		const shared = discoverModules(files).shared.map(s => s.path);

		for (const pattern of patterns) {
			it(`${pattern}: passes validation, shared files in no two parallel tasks`, () => {
				const {plan, notes} = proposePlan({goal, pattern, files});
				const report = validate(plan, files);
				assert.deepEqual(report.errors.map(e => e.message), []);
				assert.equal(report.valid, true);
				assert.deepEqual(doublyOwned(plan, files), []);
				assert.equal(plan.pattern, pattern);
				assert.equal(plan.agent, 'claude');
				assert.ok(notes.length > 0);
				for (const task of plan.phases.flatMap(p => p.tasks)) {
					assert.match(task.prompt ?? '', /^Goal: Add structured logging to every module\. /);
					assert.equal(task.run, undefined);
				}
				if (pattern !== 'layer') assert.deepEqual(sharedInParallel(plan, shared), []);
			});
		}
	});
}

describe('module-based', () => {
	it('gives each module of src/ its folder and the shared files to a sequential integration task', async () => {
		const {files} = await listWorkspaceFiles(join(repos, 'barrel-lib'));
		const {plan, notes} = proposePlan({goal, pattern: 'module', files, name: 'Barrel logging'});
		assert.equal(plan.name, 'barrel-logging');
		assert.deepEqual(plan.phases.map(p => [p.name, p.mode]), [['modules', 'parallel'], ['integration', 'sequential']]);
		assert.deepEqual(plan.phases[0]!.tasks.map(t => [t.id, t.owns]), [['auth', ['src/auth/**']], ['billing', ['src/billing/**']], ['search', ['src/search/**']]]);
		const integrate = plan.phases[1]!.tasks[0]!;
		assert.deepEqual(integrate.owns, ['package-lock.json', 'package.json', 'src/index.ts', 'src/shared.ts']);
		assert.deepEqual(integrate.dependsOn, ['auth', 'billing', 'search']);
		assert.ok(notes.includes('package-lock.json, package.json, src/index.ts, src/shared.ts are shared: given to the integrate task.'), notes.join('\n'));
	});

	it('takes another root when asked, and escapes folder names holding glob characters', () => {
		const files = ['lib/core/a.ts', 'lib/[gen]/b.ts', 'lib/mod.ts', 'src/x/a.ts', 'src/x/b.ts', 'src/y/c.ts', 'Cargo.toml'];
		const {plan, notes} = proposePlan({goal: 'Rename things', pattern: 'module', files, root: 'lib/'});
		assert.deepEqual(plan.phases[0]!.tasks.map(t => t.owns[0]), ['lib/\\[gen\\]/**', 'lib/core/**']);
		assert.deepEqual(plan.phases[1]!.tasks[0]!.owns, ['Cargo.toml', 'lib/mod.ts']);
		assert.equal(validate(plan, files).valid, true);
		assert.ok(ownershipIndex(plan).owns('gen', 'lib/[gen]/b.ts'));
		assert.match(notes[0]!, /^Source root lib\/: 2 module folders/);
	});

	it('keeps ids unique and valid when module names clash with each other or with roles', () => {
		const files = ['src/Integrate/a.ts', 'src/integrate/b.ts', 'src/2fa/c.ts', 'src/__init__.py', 'src/integrate_/d.ts'];
		const {plan} = proposePlan({goal: 'x', pattern: 'module', files});
		const ids = taskIds(plan);
		assert.equal(new Set(ids).size, ids.length);
		for (const id of ids) assert.match(id, /^[a-z][a-z0-9-]*$/);
		assert.equal(validate(plan, files).valid, true);
	});

	it('has no integration phase when nothing is shared, and a sequential phase for a single module', () => {
		const files = ['src/only/a.ts', 'src/only/b.ts', 'README.md'];
		const {plan, notes} = proposePlan({goal: 'x', pattern: 'module', files});
		assert.equal(plan.phases.length, 1);
		assert.equal(plan.phases[0]!.mode, 'sequential');
		assert.ok(notes.some(n => n.startsWith('No shared files found')));
		const report = validate(plan, files);
		assert.equal(report.valid, true);
		assert.deepEqual(report.warnings.map(w => w.code).filter(c => c.includes('single')), []);
	});
});

describe('layer-based', () => {
	it('runs the implementation alone, then tests, docs and config in parallel reading the source', async () => {
		const {files} = await listWorkspaceFiles(join(repos, 'ts-app'));
		const {plan} = proposePlan({goal, pattern: 'layer', files});
		assert.deepEqual(plan.phases.map(p => [p.mode, p.tasks.map(t => t.id)]), [['sequential', ['implement']], ['parallel', ['tests', 'docs', 'config']]]);
		assert.deepEqual(plan.phases[0]!.tasks[0]!.owns, ['src/**']);
		const [tests, docs, config] = plan.phases[1]!.tasks;
		assert.deepEqual(tests!.owns, ['tests/**']);
		assert.deepEqual(docs!.owns, ['docs/**', 'README.md']);
		assert.deepEqual(config!.owns, ['.gitignore', 'package.json', 'tsconfig.json']);
		for (const task of plan.phases[1]!.tasks) {
			assert.deepEqual(task.reads, ['src/**']);
			assert.deepEqual(task.dependsOn, ['implement']);
		}
	});

	it('handles tests beside the source and a workspace without a source folder', () => {
		const colocated = ['src/a/x.ts', 'src/a/x.test.ts', 'src/b/y.ts', 'src/b/y.spec.ts', 'package.json', 'eslint.config.js', 'docs/guide.md'];
		const first = proposePlan({goal: 'x', pattern: 'layer', files: colocated});
		assert.deepEqual(first.plan.phases[1]!.tasks[0]!.owns, ['src/**/*.spec.*', 'src/**/*.test.*']);
		assert.equal(validate(first.plan, colocated).valid, true, validate(first.plan, colocated).errors.map(e => e.message).join('\n'));
		assert.deepEqual(doublyOwned(first.plan, colocated), []);

		const flat = ['main.py', 'util.py', 'setup.py', 'README.md', 'tests/test_main.py'];
		const second = proposePlan({goal: 'x', pattern: 'layer', files: flat});
		assert.deepEqual(second.plan.phases[0]!.tasks[0]!.owns, ['main.py', 'util.py']);
		assert.equal(validate(second.plan, flat).valid, true, validate(second.plan, flat).errors.map(e => e.message).join('\n'));
	});
});

describe('feature-based', () => {
	it('gives each named feature its globs and moves a contested barrel file to integration', async () => {
		const {files} = await listWorkspaceFiles(join(repos, 'barrel-lib'));
		const request: ProposalRequest = {
			goal: 'Add audit events',
			pattern: 'feature',
			files,
			features: [
				{name: 'Auth', globs: ['src/auth/**', 'src/index.ts']},
				{name: 'Billing', globs: ['src/billing/**', 'src/index.ts']},
			],
		};
		const {plan, notes} = proposePlan(request);
		assert.deepEqual(plan.phases[0]!.tasks.map(t => [t.id, t.owns]), [['auth', ['src/auth/**']], ['billing', ['src/billing/**']]]);
		const integration = plan.phases[1]!.tasks[0]!;
		assert.equal(integration.id, 'integration-tests');
		assert.deepEqual(integration.owns, ['test/**', 'package-lock.json', 'package.json', 'src/index.ts', 'src/shared.ts']);
		assert.deepEqual(integration.dependsOn, ['auth', 'billing']);
		assert.ok(notes.some(n => n.includes('src/index.ts') && n.includes('integration-tests')));
		assert.equal(validate(plan, files).valid, true);
	});

	it('warns in the notes when a feature glob catches a shared file, and validation refuses a real overlap', () => {
		const files = ['src/a/x.ts', 'src/b/y.ts', 'src/index.ts', 'package.json'];
		const {plan, notes} = proposePlan({goal: 'x', pattern: 'feature', files, features: [{name: 'a', globs: ['src/**/*.ts']}, {name: 'b', globs: ['src/b/**']}]});
		assert.ok(notes.some(n => n.startsWith("Feature a's globs match shared files (src/index.ts)")), notes.join('\n'));
		const report = validate(plan, files);
		assert.equal(report.valid, false);
		assert.ok(report.errors.some(e => e.paths.includes('src/b/y.ts')));
	});

	it('uses one feature per module when none are named', () => {
		const files = ['src/a/x.ts', 'src/b/y.ts', 'tests/t.spec.ts'];
		const {plan, notes} = proposePlan({goal: 'x', pattern: 'feature', files});
		assert.deepEqual(plan.phases[0]!.tasks.map(t => t.id), ['a', 'b']);
		assert.deepEqual(plan.phases[1]!.tasks[0]!.owns, ['tests/**']);
		assert.ok(notes[0]!.startsWith('No features named'));
	});
});

describe('read-heavy', () => {
	it('analysis tasks own only their notes file; the apply task reads every note and owns the source', async () => {
		const {files} = await listWorkspaceFiles(join(repos, 'ts-app'));
		const {plan} = proposePlan({goal, pattern: 'read-heavy', files});
		const [analysis, apply] = plan.phases;
		assert.equal(analysis!.mode, 'parallel');
		for (const task of analysis!.tasks) {
			assert.deepEqual(task.owns, [`.fanout/notes/${task.id}.md`]);
			assert.equal(task.reads.length, 1);
			assert.match(task.prompt!, new RegExp(`write your findings to \\.fanout/notes/${task.id}\\.md`));
		}
		assert.deepEqual(analysis!.tasks.map(t => t.reads[0]), ['src/api/**', 'src/db/**', 'src/utils/**']);
		const applyTask = apply!.tasks[0]!;
		assert.equal(apply!.mode, 'sequential');
		assert.deepEqual(applyTask.reads, ['.fanout/notes/**']);
		assert.deepEqual(applyTask.owns, ['src/**', 'package.json']);
		assert.deepEqual(applyTask.dependsOn, analysis!.tasks.map(t => t.id));
	});
});

describe('module discovery', () => {
	it('picks the biggest source folder, not tests or docs', () => {
		const files = ['tests/a/1.ts', 'tests/a/2.ts', 'tests/a/3.ts', 'tests/b/4.ts', 'lib/x/a.ts', 'src/p/a.ts', 'src/q/b.ts', 'docs/a/b.md'];
		assert.equal(defaultSourceRoot(files), 'src');
		assert.equal(defaultSourceRoot(['a.ts', 'b.ts']), '');
	});

	it('names why each file is shared', () => {
		const files = ['Cargo.toml', 'Cargo.lock', 'README.md', 'src/lib.rs', 'src/util.rs', 'src/net/mod.rs', 'src/db/mod.rs'];
		const found = discoverModules(files);
		assert.equal(found.root, 'src');
		assert.deepEqual(found.modules.map(m => [m.name, m.fileCount]), [['db', 1], ['net', 1]]);
		assert.deepEqual(found.shared, [
			{path: 'Cargo.lock', reason: 'lock file'},
			{path: 'Cargo.toml', reason: 'manifest'},
			{path: 'src/lib.rs', reason: 'barrel file'},
			{path: 'src/util.rs', reason: 'root file'},
		]);
	});

	it('treats top-level folders as modules when the workspace itself is the root', () => {
		const found = discoverModules(['api/a.go', 'db/b.go', 'docs/x.md', '.github/ci.yml', 'go.mod', 'main.go'], '.');
		assert.equal(found.root, '');
		assert.deepEqual(found.modules.map(m => m.path), ['api', 'db']);
		assert.deepEqual(found.shared, [{path: 'go.mod', reason: 'manifest'}, {path: 'main.go', reason: 'root file'}]);
	});
});

describe('workspace scan', () => {
	it('skips dependency and build folders and applies root and nested .gitignore rules', async () => {
		const dir = workspaceWith([
			'src/a/x.ts', 'src/a/x.log', 'src/keep.log', 'node_modules/p/index.js', '.git/HEAD', 'dist/out.js', 'build/o.js',
			'coverage/c.json', '.fanout/notes/n.md', 'tmp/scratch.txt', 'src/b/gen/g.ts', 'src/b/y.ts', 'src/b/.gitignore', 'src/b/z.secret',
		]);
		writeFileSync(join(dir, '.gitignore'), '# build output\n*.log\n!src/keep.log\ntmp/\n');
		writeFileSync(join(dir, 'src/b/.gitignore'), 'gen/\n*.secret\n');
		const {files} = await listWorkspaceFiles(dir);
		assert.deepEqual(files, ['.gitignore', 'src/a/x.ts', 'src/b/.gitignore', 'src/b/y.ts', 'src/keep.log']);
	});

	it('gives an empty list for a missing folder', async () => {
		assert.deepEqual((await listWorkspaceFiles(join(tmpdir(), 'fanout-no-such-folder-h7'))).files, []);
	});
});

describe('slugify', () => {
	it('makes ids of lowercase letters, digits and dashes starting with a letter', () => {
		assert.equal(slugify('Add Logging: API & DB!'), 'add-logging-api-db');
		assert.equal(slugify('2fa'), 'fa');
		assert.equal(slugify('___', 'module'), 'module');
	});
});

// The built CLI, headless, on the sample package repository: the wrong-culprit case of issue 11
// in both isolation modes. Worktree mode names the culprit and finishes; shared mode never
// guesses (exit 3, the suspects and what each was doing, the advice to use worktrees).

import {strict as assert} from 'node:assert';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {makePackageRepo} from '../fixtures/repos/make-package-repo.js';
import {runCli} from './helpers.js';

const plan = (isolation: string) => `name: wrong-culprit
isolation: ${isolation}
phases:
  - name: work
    tasks:
      - id: router
        owns: [lib/router/**]
        run: |-
          sleep 1 && printf '// router\\n' >> lib/router/index.js
      - id: middleware
        owns: [lib/middleware/**]
        run: |-
          printf '// middleware\\n' >> lib/middleware/init.js && printf '  * middleware: faster init\\n' >> History.md
      - id: core
        owns: [lib/application.js]
        run: |-
          sleep 1 && printf '// core\\n' >> lib/application.js
`;

describe('isolation, headless, on a package repository', () => {
	it('worktree mode: middleware is the exact culprit; defer runs it again owning History.md; git is left clean', async () => {
		const repo = makePackageRepo();
		try {
			const head = repo.git(['rev-parse', 'HEAD']);
			writeFileSync(join(repo.workspace, '.plan.yaml'), plan('worktree'));
			const result = await runCli(['run', '.plan.yaml', '--headless', '--yes', '--on-conflict', 'defer'], {cwd: repo.workspace});
			assert.equal(result.code, 0, result.stdout + result.stderr);
			assert.match(result.stdout, /middleware changed History\.md/);
			assert.doesNotMatch(result.stdout, /router or middleware/);
			assert.equal(repo.read('History.md').split('faster init').length - 1, 1);
			assert.equal(repo.git(['rev-parse', 'HEAD']), head);
			assert.doesNotMatch(repo.git(['worktree', 'list', '--porcelain']), /prunable/);
			assert.equal(repo.git(['branch', '--list', '*fanout*']), '');
		} finally {
			repo.cleanup();
		}
	});

	it('work that lands while a conflict stops the run counts as passed, and resume does not apply it twice', async () => {
		const repo = makePackageRepo();
		try {
			// stray's conflict is found as its work is checked, while readme's work is being applied.
			writeFileSync(
				join(repo.workspace, '.plan.yaml'),
				`name: landed
phases:
  - name: notes
    tasks:
      - id: readme
        owns: [Readme.md]
        run: printf 'a note from fanout\\n' >> Readme.md
      - id: stray
        owns: [docs/guide.md]
        run: printf 'more\\n' >> docs/guide.md && printf 'oops\\n' > lib/stray.js
  - name: after
    tasks:
      - id: count
        owns: [out/**]
        run: mkdir -p out && wc -l Readme.md > out/count.txt
`,
			);
			const first = await runCli(['run', '.plan.yaml', '--headless', '--yes'], {cwd: repo.workspace});
			assert.equal(first.code, 3, first.stdout + first.stderr);
			// The last word agrees with the workspace, whichever way the race went.
			const landed = repo.read('Readme.md').includes('a note from fanout');
			assert.match(first.stdout, landed ? /^readme\s+passed/m : /^readme\s+stopped/m, first.stdout);
			const resumed = await runCli(['resume', '--headless', '--yes', '--on-conflict', 'defer'], {cwd: repo.workspace});
			assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
			assert.equal(repo.read('Readme.md').split('a note from fanout').length - 1, 1, 'readme\'s work applied once');
		} finally {
			repo.cleanup();
		}
	});

	it('shared mode: exit 3, the suspects with their state, and the advice to use worktrees', async () => {
		const repo = makePackageRepo();
		try {
			writeFileSync(join(repo.workspace, '.plan.yaml'), plan('shared'));
			const result = await runCli(['run', '.plan.yaml', '--headless', '--yes', '--on-conflict', 'defer'], {cwd: repo.workspace});
			assert.equal(result.code, 3, result.stdout + result.stderr);
			assert.match(result.stderr, /cannot tell which task did it/);
			assert.match(result.stderr, /router: running/);
			assert.match(result.stderr, /isolation: worktree/);
		} finally {
			repo.cleanup();
		}
	});
});

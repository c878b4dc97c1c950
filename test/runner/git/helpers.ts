// Shared by the git building blocks' tests: unwrapping results, reading git state to prove
// the user's repository was left alone.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {GitResult} from '../../../source/runner/git/exec.js';
import type {PackageRepo} from '../../fixtures/repos/make-package-repo.js';

/** The value of an ok result; fails the test with git's message otherwise. */
export function unwrap<T>(result: GitResult<T>): T {
	if (!result.ok) assert.fail(`expected success, got: ${result.message}`);
	return result.value;
}

/** Everything of the user's git state fanout must never change. */
export function userState(repo: PackageRepo): Record<string, string> {
	// status first: it may refresh the index's stat data, which is git's business, not fanout's.
	const status = repo.git(['status', '--porcelain=v1', '--untracked-files=all']);
	return {
		status,
		head: repo.git(['rev-parse', 'HEAD']),
		symbolic: repo.git(['symbolic-ref', '-q', 'HEAD']),
		index: readFileSync(join(repo.root, '.git', 'index')).toString('base64'),
		branches: repo.git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags']),
		stash: repo.git(['stash', 'list']),
	};
}

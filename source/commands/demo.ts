// `fanout demo` (what `npm start` runs): copies the bundled sample repository and plans/demo.yaml
// to a temporary folder, makes the copy a git repository with one commit (so a newcomer sees
// worktree isolation, exact culprits and each task's diff with nothing to set up), and runs the
// plan there: no agent installed, and nothing of fanout's own changes.

import {cpSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
import {git} from '../runner/git/exec.js';
import type {Command} from './io.js';
import {runCommand} from './run.js';


/** `fanout demo [run flags]` */
export const demoCommand: Command = async (argv, io) => {
	if (argv.includes('--help') || argv.includes('-h')) {
		io.stdout('Usage: fanout demo [options of `fanout run`]\n\nCopies plans/sample-app and plans/demo.yaml to a temporary folder and runs the plan there.\n');
		return 0;
	}
	// The plan is copied too, beside the sample (its `workspace: sample-app` still holds): `e` on the
	// review and `w` on the summary then change the copy, never the demo that ships with fanout.
	const base = mkdtempSync(join(tmpdir(), 'fanout-demo-'));
	const workspace = join(base, 'sample-app');
	cpSync(join(packageRoot(), 'plans', 'sample-app'), workspace, {recursive: true});
	const plan = join(base, 'demo.yaml');
	cpSync(join(packageRoot(), 'plans', 'demo.yaml'), plan);
	io.stderr(`fanout demo: a copy of the sample repository is in ${workspace}\nfanout demo: the plan's copy is ${plan}\n`);
	const repo = await makeRepository(workspace);
	io.stderr(repo.ok ? 'fanout demo: the copy is a git repository with one commit\n' : `fanout demo: ${repo.message}; the demo runs in shared mode (no worktrees, no diffs)\n`);
	// Without a terminal there is nobody to press `a`: approve every phase.
	// and the demo's conflict is settled the way the demo suggests: defer.
	const headlessExtras = io.isTTY || argv.includes('--yes') || argv.includes('-y') ? [] : ['--yes'];
	if (!io.isTTY && !argv.includes('--on-conflict')) headlessExtras.push('--on-conflict', 'defer');
	return runCommand([plan, '--workspace', workspace, ...headlessExtras, ...argv], io);
};

/** The identity of the demo's one commit: set on the command line, so no git config is needed. */
const DEMO_IDENTITY = ['-c', 'user.name=fanout demo', '-c', 'user.email=demo@fanout.invalid', '-c', 'commit.gpgsign=false'];

/** `git init` + one commit of everything in `folder`; the reason in words when it cannot. */
async function makeRepository(folder: string): Promise<{readonly ok: true} | {readonly ok: false; readonly message: string}> {
	const steps: readonly (readonly string[])[] = [
		['-c', 'init.defaultBranch=main', 'init', '-q'],
		['add', '-A'],
		[...DEMO_IDENTITY, 'commit', '-q', '--no-verify', '-m', 'sample app, as shipped with fanout'],
	];
	for (const args of steps) {
		const result = await git(args, {cwd: folder});
		if (!result.ok) return {ok: false, message: result.message};
	}
	return {ok: true};
}

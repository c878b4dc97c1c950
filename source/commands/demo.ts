// `fanout demo` (what `npm start` runs): copies the bundled sample repository and plans/demo.yaml
// to a temporary folder, makes the copy a git repository with one commit (so a newcomer sees
// worktree isolation, exact culprits and each task's diff with nothing to set up), and runs the
// plan there: no agent installed, and nothing of fanout's own changes.

import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
import {git} from '../runner/git/exec.js';
import type {Command} from './io.js';
import {runCommand} from './run.js';


/** `fanout demo [run flags]` */
export const demoCommand: Command = async (argv, io) => {
	if (argv.includes('--help') || argv.includes('-h')) {
		io.stdout('Usage: fanout demo [--keep] [options of `fanout run`]\n\nCopies plans/sample-app and plans/demo.yaml to a temporary folder and runs the plan there.\nThe copy is removed when the demo ends.\n\n  --keep   keep the copy (its path is printed at the end)\n');
		return 0;
	}
	const keep = argv.includes('--keep');
	const runArgv = argv.filter(arg => arg !== '--keep');
	// The plan is copied too, beside the sample (its `workspace: sample-app` still holds): `e` on the
	// review and `w` on the summary then change the copy, never the demo that ships with fanout.
	const base = mkdtempSync(join(tmpdir(), 'fanout-demo-'));
	const workspace = join(base, 'sample-app');
	cpSync(join(packageRoot(), 'plans', 'sample-app'), workspace, {recursive: true});
	const plan = join(base, 'demo.yaml');
	cpSync(join(packageRoot(), 'plans', 'demo.yaml'), plan);
	io.stderr(`fanout demo: a copy of the sample repository is in ${workspace}\nfanout demo: the plan's copy is ${plan}\nfanout demo: ${keep ? 'the copy is kept after the demo (--keep)' : 'the copy is removed when the demo ends (keep it with --keep)'}\n`);
	const repo = await makeRepository(workspace);
	io.stderr(repo.ok ? 'fanout demo: the copy is a git repository with one commit\n' : `fanout demo: ${repo.message}; the demo runs in shared mode (no worktrees, no diffs)\n`);
	// Without a terminal there is nobody to press `a`: approve every phase.
	// and the demo's conflict is settled the way the demo suggests: defer.
	const headlessExtras = io.isTTY || argv.includes('--yes') || argv.includes('-y') ? [] : ['--yes'];
	if (!io.isTTY && !argv.includes('--on-conflict')) headlessExtras.push('--on-conflict', 'defer');
	const removeCopy = keep ? undefined : removeOnExit(base);
	try {
		return await runCommand([plan, '--workspace', workspace, ...headlessExtras, ...runArgv], io);
	} finally {
		if (removeCopy) removeCopy();
		else io.stderr(`fanout demo: kept the copy in ${base} (remove it when done: rm -r ${base})\n`);
	}
};

/**
 * Removes the demo's temporary copy when the demo ends, however it ends: the returned function
 * for a normal end, an 'exit' listener for a second Ctrl-C (the session leaves through
 * process.exit, past any finally). rmSync because an 'exit' listener cannot wait.
 */
function removeOnExit(base: string): () => void {
	const remove = () => rmSync(base, {recursive: true, force: true});
	process.once('exit', remove);
	return () => {
		process.off('exit', remove);
		remove();
	};
}

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

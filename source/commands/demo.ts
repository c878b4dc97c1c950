// `fanout demo` (what `npm start` runs): copies the bundled sample repository and plans/demo.yaml
// to a temporary folder and runs the plan there, so a newcomer sees fanout work with no agent
// installed and nothing of fanout's own changes.

import {cpSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
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
	// Without a terminal there is nobody to press `a`: approve every phase.
	// and the demo's conflict is settled the way the demo suggests: defer.
	const headlessExtras = io.isTTY || argv.includes('--yes') || argv.includes('-y') ? [] : ['--yes'];
	if (!io.isTTY && !argv.includes('--on-conflict')) headlessExtras.push('--on-conflict', 'defer');
	return runCommand([plan, '--workspace', workspace, ...headlessExtras, ...argv], io);
};

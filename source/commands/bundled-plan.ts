// The example plans that ship with fanout (its own `plans/` folder, with plans/sample-app) are
// run on a copy, as the demo is: a newcomer trying `fanout run plans/module-logging.yaml` in the
// checkout must not find fanout's sample app changed afterwards. A plan is "bundled" by where
// its file is, nothing else.

import {cpSync, mkdtempSync, realpathSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, isAbsolute, join, relative, resolve} from 'node:path';
import {packageRoot} from '../package-root.js';

/** Where a bundled plan runs instead: the copied plan file, and `--workspace` moved with it. */
export type BundledCopy = {
	/** The temporary folder holding the copy of `plans/`. */
	readonly folder: string;
	/** The plan file inside the copy. */
	readonly planFile: string;
	/** `--workspace`, pointed into the copy when it named a folder of fanout's own `plans/`. */
	readonly workspace?: string;
};

// Run records and dependencies of earlier runs are not part of the example.
const notCopied = new Set(['.fanout', 'node_modules', '.git']);

/** The real path of `path` (symlinks resolved), or `path` itself when it cannot be resolved. */
function real(path: string): string {
	try {
		return realpathSync(path);
	} catch {
		return path;
	}
}

/** `path` relative to `folder` when it lies inside it (or is it), else undefined. */
function inside(folder: string, path: string): string | undefined {
	const rel = relative(real(folder), real(path));
	return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/** fanout's own plans folder (`plans` beside its package.json). */
export function bundledPlansFolder(): string {
	return join(packageRoot(), 'plans');
}

/**
 * When `planFile` is one of fanout's bundled plans, copies the whole plans folder (the plans and
 * the sample app their `workspace:` points at) to a new temporary folder and returns where the
 * run goes instead; undefined for any other plan. `workspace` is the `--workspace` flag as given
 * (relative to `cwd`). `plansFolder` is for tests.
 */
export function copyBundledPlan(planFile: string, workspace: string | undefined, cwd: string, plansFolder: string = bundledPlansFolder()): BundledCopy | undefined {
	const planRel = inside(plansFolder, planFile);
	if (planRel === undefined) return undefined;
	const folder = mkdtempSync(join(tmpdir(), `fanout-${basename(planFile).replace(/\.(ya?ml|json)$/i, '')}-`));
	const copy = join(folder, 'plans');
	cpSync(real(plansFolder), copy, {recursive: true, filter: source => !notCopied.has(basename(source))});
	const workspaceRel = workspace === undefined ? undefined : inside(plansFolder, resolve(cwd, workspace));
	return {
		folder,
		planFile: join(copy, planRel),
		...(workspace === undefined ? {} : {workspace: workspaceRel === undefined ? resolve(cwd, workspace) : join(copy, workspaceRel)}),
	};
}

// Plan files as `fanout plan` and the wizard write them: the `workspace:` seen from the file's
// folder, the `$schema` line, the YAML text, and the write itself with a one-line reason when
// it fails.

import {mkdirSync, statSync} from 'node:fs';
import {dirname, relative, resolve} from 'node:path';
import type {SaveResult} from '../machine/wizard-types.js';
import type {Plan} from '../plan/types.js';
import {planToYaml} from '../plan/yaml.js';
import {writeFileSafely} from '../runner/safe-write.js';
import type {CommandIO} from './io.js';
import {localSchemaReference} from './schema.js';

/** The plan's `workspace:` as seen from the folder the plan file is written to. */
export function workspaceField(outFile: string, workspace: string): string {
	const rel = relative(dirname(outFile), workspace).replaceAll('\\', '/');
	return rel === '' ? '.' : rel;
}

/**
 * The schema line's target: a `fanout.schema.json` the user keeps (README: `fanout schema >
 * fanout.schema.json`) in the first of `folders` that has one (the current folder, then the
 * workspace), relative to the plan; else `./plan.schema.json` beside the plan, written if missing.
 */
export function schemaReference(outFile: string, folders: readonly string[]): string | undefined {
	for (const folder of folders) {
		const candidate = resolve(folder, 'fanout.schema.json');
		try {
			if (statSync(candidate).isFile()) {
				const rel = relative(dirname(outFile), candidate).replaceAll('\\', '/');
				return rel.startsWith('.') ? rel : `./${rel}`;
			}
		} catch {
			// Not there: try the next folder.
		}
	}
	return localSchemaReference(outFile);
}

/**
 * Writes a plan's text, making its folder; returns why it could not (naming the file as
 * `shown`), or undefined once written.
 */
export function writePlanFile(file: string, yaml: string, shown: string = file): string | undefined {
	try {
		mkdirSync(dirname(file), {recursive: true});
		writeFileSafely(file, yaml);
		return undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOTDIR' ? 'a part of the path is a file' : (code ?? 'unknown error');
		return `cannot write ${shown}: ${why}`;
	}
}

/** A plan's YAML text, with a `$schema` line for the file it goes to (see schemaReference). */
export function planFileYaml(plan: Plan, out: string, folders: readonly string[]): string {
	const schema = schemaReference(out, folders);
	return planToYaml(plan, schema === undefined ? {} : {schema});
}

/** Writes a plan as YAML (schema line on top); refuses to overwrite unless asked. Never throws. */
export function savePlanFile(plan: Plan, path: string, overwrite: boolean, io: Pick<CommandIO, 'cwd'>, workspace: string): SaveResult {
	const file = resolve(io.cwd, path);
	const shown = relative(io.cwd, file);
	let exists = false;
	try {
		const stat = statSync(file);
		if (stat.isDirectory()) return {ok: false, error: `${shown} is a folder: give a file name such as ${shown}/plan.yaml`};
		exists = true;
	} catch {
		// Not there yet: the usual case.
	}
	if (exists && !overwrite) return {ok: false, exists: true};
	if (!/\.(ya?ml|json)$/i.test(file)) return {ok: false, error: `${shown} should end in .yaml (fanout reads .yaml, .yml and .json plans)`};
	const failure = writePlanFile(file, planFileYaml(plan, file, [io.cwd, workspace]), shown);
	if (failure) return {ok: false, error: failure};
	return {ok: true, file: shown.startsWith('..') ? file : shown};
}

// `fanout schema`: prints the plan's JSON Schema, or with --write puts `plan.schema.json` beside
// the plans, where the `# yaml-language-server: $schema=./plan.schema.json` line of every plan
// fanout writes points. The same text ships in the package as schema/plan.schema.json.

import {existsSync, mkdirSync, statSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {planJsonSchema} from '../plan/json-schema.js';
import {tryWriteFileSafely} from '../runner/safe-write.js';
import type {Command} from './io.js';
import {commandArgs, usageError} from './args.js';

/** The schema's file name, beside the plans. */
export const schemaFileName = 'plan.schema.json';

const usage = `Usage: fanout schema [--write [DIR]]

Prints the plan's JSON Schema.
  --write [DIR]  write it as DIR/${schemaFileName} (default: the current folder), for editors.

Plans fanout writes start with the line that points editors at it:
  # yaml-language-server: $schema=./${schemaFileName}
`;

/** The schema as the file holds it (what `fanout schema` prints). */
export function schemaText(): string {
	return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}

/** Writes `<dir>/plan.schema.json` (safe write); returns why it could not, or undefined. */
export function writeSchemaFile(dir: string): string | undefined {
	return tryWriteFileSafely(join(dir, schemaFileName), schemaText());
}

/**
 * The `$schema` reference for a plan written to `planFile`: `./plan.schema.json`, written beside
 * the plan when missing, so an editor finds it on disk. Undefined when it cannot be written
 * (the plan is still written, without the line).
 */
export function localSchemaReference(planFile: string): string | undefined {
	const file = join(dirname(resolve(planFile)), schemaFileName);
	if (existsSync(file)) return `./${schemaFileName}`;
	try {
		// The plan's folder is made for the plan anyway (plans/ on a first `fanout plan`).
		mkdirSync(dirname(file), {recursive: true});
	} catch {
		return undefined;
	}
	if (writeSchemaFile(dirname(file)) !== undefined) return undefined;
	return `./${schemaFileName}`;
}

/** `fanout schema`: see the usage text above. */
export const schemaCommand: Command = async (argv, io) => {
	const args = commandArgs<{write?: boolean}>(argv, io, 'schema', usage, {write: {type: 'boolean'}});
	if (!args.ok) return args.exit;
	const [dirArg, extra] = args.positionals;
	if (!args.values.write && dirArg !== undefined) return usageError(io, 'schema', `unexpected argument "${dirArg}".`, usage);
	if (extra !== undefined) return usageError(io, 'schema', `unexpected argument "${extra}".`, usage);
	if (!args.values.write) {
		io.stdout(schemaText());
		return 0;
	}
	const dir = resolve(io.cwd, dirArg ?? '.');
	let isDir = false;
	try {
		isDir = statSync(dir).isDirectory();
	} catch {
		// Reported below.
	}
	if (!isDir) {
		io.stderr(`fanout schema: ${dirArg ?? '.'} is not a folder: give the folder that holds your plans.\n`);
		return 2;
	}
	const failure = writeSchemaFile(dir);
	if (failure) {
		io.stderr(`fanout schema: ${failure}\n`);
		return 2;
	}
	const shown = join(dirArg ?? '.', schemaFileName);
	io.stdout(`Wrote ${shown}. Plans beside it check against it with this first line:\n  # yaml-language-server: $schema=./${schemaFileName}\n`);
	return 0;
};

// What every command does with its arguments before its own work: node:util parseArgs in strict
// mode with the exception turned into one line and the usage (exit 2), `--help`/`-h` printing the
// usage (exit 0), and the one plan file validate and schedule take.

import {existsSync, statSync} from 'node:fs';
import {resolve} from 'node:path';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import type {CommandIO} from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments, or the exit code when the command has nothing more to do. */
export type CommandArgs<V> = {readonly ok: true; readonly values: V; readonly positionals: readonly string[]} | {readonly ok: false; readonly exit: number};

/** Writes a usage error (what went wrong, then the usage) and returns exit code 2. */
export function usageError(io: CommandIO, command: string, message: string, usage: string): number {
	io.stderr(`fanout ${command}: ${message}\n\n${usage}`);
	return 2;
}

/**
 * Parses `argv` against `options` (plus `--help`/`-h`). A parse error prints its first sentence
 * and the usage (exit 2); `--help` prints the usage (exit 0). `V` is the shape of `options`'
 * values as the command reads them.
 */
export function commandArgs<V>(argv: readonly string[], io: CommandIO, command: string, usage: string, options: Options): CommandArgs<V> {
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({args: [...argv], options: {...options, help: {type: 'boolean', short: 'h'}}, allowPositionals: true, strict: true});
	} catch (error) {
		const message = error instanceof Error ? (error.message.split('\n')[0]!.split('. To specify')[0] ?? error.message) : String(error);
		return {ok: false, exit: usageError(io, command, message, usage)};
	}
	if (parsed.values['help'] === true) {
		io.stdout(usage);
		return {ok: false, exit: 0};
	}
	return {ok: true, values: parsed.values as V, positionals: parsed.positionals};
}

/**
 * The one plan file a command takes (validate, schedule), or the usage message for what is
 * wrong: none given (`whichPlan`), several, or no such file. A missing plan file is a usage
 * error (exit 2), not an invalid plan.
 */
export function onePlanFile(cwd: string, positionals: readonly string[], whichPlan: string): {readonly ok: true; readonly file: string} | {readonly ok: false; readonly message: string} {
	const [file, ...extra] = positionals;
	if (file === undefined) return {ok: false, message: whichPlan};
	if (extra.length > 0) return {ok: false, message: `one plan at a time (got ${positionals.length}).`};
	const path = resolve(cwd, file);
	if (!existsSync(path)) return {ok: false, message: `no such file: ${file}`};
	if (!statSync(path).isFile()) return {ok: false, message: `${file} is not a file`};
	return {ok: true, file};
}

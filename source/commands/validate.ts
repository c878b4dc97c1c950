// `fanout validate PLAN [--workspace DIR] [--json]`: loads and checks a plan before it runs.
// Exit 0 valid (warnings allowed), 1 invalid (including unreadable YAML), 2 usage error.

import {existsSync, statSync} from 'node:fs';
import {resolve} from 'node:path';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {formatReport, reportToJson} from '../plan/report-format.js';
import {loadPlan} from '../plan/load.js';
import type {ValidationReport} from '../plan/types.js';
import {validatePart, validatePlan} from '../plan/validate.js';
import type {Command, CommandIO} from './io.js';

const usage = `Usage: fanout validate PLAN [--workspace DIR] [--json]

Checks a plan before it runs: its shape, file ownership in parallel phases, reads, dependsOn.

  --workspace DIR   folder the plan's globs are relative to (default: the plan's workspace:, else the current directory)
  --json            print {"valid", "errors", "warnings"} as JSON
  --help            show this help

Exit codes: 0 valid (warnings allowed), 1 invalid plan, 2 usage error.
`;

/** Parsed arguments, or a usage error message. */
export type ParsedArgs<V> = {readonly ok: true; readonly values: V; readonly positionals: readonly string[]} | {readonly ok: false; readonly message: string};

/**
 * node:util parseArgs in strict mode, with its exceptions turned into one-line messages.
 * Shared by the plan commands (validate, schedule, schema).
 */
export function parseCommandArgs<V>(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs<V> {
	try {
		const parsed = parseArgs({args: [...argv], options, allowPositionals: true, strict: true});
		return {ok: true, values: parsed.values as V, positionals: parsed.positionals};
	} catch (error) {
		const message = error instanceof Error ? (error.message.split('. To specify')[0] ?? error.message) : String(error);
		return {ok: false, message};
	}
}

/** Writes a usage error (what went wrong, then the usage) and returns exit code 2. */
export function usageError(io: CommandIO, command: string, message: string, text: string): number {
	io.stderr(`fanout ${command}: ${message}\n\n${text}`);
	return 2;
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

/** `fanout validate`: see the usage text above. */
export const validateCommand: Command = async (argv, io) => {
	const args = parseCommandArgs<{workspace?: string; json?: boolean; help?: boolean}>(argv, {
		workspace: {type: 'string'},
		json: {type: 'boolean'},
		help: {type: 'boolean', short: 'h'},
	});
	if (!args.ok) return usageError(io, 'validate', args.message, usage);
	if (args.values.help) {
		io.stdout(usage);
		return 0;
	}
	const plan = onePlanFile(io.cwd, args.positionals, 'which plan? Give the path of a plan file.');
	if (!plan.ok) return usageError(io, 'validate', plan.message, usage);
	const {file} = plan;
	if (args.values.workspace !== undefined && !existsSync(resolve(io.cwd, args.values.workspace))) {
		return usageError(io, 'validate', `no such workspace folder: ${args.values.workspace}`, usage);
	}

	const loaded = loadPlan(file, {cwd: io.cwd, ...(args.values.workspace !== undefined ? {workspace: args.values.workspace} : {})});
	// Shape errors do not hide the rest: the well-formed part's dependency and ownership errors
	// are reported with them, in file order.
	const report: ValidationReport = loaded.ok
		? validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace})
		: {valid: false, errors: [...loaded.errors, ...(loaded.partial ? validatePart(loaded.partial) : [])].sort((a, b) => a.line - b.line || a.column - b.column), warnings: []};
	io.stdout(args.values.json ? reportToJson(report) : formatReport(report, {color: io.color}));
	return report.valid ? 0 : 1;
};

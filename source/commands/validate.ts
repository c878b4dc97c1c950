// `fanout validate PLAN [--workspace DIR] [--json]`: loads and checks a plan before it runs.
// Exit 0 valid (warnings allowed), 1 invalid (including unreadable YAML), 2 usage error.

import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {formatReport, reportToJson} from '../plan/report-format.js';
import {loadPlan} from '../plan/load.js';
import type {ValidationReport} from '../plan/types.js';
import {validatePart, validatePlan} from '../plan/validate.js';
import {commandArgs, onePlanFile, usageError} from './args.js';
import type {Command} from './io.js';

const usage = `Usage: fanout validate PLAN [--workspace DIR] [--json]

Checks a plan before it runs: its shape, file ownership in parallel phases, reads, dependsOn.

  --workspace DIR   folder the plan's globs are relative to (default: the plan's workspace:, else the current directory)
  --json            print {"valid", "errors", "warnings"} as JSON
  --help            show this help

Exit codes: 0 valid (warnings allowed), 1 invalid plan, 2 usage error.
`;

/** Parsed arguments, or a usage error message. */
/** `fanout validate`: see the usage text above. */
export const validateCommand: Command = async (argv, io) => {
	const args = commandArgs<{workspace?: string; json?: boolean}>(argv, io, 'validate', usage, {workspace: {type: 'string'}, json: {type: 'boolean'}});
	if (!args.ok) return args.exit;
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

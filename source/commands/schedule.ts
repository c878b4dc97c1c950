// `fanout schedule PLAN [--max-parallel N] [--out FILE] [--workspace DIR]`: turns a plan's
// flat task list into phases, checks the result like `validate`, prints or writes it as YAML.

import {mkdirSync} from 'node:fs';
import {dirname, relative, resolve} from 'node:path';
import {formatReport} from '../plan/report-format.js';
import {loadPlan, scheduledSource} from '../plan/load.js';
import {scanWorkspace} from '../plan/file-scan.js';
import {schedulePhases} from '../plan/schedule.js';
import type {Plan} from '../plan/types.js';
import {validatePlanAgainstFiles} from '../plan/validate.js';
import {planToYaml} from '../plan/yaml.js';
import {SafeWriteError, writeFileSafely} from '../runner/safe-write.js';
import type {Command} from './io.js';
import {commandArgs, onePlanFile, usageError} from './args.js';

const usage = `Usage: fanout schedule PLAN [--max-parallel N] [--out FILE] [--workspace DIR]

Splits a plan's flat tasks: list into phases: every task after what it depends on, no two
tasks of a parallel phase owning the same file or reading what the other changes.

  --max-parallel N  at most N tasks in one phase (default: no limit)
  --out FILE        write the plan there instead of printing it
  --workspace DIR   folder the globs are relative to (default: the plan's workspace:, else the current directory)
  --help            show this help

Exit codes: 0 scheduled, 1 the plan is invalid, 2 usage error.
`;

/**
 * How many tasks run at once, for the summary line. A sequential phase runs its tasks one by
 * one however many it holds, so only parallel phases count.
 */
export function atOnce(phases: Plan['phases']): string {
	const widest = Math.max(1, ...phases.filter(p => p.mode === 'parallel').map(p => p.tasks.length));
	return widest === 1 ? 'one task at a time' : `at most ${widest} at once`;
}

/** `fanout schedule`: see the usage text above. */
export const scheduleCommand: Command = async (argv, io) => {
	const args = commandArgs<{'max-parallel'?: string; out?: string; workspace?: string}>(argv, io, 'schedule', usage, {
		'max-parallel': {type: 'string'},
		out: {type: 'string'},
		workspace: {type: 'string'},
	});
	if (!args.ok) return args.exit;
	const planFile = onePlanFile(io.cwd, args.positionals, 'which plan? Give the path of a plan file with a flat tasks: list.');
	if (!planFile.ok) return usageError(io, 'schedule', planFile.message, usage);
	const {file} = planFile;
	const rawMax = args.values['max-parallel'];
	const maxParallel = rawMax === undefined ? undefined : Number(rawMax);
	if (maxParallel !== undefined && (!Number.isInteger(maxParallel) || maxParallel < 1)) {
		return usageError(io, 'schedule', `--max-parallel takes a whole number of at least 1, not "${rawMax}".`, usage);
	}

	const loaded = loadPlan(file, {cwd: io.cwd, ...(args.values.workspace !== undefined ? {workspace: args.values.workspace} : {})});
	if (!loaded.ok) {
		io.stdout(formatReport({valid: false, errors: loaded.errors, warnings: []}, {color: io.color}));
		return 1;
	}
	// A phased plan is rescheduled from its tasks in file order; phase order becomes dependsOn only where written.
	const tasks = loaded.flatTasks ?? loaded.plan.phases.flatMap(phase => phase.tasks);
	if (!loaded.flatTasks) io.stderr(`fanout schedule: ${file} already has phases; scheduling its ${tasks.length} tasks again from their dependsOn.\n`);
	const scan = scanWorkspace(loaded.workspace, loaded.plan.ignore);
	const files = scan.ok ? scan.files : [];
	const phases = schedulePhases(tasks, {...(maxParallel !== undefined ? {maxParallel} : {}), files});
	const outPath = args.values.out === undefined ? undefined : resolve(io.cwd, args.values.out);
	// The workspace: line is relative to the plan file, so it moves with --out.
	const workspace = loaded.plan.workspace !== undefined && outPath ? relative(dirname(outPath), loaded.workspace) || '.' : loaded.plan.workspace;
	const plan: Plan = {...loaded.plan, ...(workspace !== undefined ? {workspace} : {}), phases};
	const source = loaded.flatTasks ? scheduledSource(loaded.source, plan, tasks) : {file, positions: new Map()};
	const report = validatePlanAgainstFiles(plan, source, files);
	if (!report.valid) {
		io.stdout(formatReport(report, {color: io.color}));
		return 1;
	}
	const yaml = planToYaml(plan);
	if (!outPath) {
		io.stdout(yaml);
		return 0;
	}
	try {
		mkdirSync(dirname(outPath), {recursive: true});
		writeFileSafely(outPath, yaml);
	} catch (error) {
		io.stderr(`fanout schedule: ${error instanceof SafeWriteError ? error.message : `cannot write ${args.values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`}\n`);
		return 2;
	}
	io.stdout(`Wrote ${args.values.out}: ${tasks.length} tasks in ${phases.length} phase${phases.length === 1 ? '' : 's'} (${atOnce(phases)}).\n`);
	return 0;
};

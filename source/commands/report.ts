// `fanout report [RUN_ID]`: a run's report as terminal text, as JSON (--json), or as one
// self-contained HTML page (--html FILE, written safely: temp file, then rename).

import {renameSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {formatReportHtml} from '../report/html.js';
import {findRun, readPatches, readReport} from '../report/read.js';
import {formatReportText} from '../report/text.js';
import {commandArgs, usageError} from './args.js';
import type {Command} from './io.js';

const USAGE = `Usage: fanout report [RUN_ID] [--workspace DIR] [--json | --html FILE] [--width N]

  RUN_ID          a run of this workspace (default: the latest); a unique prefix is enough
  --json          the report as one JSON document (shape in the README)
  --html FILE     write a self-contained HTML page to FILE
  --width N       wrap the text at N columns (default: the terminal's width, 80 when not a terminal)
  --workspace DIR the workspace holding .fanout/runs (default: .)
`;

/** `fanout report` */
export const reportCommand: Command = async (argv, io) => {
	const args = commandArgs<{workspace?: string; json?: boolean; html?: string; width?: string}>(argv, io, 'report', USAGE, {
		workspace: {type: 'string'},
		json: {type: 'boolean'},
		html: {type: 'string'},
		width: {type: 'string'},
	});
	if (!args.ok) return args.exit;
	const {values, positionals} = args;
	if (positionals.length > 1) {
		return usageError(io, 'report', `report takes one run id, got ${positionals.length}.`, USAGE);
	}
	if (values.json && values.html !== undefined) {
		return usageError(io, 'report', '--json and --html are two different outputs: pick one.', USAGE);
	}
	let width = io.isTTY ? process.stdout.columns || 80 : 80;
	if (values.width !== undefined) {
		width = Number(values.width);
		if (!Number.isInteger(width) || width < 20) {
			io.stderr(`fanout: --width takes a whole number of columns (20 or more), not "${values.width}".\n`);
			return 2;
		}
	}
	const workspace = resolve(io.cwd, values.workspace ?? '.');
	const run = findRun(workspace, positionals[0]);
	if ('error' in run) {
		io.stderr(`fanout: ${run.error}\n`);
		return 1;
	}
	const report = readReport(run, workspace);
	if (values.json) {
		io.stdout(`${JSON.stringify(report, null, 2)}\n`);
		return 0;
	}
	if (values.html !== undefined) {
		const file = resolve(io.cwd, values.html);
		const page = formatReportHtml(report, readPatches(report, workspace), new Date());
		const temp = `${file}.${process.pid}.tmp`;
		try {
			writeFileSync(temp, page);
			renameSync(temp, file);
		} catch (error) {
			rmSync(temp, {force: true});
			const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `the folder ${dirname(file)} does not exist` : error instanceof Error ? error.message : String(error);
			io.stderr(`fanout: could not write ${file}: ${reason}.\n`);
			return 1;
		}
		io.stdout(`fanout: wrote the report of run ${run.id} to ${file}\n`);
		return 0;
	}
	io.stdout(formatReportText(report, {width, color: io.color}));
	return 0;
};

// `fanout runs`: the runs of a workspace, newest first, with their status and task counts.

import {resolve} from 'node:path';
import {runVerdict, verdictWords} from '../machine/exit-code.js';
import {recentRuns} from '../runner/journal.js';
import type {RunListing} from '../runner/journal.js';
import {commandArgs, usageError} from './args.js';
import type {Command} from './io.js';

const USAGE = 'Usage: fanout runs [--workspace DIR] [--json]\n';

/** `fanout runs` */
export const runsCommand: Command = async (argv, io) => {
	const args = commandArgs<{workspace?: string; json?: boolean}>(argv, io, 'runs', USAGE, {workspace: {type: 'string'}, json: {type: 'boolean'}});
	if (!args.ok) return args.exit;
	if (args.positionals.length > 0) return usageError(io, 'runs', `unexpected argument "${args.positionals[0]}".`, USAGE);
	const {values} = args;
	const workspace = resolve(io.cwd, values.workspace ?? '.');
	const runs = recentRuns(workspace);
	if (values.json) {
		io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
		return 0;
	}
	if (runs.length === 0) {
		io.stdout(`No runs in ${workspace} yet. Start one with \`fanout run PLAN\`.\n`);
		return 0;
	}
	const header = ['run', 'plan', 'started', 'status', 'ok', 'failed', 'skipped'];
	const rows = runs.map(r => [r.id, r.planName ?? '?', localTime(r.started), statusWords(r), String(r.ok), String(r.failed), String(r.skipped)]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)));
	const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
	io.stdout(`${[line(header), ...rows.map(line)].join('\n')}\n`);
	return 0;
};

/** How a run ended, in the words the summary uses, and whether `fanout resume` can continue it. */
export function statusWords(run: RunListing): string {
	const words = run.status === 'unfinished' ? 'unfinished' : verdictWords(runVerdict(run.outcome, run.skipped), run.skipped);
	return run.resumable ? `${words} (resumable)` : words;
}

/** An ISO time as the reader's clock shows it, to the second: 2026-11-27 21:02:11. */
export function localTime(iso: string | undefined): string {
	if (iso === undefined) return '';
	const at = new Date(iso);
	if (Number.isNaN(at.getTime())) return iso;
	const two = (n: number) => String(n).padStart(2, '0');
	return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

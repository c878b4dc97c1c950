// The run folder on disk -> what the report is built from: finds the run, reads the journal,
// the tails of logs and the per-task patches. The only file of the report that reads the disk.

import {closeSync, existsSync, fstatSync, openSync, readFileSync, readSync} from 'node:fs';
import {join, relative} from 'node:path';
import {listRuns, logPathFor, readEvents, runsDir} from '../runner/journal.js';
import {decodeLine} from '../text/sanitize.js';
import {buildReport} from './build.js';
import type {RunReport} from './types.js';

/** Lines of each log the report keeps. */
export const LOG_TAIL_LINES = 40;
/** Bytes read from a log's end to find those lines: a huge log costs no more than a small one. */
const TAIL_BYTES = 64 * 1024;
/** Patches larger than this are left out of the page (the file stays where it is). */
export const MAX_PATCH_BYTES = 512 * 1024;

export type FoundRun = {readonly id: string; readonly dir: string};

/** The run to report: the named one, or the latest; a message a person can act on otherwise. */
export function findRun(workspace: string, id: string | undefined): FoundRun | {readonly error: string} {
	const runs = listRuns(workspace);
	if (runs.length === 0) return {error: `no runs in ${workspace} yet. Start one with \`fanout run PLAN\`.`};
	if (id === undefined) {
		const last = runs[runs.length - 1]!;
		return {id: last.id, dir: last.dir};
	}
	const exact = runs.find(r => r.id === id);
	const matches = exact ? [exact] : runs.filter(r => r.id.startsWith(id));
	if (matches.length === 1) return {id: matches[0]!.id, dir: matches[0]!.dir};
	if (matches.length > 1) return {error: `run id "${id}" matches ${matches.length} runs (${matches.map(r => r.id).join(', ')}): give more of it.`};
	return {error: `no run "${id}" in ${runsDir(workspace)}. \`fanout runs\` lists them.`};
}

/** Path of a task's patch, named like its log. */
export function patchPathFor(runDir: string, taskId: string): string {
	return join(runDir, 'diffs', `${taskId.replace(/[^A-Za-z0-9._-]/g, '_')}.patch`);
}

/** The last `lines` lines of a file, decoded as the terminal view decodes them; undefined if absent. */
export function tailOf(file: string, lines = LOG_TAIL_LINES): string[] | undefined {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch {
		return undefined;
	}
	try {
		const size = fstatSync(fd).size;
		const length = Math.min(size, TAIL_BYTES);
		const buffer = Buffer.alloc(length);
		readSync(fd, buffer, 0, length, size - length);
		const parts: Buffer[] = [];
		let start = 0;
		for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, start)) {
			parts.push(buffer.subarray(start, i));
			start = i + 1;
		}
		if (start < buffer.length) parts.push(buffer.subarray(start));
		// A cut first line is a fragment: drop it unless it is the whole file.
		if (length < size) parts.shift();
		// `\r` rewrites a line in a terminal: keep what the terminal would end up showing.
		return parts.slice(-lines).map(part => decodeLine(part).split('\r').filter(s => s !== '').at(-1) ?? '');
	} finally {
		closeSync(fd);
	}
}

/** A run folder's report. `workspace` makes the paths in it relative. */
export function readReport(run: FoundRun, workspace: string): RunReport {
	const rel = (path: string) => relative(workspace, path) || '.';
	return buildReport(readEvents(run.dir), {
		runId: run.id,
		runDir: rel(run.dir),
		logTail: key => tailOf(logPathFor(run.dir, key)),
		diffOf: taskId => (existsSync(patchPathFor(run.dir, taskId)) ? rel(patchPathFor(run.dir, taskId)) : undefined),
		logPathOf: key => rel(logPathFor(run.dir, key)),
	});
}

/** The patch text of each task that has one (skipping huge ones), for the HTML page. */
export function readPatches(report: RunReport, workspace: string): Map<string, string | {readonly tooBig: number}> {
	const patches = new Map<string, string | {readonly tooBig: number}>();
	for (const task of report.tasks) {
		if (task.diff === null) continue;
		const file = join(workspace, task.diff);
		try {
			const fd = openSync(file, 'r');
			const size = fstatSync(fd).size;
			closeSync(fd);
			patches.set(task.id, size > MAX_PATCH_BYTES ? {tooBig: size} : readFileSync(file, 'utf8'));
		} catch {
			// Gone since the report was built: the page says nothing about it.
		}
	}
	return patches;
}

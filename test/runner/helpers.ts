// Shared test helpers for the runner: temp dirs, fixture paths, counting a group's survivors.
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'runner');

/** A fresh temp dir and its cleanup. */
export function tempDir(prefix = 'fanout-runner-'): {dir: string; cleanup: () => void} {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** Pids whose process group is `pgid`, zombies excluded, read straight from /proc. */
export function survivors(pgid: number): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
		} catch {
			continue;
		}
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[0] is state (field 3), fields[2] is pgrp (field 5).
		if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
	}
	return pids;
}

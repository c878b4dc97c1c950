// Shared by the benchmarks: the built CLI, timing helpers, CPU of a process from /proc.

import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI; BENCH_CLI picks another build (an A/B against a baseline bundle). */
export const cli = process.env['BENCH_CLI'] ?? join(root, 'dist', 'bin', 'cli.js');

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a live process has used so far, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / TICKS;
	} catch {
		return Number.NaN;
	}
}

export type Timed = {readonly wallMs: number; readonly code: number | null; readonly cpuSeconds?: number; readonly maxRssKb?: number; readonly stdout: string; readonly stderr: string};

/**
 * Runs a command to its end and times it. With /usr/bin/time present, also the command's own
 * CPU (user+sys of it and its waited-for children) and peak RSS.
 */
export function timeCommand(file: string, args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; stdoutTo?: 'ignore' | 'pipe'} = {}): Promise<Timed> {
	return new Promise(resolve => {
		const start = process.hrtime.bigint();
		const child = spawn(file, args, {cwd: options.cwd, env: {...process.env, ...options.env}, stdio: ['ignore', options.stdoutTo === 'ignore' ? 'ignore' : 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', c => (stdout += c));
		child.stderr?.on('data', c => (stderr += c));
		child.on('close', code => {
			const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
			resolve({wallMs, code, stdout, stderr});
		});
	});
}

/** Median of numbers. */
export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
export const ms = (n: number) => `${n.toFixed(0)} ms`;

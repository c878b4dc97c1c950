// Figure 3 of the engine issue and the TUI's first frame: `fanout --version` (< 150 ms),
// `fanout validate` of a small plan (< 250 ms), first frame of `fanout run` in tmux (< 400 ms).

import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, median, ms, root, timeCommand} from './common.js';

const smallPlan = `name: small
phases:
  - name: one
    tasks:
      - id: a
        owns: [src/a/**]
        run: echo a
      - id: b
        owns: [src/b/**]
        run: echo b
`;

async function medianOf(runs: number, file: string, args: readonly string[], cwd: string): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) times.push((await timeCommand(file, args, {cwd})).wallMs);
	return median(times);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Time from starting `command` in a tmux pane to "enter start" on screen (the plan review's key
 * bar). Run with a bare node printing those words, it is what tmux, the shell and node's own
 * start cost before fanout does anything.
 */
function firstFrameMs(dir: string, command: string): number | undefined {
	if (spawnSync('tmux', ['-V']).status !== 0) return undefined;
	const socket = `fanout-bench-${process.pid}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	const times: number[] = [];
	try {
		for (let i = 0; i < 5; i++) {
			const name = `f${i}`;
			const start = performance.now();
			tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `cd ${dir} && env -u CI ${command}`);
			while (!/enter start/.test(tmux('capture-pane', '-p', '-t', name))) {
				if (performance.now() - start > 10_000) throw new Error('no first frame within 10 s');
				// A pause between looks: polling flat out would take a core from fanout on 2 cores.
				Atomics.wait(pause, 0, 0, 10);
			}
			times.push(performance.now() - start);
			tmux('kill-session', '-t', name);
		}
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	}
	return median(times);
}

/**
 * Inside the process: ms from its start (performance.timeOrigin) to the first write holding
 * "enter start", recorded by a preload (test/fixtures/bench/first-write.mjs), in a tmux pane.
 */
function firstWriteMs(dir: string): number | undefined {
	if (spawnSync('tmux', ['-V']).status !== 0) return undefined;
	const socket = `fanout-bench-w-${process.pid}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	const preload = join(root, 'test', 'fixtures', 'bench', 'first-write.mjs');
	const times: number[] = [];
	try {
		for (let i = 0; i < 5; i++) {
			const out = join(dir, `first-write-${i}.txt`);
			tmux('new-session', '-d', '-s', `w${i}`, '-x', '120', '-y', '40', `cd ${dir} && env -u CI FIRST_WRITE_FILE=${out} FIRST_WRITE_TEXT=enter ${process.execPath} --import ${preload} ${cli} run plan.yaml`);
			const start = performance.now();
			while (!existsSync(out)) {
				if (performance.now() - start > 10_000) throw new Error('no first frame within 10 s');
				Atomics.wait(pause, 0, 0, 20);
			}
			Atomics.wait(pause, 0, 0, 20);
			times.push(Number(readFileSync(out, 'utf8')));
			tmux('kill-session', '-t', `w${i}`);
		}
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	}
	return median(times);
}

export async function benchStartup(): Promise<{versionMs: number; validateMs: number; firstFrameMs?: number}> {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-startup-'));
	try {
		writeFileSync(join(dir, 'plan.yaml'), smallPlan);
		const versionMs = await medianOf(10, process.execPath, [cli, '--version'], dir);
		const validateMs = await medianOf(10, process.execPath, [cli, 'validate', 'plan.yaml'], dir);
		const nodeMs = await medianOf(10, process.execPath, ['-e', '0'], dir);
		const frame = firstFrameMs(dir, `${process.execPath} ${cli} run plan.yaml`);
		const floor = firstFrameMs(dir, `${process.execPath} -e "console.log('enter start'); setTimeout(() => {}, 10000)"`);
		const inside = firstWriteMs(dir);
		console.log(`fanout --version: ${ms(versionMs)} (target < 150 ms; bare node -e 0: ${ms(nodeMs)})`);
		console.log(`fanout validate (small plan): ${ms(validateMs)} (target < 250 ms)`);
		if (frame !== undefined && floor !== undefined) {
			console.log(`first frame of fanout run in tmux: ${ms(frame)}; a bare node printing the same words: ${ms(floor)}; fanout's own part: ${ms(frame - floor)} (target <= 200 ms, issue 15)`);
		}
		if (inside !== undefined) console.log(`first frame written, from the process's start (node's own start included): ${ms(inside)} (target < 400 ms)`);
		return {versionMs, validateMs, ...(frame === undefined ? {} : {firstFrameMs: frame})};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchStartup();

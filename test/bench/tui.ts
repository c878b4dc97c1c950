// The TUI's figures (issue 4): the 8 x 20 MB workload through the TUI in tmux (200x50) vs
// headless in the same run; fanout's own CPU in the TUI while 8 tasks print steadily and while
// they run silently (spinners only); tmux's CPU as a proxy for what the terminal had to draw.

import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, cpuSeconds, ms, ratio, root, timeCommand} from './common.js';

const writer = join(root, 'test', 'fixtures', 'bench', 'writer.mjs');

function planOf(name: string, args: string): string {
	const tasks = Array.from({length: 8}, (_, i) => `      - id: w${i + 1}\n        owns: [out/w${i + 1}/**]\n        run: node ${writer} ${args}\n`).join('');
	return `name: ${name}\nphases:\n  - name: all\n    tasks:\n${tasks}`;
}

type TmuxRun = {
	readonly wallMs: number;
	readonly fanoutCpu: number;
	readonly tmuxCpu: number;
	readonly code: number;
	/** fanout's CPU share of one core inside the steady window, when one was asked for. */
	readonly steadyShare?: number;
};

/** A window in ms after approval: the tasks' steady run, without spawning them or the summary. */
type Window = {readonly fromMs: number; readonly toMs: number};

/** Samples a process's CPU share over `window` (ms after `start`), sleeping in between. */
function cpuShareIn(pid: number, start: number, window: Window): number {
	const sleepUntil = (at: number) => {
		const left = at - performance.now();
		if (left > 0) spawnSync('sleep', [String(left / 1000)]);
	};
	sleepUntil(start + window.fromMs);
	const cpu0 = cpuSeconds(pid);
	const t0 = performance.now();
	sleepUntil(start + window.toMs);
	return (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
}

/**
 * Runs `fanout run PLAN` inside tmux at 200x50, approving with `A`, until it exits; with a
 * window, also fanout's CPU share inside it.
 */
function runInTmux(dir: string, plan: string, socket: string, window?: Window): TmuxRun {
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
	const pidFile = join(dir, `${plan}.pid`);
	const exitFile = join(dir, `${plan}.exit`);
	const inner = `echo $$ > ${pidFile}; exec env -u CI ${process.execPath} ${cli} run ${plan}`;
	tmux('new-session', '-d', '-s', plan.replace(/\W/g, ''), '-x', '200', '-y', '50', `cd ${dir} && sh -c '${inner}'; echo $? > ${exitFile}; sleep 600`);
	const session = plan.replace(/\W/g, '');
	const tmuxPid = Number(tmux('display-message', '-p', '#{pid}').trim());
	const wait = (pattern: RegExp) => {
		const start = Date.now();
		while (!pattern.test(tmux('capture-pane', '-p', '-t', session))) {
			if (Date.now() - start > 120_000) throw new Error(`timed out waiting for ${pattern}`);
			spawnSync('sleep', ['0.02']);
		}
	};
	wait(/enter start/);
	tmux('send-keys', '-t', session, 'Enter');
	wait(/A approve all/);
	const pid = Number(readFileSync(pidFile, 'utf8').trim());
	const cpu0 = cpuSeconds(pid);
	const tmux0 = cpuSeconds(tmuxPid);
	const start = performance.now();
	tmux('send-keys', '-t', session, 'A');
	const steadyShare = window ? cpuShareIn(pid, start, window) : undefined;
	// From approval to the summary: the phase's whole run.
	wait(/tasks passed|tasks? failed/);
	const wallMs = performance.now() - start;
	const fanoutCpu = cpuSeconds(pid) - cpu0;
	const tmuxCpu = cpuSeconds(tmuxPid) - tmux0;
	tmux('send-keys', '-t', session, 'q');
	const t = Date.now();
	while (!existsSync(exitFile) && Date.now() - t < 10_000) spawnSync('sleep', ['0.05']);
	const code = Number(readFileSync(exitFile, 'utf8').trim());
	tmux('kill-session', '-t', session);
	return {wallMs, fanoutCpu, tmuxCpu, code, ...(steadyShare === undefined ? {} : {steadyShare})};
}

export async function benchTui(): Promise<void> {
	if (spawnSync('tmux', ['-V']).status !== 0) {
		console.log('TUI benchmark skipped: tmux is not installed');
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-tui-'));
	const socket = `fanout-bench-tui-${process.pid}`;
	const seconds = Number(process.env['BENCH_TUI_SECONDS'] ?? 10);
	try {
		writeFileSync(join(dir, 'flood.yaml'), planOf('flood', 'flood 20'));
		writeFileSync(join(dir, 'steady.yaml'), planOf('steady', `steady ${seconds} 10`));
		writeFileSync(join(dir, 'silent.yaml'), planOf('silent', `silent ${seconds}`));
		const headless = await timeCommand(process.execPath, [cli, 'run', 'flood.yaml', '--headless', '--yes'], {cwd: dir, env: {NO_COLOR: '1'}, stdoutTo: 'ignore'});
		const flood = runInTmux(dir, 'flood.yaml', socket);
		console.log(
			`8 x 20 MB through the TUI (tmux 200x50): ${ms(flood.wallMs)} vs headless ${ms(headless.wallMs)}: ${ratio(flood.wallMs, headless.wallMs)} (target <= 1.5x); fanout CPU ${flood.fanoutCpu.toFixed(2)} s, tmux CPU ${flood.tmuxCpu.toFixed(2)} s; exit ${flood.code}`,
		);
		// While they run: from 1.5 s after approval (8 processes spawned) to 1 s before they end.
		const window = {fromMs: 1500, toMs: Math.max(2500, seconds * 1000 - 1000)};
		const percent = (share: number | undefined) => `${((share ?? Number.NaN) * 100).toFixed(1)}%`;
		const steady = runInTmux(dir, 'steady.yaml', socket, window);
		console.log(
			`8 tasks printing a line every 10 ms for ${seconds} s: fanout CPU while they run ${percent(steady.steadyShare)} of one core (target < 25%); whole run with spawning and summary ${percent(steady.fanoutCpu / (steady.wallMs / 1000))}; tmux ${percent(steady.tmuxCpu / (steady.wallMs / 1000))}`,
		);
		const silent = runInTmux(dir, 'silent.yaml', socket, window);
		console.log(
			`8 silent tasks for ${seconds} s (spinners only): fanout CPU while they run ${percent(silent.steadyShare)} of one core (target < 5%); whole run ${percent(silent.fanoutCpu / (silent.wallMs / 1000))}`,
		);
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
		rmSync(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchTui();

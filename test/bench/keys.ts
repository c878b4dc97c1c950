// Keypress latency (issue 15), measured as a person feels it: fanout runs 8 tasks in tmux at
// 200x50; a key is sent with `send-keys` and the time runs until `capture-pane` (polled every
// 10 ms, so about 10 ms is the harness's floor) shows the screen that key leads to. Keys: a focus
// move (→), Enter (open the log), Esc (back), `?` (help) and Esc again. Under load each task prints
// a line every 2 ms; silent tasks print nothing. Beside it, what can be counted without polling:
// a preload (test/fixtures/bench/key-trace.mjs) records when stdin had input and each stdout
// write, so the bench also gives the in-process time from a key to its first write and the
// writes made within 100 ms of a key.

import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, median, root} from './common.js';

const writer = join(root, 'test', 'fixtures', 'bench', 'writer.mjs');
const trace = join(root, 'test', 'fixtures', 'bench', 'key-trace.mjs');
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(pause, 0, 0, ms);
const bin = cli;

function planOf(args: string): string {
	const tasks = Array.from({length: 8}, (_, i) => `      - id: w${i + 1}\n        owns: [out/w${i + 1}/**]\n        run: node ${writer} ${args}\n`).join('');
	return `name: keys\nphases:\n  - name: all\n    tasks:\n${tasks}`;
}

/** The focused pane's task id in a capture of the grid (its border is double). */
const focusedTask = (screen: string) => /║ \S w(\d)\b/.exec(screen)?.[1];

type Step = {readonly name: string; readonly key: string; readonly done: (screen: string, before: string) => boolean};

const steps: readonly Step[] = [
	{name: 'focus (tab)', key: 'Tab', done: (screen, before) => focusedTask(screen) !== undefined && focusedTask(screen) !== focusedTask(before)},
	{name: 'enter (log)', key: 'Enter', done: screen => /esc back/.test(screen) && /following/.test(screen)},
	{name: 'esc (back)', key: 'Escape', done: screen => focusedTask(screen) !== undefined && /enter log/.test(screen)},
	{name: '? (help)', key: '?', done: screen => /Keys · live grid/.test(screen)},
	{name: 'esc (close)', key: 'Escape', done: screen => focusedTask(screen) !== undefined && !/Keys · live grid/.test(screen)},
];

export type KeyFigures = {
	readonly screenMs: number[];
	readonly byKey: Record<string, number[]>;
	/** From send-keys to fanout's stdin having the key (the event loop's delay). */
	readonly arrivalMs: number[];
	/** In-process: ms from stdin having the key to the first write after it. */
	readonly firstWriteMs: number[];
	/** fanout's CPU time from stdin having the key to that write. */
	readonly keyCpuMs: number[];
	/** Writes made from send-keys until the screen showed the key's result. */
	readonly writesPerKey: number[];
	readonly load: number;
};

/** Runs the keys in rounds against one fanout in tmux; `args` is the writer's mode. */
export function measureKeys(args: string, rounds: number): KeyFigures {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-keys-'));
	const socket = `fanout-bench-keys-${process.pid}`;
	const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], {encoding: 'utf8'});
	const capture = () => tmux('capture-pane', '-p', '-t', 'k');
	// Outside the workspace: fanout watches it, and a write there would be a conflict.
	const traceDir = mkdtempSync(join(tmpdir(), 'fanout-bench-trace-'));
	const traceFile = join(traceDir, 'trace.txt');
	try {
		writeFileSync(join(dir, 'plan.yaml'), planOf(args));
		tmux('new-session', '-d', '-s', 'k', '-x', '200', '-y', '50', `cd ${dir} && env -u CI KEY_TRACE_FILE=${traceFile} ${process.execPath} --import ${trace} ${bin} run plan.yaml; sleep 600`);
		const wait = (test: (screen: string) => boolean, what: string) => {
			const start = performance.now();
			while (!test(capture())) {
				if (performance.now() - start > 30_000) throw new Error(`keys bench: timed out waiting for ${what}:\n${capture()}`);
				sleep(10);
			}
		};
		wait(screen => /enter start/.test(screen), 'the plan review');
		tmux('send-keys', '-t', 'k', 'Enter');
		wait(screen => /A approve all/.test(screen), 'the approval');
		tmux('send-keys', '-t', 'k', 'A');
		wait(screen => focusedTask(screen) !== undefined, 'the grid');
		sleep(1500);
		const byKey: Record<string, number[]> = {};
		const screenMs: number[] = [];
		const loads: number[] = [];
		const sends: number[] = [];
		const shown: number[] = [];
		for (let round = 0; round < rounds; round++) {
			for (const step of steps) {
				const before = capture();
				sleep(60 + Math.random() * 60);
				const start = performance.now();
				sends.push(performance.timeOrigin + start);
				tmux('send-keys', '-t', 'k', step.key);
				while (!step.done(capture(), before)) {
					if (performance.now() - start > 5000) throw new Error(`keys bench: ${step.name} did not show within 5 s:\n${capture()}`);
					sleep(10);
				}
				const took = performance.now() - start;
				shown.push(performance.timeOrigin + start + took);
				(byKey[step.name] ??= []).push(took);
				screenMs.push(took);
			}
			loads.push(loadavg()[0] ?? 0);
		}
		return {screenMs, byKey, ...readTrace(traceFile, sends, shown), load: median(loads)};
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
		rmSync(dir, {recursive: true, force: true});
		rmSync(traceDir, {recursive: true, force: true});
	}
}

type Event = {readonly kind: string; readonly at: number; readonly cpu: number};

/**
 * From the preload's trace, for each key sent at `sends[k]` and seen on screen at `shown[k]`:
 * the wait until stdin had it, the time and CPU from there to the first write, and the writes
 * made until the screen showed it.
 */
function readTrace(file: string, sends: readonly number[], shown: readonly number[]): Pick<KeyFigures, 'arrivalMs' | 'firstWriteMs' | 'keyCpuMs' | 'writesPerKey'> {
	const empty = {arrivalMs: [], firstWriteMs: [], keyCpuMs: [], writesPerKey: []};
	if (!existsSync(file)) return empty;
	const events: Event[] = readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [kind = '', at, a, b] = line.split(' ');
			return {kind, at: Number(at), cpu: Number(kind === 'i' ? a : b)};
		});
	const figures: {arrivalMs: number[]; firstWriteMs: number[]; keyCpuMs: number[]; writesPerKey: number[]} = empty;
	sends.forEach((sent, k) => {
		const input = events.find(event => event.kind === 'i' && event.at >= sent);
		if (!input) return;
		const write = events.find(event => event.kind === 'o' && event.at >= input.at);
		figures.arrivalMs.push(input.at - sent);
		if (write) {
			figures.firstWriteMs.push(write.at - input.at);
			figures.keyCpuMs.push(write.cpu - input.cpu);
		}
		figures.writesPerKey.push(events.filter(event => event.kind === 'o' && event.at >= sent && event.at <= (shown[k] ?? sent)).length);
	});
	return figures;
}

const fmt = (values: readonly number[]) => (values.length === 0 ? 'n/a' : `median ${median(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`);

export async function benchKeys(): Promise<void> {
	if (spawnSync('tmux', ['-V']).status !== 0) {
		console.log('keys benchmark skipped: tmux is not installed');
		return;
	}
	const rounds = Number(process.env['BENCH_KEY_ROUNDS'] ?? 8);
	for (const [label, args, target] of [
		['under load (8 tasks, a line every 2 ms each)', 'steady 600 2', 'median <= 25 ms, max <= 100 ms'],
		['tasks silent', 'silent 600', 'median <= 20 ms'],
	] as const) {
		const only = process.env['BENCH_KEY_MODES'];
		if (only && !only.split(',').some(mode => label.includes(mode))) continue;
		const figures = measureKeys(args, rounds);
		console.log(`keypress to screen, ${label}: ${fmt(figures.screenMs)} over ${figures.screenMs.length} keys (target ${target}); load average ${figures.load.toFixed(2)}`);
		for (const [name, values] of Object.entries(figures.byKey)) console.log(`  ${name}: ${fmt(values)}`);
		console.log(`  send-keys to fanout's stdin: ${fmt(figures.arrivalMs)}; stdin to first write: ${fmt(figures.firstWriteMs)}; CPU in it: ${fmt(figures.keyCpuMs)}`);
		console.log(`  writes from send-keys to screen: median ${median(figures.writesPerKey)}, max ${Math.max(...figures.writesPerKey)}`);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchKeys();

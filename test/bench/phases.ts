// Figure 2 of the engine issue: 20 phases of 10 tasks that do nothing, fanout headless vs a
// shell doing the same with `&` and `wait` per phase. Target: within 2x of the shell. fanout
// runs twice per round: as it runs headless (direct spawns) and with its spawner's pool
// (FANOUT_SPAWNER=1, how the TUI starts `run:` commands).
//
// Two floors run in the same rounds, so the table shows what the target asks of any orchestrator
// that gives each task its own session (fanout must: every stop path signals whole groups):
// - the shell loop with setsid(1) per task (the shell's only way to a new session: one more exec);
// - a bare Node loop that spawns the same tasks the way Node can (libuv: detached, stdout and
//   stderr piped, waiting for exit and both pipes) and does nothing else: no plan, journal or logs.

import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, median, ratio, timeCommand} from './common.js';

/**
 * The Node floor: 20 rounds of 10 spawns as fanout makes them without its spawner (own process
 * group, stdin ignored, stdout and stderr piped and read), each round waiting for every exit and
 * every pipe's end. Nothing else: no plan, no journal, no logs, no state machine.
 */
const NODE_FLOOR = `import {spawn} from 'node:child_process';
for (let phase = 0; phase < 20; phase++) {
	await Promise.all(Array.from({length: 10}, () => new Promise(resolve => {
		const child = spawn('/bin/sh', ['-c', 'true'], {detached: true, stdio: ['ignore', 'pipe', 'pipe']});
		let open = 3;
		const done = () => { if (--open === 0) resolve(); };
		child.stdout.on('data', () => {}).on('close', done);
		child.stderr.on('data', () => {}).on('close', done);
		child.on('exit', done);
	})));
}
`;

/** util-linux's setsid(1) (not on every system: the row is left out without it). */
function hasSetsid(): boolean {
	return spawnSync('setsid', ['--version'], {stdio: 'ignore'}).status === 0;
}

type Contender = {readonly label: string; readonly file: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv};
type Sample = {readonly wallMs: number; readonly cpuMs: number};

/** Runs a command under `sh`, whose `times` gives the CPU of the whole waited-for tree (user+sys). */
async function timeTree(contender: Contender, cwd: string): Promise<Sample> {
	const script = '"$@"; code=$?; times; exit $code';
	const timed = await timeCommand('/bin/sh', ['-c', script, 'sh', contender.file, ...contender.args], {cwd, env: {NO_COLOR: '1', ...contender.env}});
	if (timed.code !== 0) throw new Error(`${contender.label} failed (${timed.code}): ${timed.stderr}`);
	const last = timed.stdout.trim().split('\n').at(-1) ?? '';
	const seconds = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map(m => Number(m[1]) * 60 + Number(m[2]));
	return {wallMs: timed.wallMs, cpuMs: ((seconds[0] ?? Number.NaN) + (seconds[1] ?? Number.NaN)) * 1000};
}

type Breakdown = {readonly start: number; readonly run: number; readonly end: number; readonly gap: number; readonly phase: number};

/**
 * Where a phase's time goes, from a run's journal (the events' own `at` times): phase.started to
 * its last task.started (start), to its last task.exited (run: the tasks, plus reading their
 * exits), to phase.finished (end: the phase-end check), to the next phase.started (gap).
 */
function phaseBreakdown(runDir: string): Breakdown[] {
	type Entry = {type: string; at?: number; time: string};
	const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => JSON.parse(line) as Entry);
	const at = (e: Entry) => e.at ?? Date.parse(e.time);
	const phases: Array<{started: number; lastStart: number; lastExit: number; finished: number}> = [];
	for (const e of events) {
		const current = phases.at(-1);
		if (e.type === 'phase.started') phases.push({started: at(e), lastStart: at(e), lastExit: at(e), finished: Number.NaN});
		else if (!current) continue;
		else if (e.type === 'task.started') current.lastStart = Math.max(current.lastStart, at(e));
		else if (e.type === 'task.exited') current.lastExit = Math.max(current.lastExit, at(e));
		else if (e.type === 'phase.finished') current.finished = at(e);
	}
	return phases.map((p, i) => {
		const next = phases[i + 1]?.started ?? p.finished;
		return {start: p.lastStart - p.started, run: p.lastExit - p.lastStart, end: p.finished - p.lastExit, gap: next - p.finished, phase: next - p.started};
	});
}

export async function benchPhases(reps = 3): Promise<{fanoutMs: number; shellMs: number}> {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-phases-'));
	try {
		const phases = Array.from({length: 20}, (_, p) => ({
			name: `p${p}`,
			tasks: Array.from({length: 10}, (_, t) => ({id: `t${p}-${t}`, owns: [`out/${p}/${t}/**`], run: 'true'})),
		}));
		writeFileSync(join(dir, 'plan.json'), JSON.stringify({name: 'phases', phases}));
		const shell = Array.from({length: 20}, () => `${'/bin/sh -c true & '.repeat(10)}wait`).join('\n');
		writeFileSync(join(dir, 'phases.sh'), shell);
		writeFileSync(join(dir, 'phases-setsid.sh'), shell.replaceAll('/bin/sh -c true &', 'setsid /bin/sh -c true &'));
		writeFileSync(join(dir, 'node-floor.mjs'), NODE_FLOOR);
		const fanoutArgs = [cli, 'run', 'plan.json', '--headless', '--yes'];
		const contenders: Contender[] = [
			{label: 'shell loop (sh -c true & x10, wait)', file: '/bin/sh', args: [join(dir, 'phases.sh')]},
			{label: 'fanout run --headless', file: process.execPath, args: fanoutArgs, env: {FANOUT_SPAWNER: undefined}},
			{label: 'fanout run --headless (FANOUT_SPAWNER=1)', file: process.execPath, args: fanoutArgs, env: {FANOUT_SPAWNER: '1'}},
			...(hasSetsid() ? [{label: 'floor: shell loop, setsid per task', file: '/bin/sh', args: [join(dir, 'phases-setsid.sh')]}] : []),
			{label: 'floor: bare Node spawn loop', file: process.execPath, args: [join(dir, 'node-floor.mjs')]},
		];
		const loadBefore = loadavg()[0]!;
		// Interleaved rounds, medians: the machine's load moves between rounds, not within a pair.
		const samples = contenders.map((): Sample[] => []);
		for (let round = 0; round < reps; round++) {
			for (const [i, contender] of contenders.entries()) samples[i]!.push(await timeTree(contender, dir));
		}
		const loadAfter = loadavg()[0]!;
		const range = (values: number[]) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
		const shellMs = median(samples[0]!.map(s => s.wallMs));
		console.log(`20 phases x 10 \`true\`, medians of ${reps} interleaved rounds; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
		console.log(`${'contender'.padEnd(44)} ${'wall ms'.padStart(8)} ${'range'.padStart(11)} ${'x shell'.padStart(8)} ${'CPU ms'.padStart(8)} ${'range'.padStart(11)}`);
		for (const [i, contender] of contenders.entries()) {
			const walls = samples[i]!.map(s => s.wallMs);
			const cpus = samples[i]!.map(s => s.cpuMs);
			console.log(`${contender.label.padEnd(44)} ${median(walls).toFixed(0).padStart(8)} ${range(walls).padStart(11)} ${(median(walls) / shellMs).toFixed(2).padStart(8)} ${median(cpus).toFixed(0).padStart(8)} ${range(cpus).padStart(11)}`);
		}
		// fanout's run folders alternate: as it runs headless, then with the pool, each round.
		const runsDir = join(dir, '.fanout', 'runs');
		const runs = readdirSync(runsDir).sort();
		for (const [parity, label] of [[0, 'headless'], [1, 'FANOUT_SPAWNER=1']] as const) {
			const measured = runs.filter((_, i) => i % 2 === parity).flatMap(run => phaseBreakdown(join(runsDir, run)).slice(0, -1));
			const column = (key: keyof Breakdown) => `${key} ${median(measured.map(p => p[key])).toFixed(0)} (${range(measured.map(p => p[key]))})`;
			console.log(`per phase, ${label}, ms, median (range) over ${measured.length} phases: ${(['phase', 'start', 'run', 'end', 'gap'] as const).map(column).join(' · ')}`);
		}
		console.log('  start: phase.started to its last task.started · run: to its last task.exited · end: to phase.finished (the phase-end check) · gap: to the next phase.started');
		const fanoutMs = median(samples[1]!.map(s => s.wallMs));
		console.log(`target: within 2x of the shell loop: ${ratio(fanoutMs, shellMs)}: ${fanoutMs <= 2 * shellMs ? 'met' : 'NOT met'}`);
		const floorMs = median(samples.at(-1)!.map(s => s.wallMs));
		console.log(`floor: the bare Node spawn loop alone is ${ratio(floorMs, shellMs)} the shell loop; fanout is ${ratio(fanoutMs, floorMs)} that floor`);
		return {fanoutMs, shellMs};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPhases();

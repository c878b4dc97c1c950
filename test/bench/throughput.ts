// Benchmark: 8 writers printing 20 MB each of mixed, partly coloured text, run by a plain
// shell, concurrently, GNU parallel (when installed), a plain Node program that only reads, logs
// and passes the bytes on (the floor for any orchestrator on Node), fanout's runner pipeline
// alone (headless to a file, and logs only), and the fanout CLI when dist/bin/cli.js exists. Reports wall time,
// the runner's own CPU (the writers' CPU subtracted), peak RSS, and checks every log.
//
// Run: node --import tsx test/bench/throughput.ts [--mb 20] [--tasks 8] [--reps 3] [--cli-only]

import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createOutputStore} from '../../source/runner/output.js';
import {createHeadlessSink} from '../../source/runner/headless-sink.js';
import {startProcess} from '../../source/runner/process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const PRINT = join(ROOT, 'test', 'fixtures', 'runner', 'print.mjs');
const TIME = '/usr/bin/time';

/** One contender's figures. */
export type BenchRow = {
	readonly name: string;
	readonly wallS: number;
	/** CPU of the contender itself: its whole process tree minus the writers' own CPU. */
	readonly ownCpuS: number;
	/** For fanout's pipeline: CPU measured inside the process around the run (no start-up). */
	readonly pipelineCpuS?: number;
	readonly peakRssMb: number;
	/** Logs checked byte-exact (undefined when the contender keeps no per-task logs). */
	readonly logsExact?: boolean;
	/** Lowest and highest extra CPU over the rounds. */
	readonly cpuRange?: readonly [number, number];
	readonly note?: string;
};

export type BenchOptions = {
	readonly mb?: number;
	readonly tasks?: number;
	/** Rounds, every contender once per round in turn (interleaved); the table shows medians. */
	readonly reps?: number;
	/** Skip fanout's in-process pipeline rows (tsx-driven), leaving the CLI beside its peers. */
	readonly cliOnly?: boolean;
	readonly log?: (line: string) => void;
};

type Measured = {wallS: number; treeCpuS: number; maxRssKb: number; status: number | null};

function writerCommand(shaFile: string, bytes: number, seed: number): string {
	return `${JSON.stringify(process.execPath)} ${JSON.stringify(PRINT)} ${bytes} ${JSON.stringify(shaFile)} stdout ${seed}`;
}

/** Runs argv under /usr/bin/time (when present) with stdout to `stdoutPath`. */
function measure(argv: readonly string[], stdoutPath: string, cwd: string): Promise<Measured> {
	const timeFile = `${stdoutPath}.time`;
	const useTime = existsSync(TIME);
	const full = useTime ? [TIME, '-f', '%e %U %S %M', '-o', timeFile, ...argv] : [...argv];
	const started = process.hrtime.bigint();
	return new Promise((resolvePromise, reject) => {
		const out = createWriteStream(stdoutPath);
		out.on('open', () => {
			const child = spawn(full[0]!, full.slice(1), {cwd, stdio: ['ignore', out, 'inherit']});
			child.on('error', reject);
			child.on('exit', (status) => {
				out.close();
				const wallS = Number(process.hrtime.bigint() - started) / 1e9;
				if (!useTime) return resolvePromise({wallS, treeCpuS: Number.NaN, maxRssKb: Number.NaN, status});
				const [, user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
				resolvePromise({wallS, treeCpuS: user! + sys!, maxRssKb: rss!, status});
			});
		});
	});
}

function sha256File(path: string): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolvePromise(hash.digest('hex')))
			.on('error', reject);
	});
}

/** Sum of the writers' self-reported CPU, in seconds. */
function writersCpuS(shaFiles: readonly string[]): number {
	let micros = 0;
	for (const file of shaFiles) micros += Number(readFileSync(`${file}.cpu`, 'utf8'));
	return micros / 1e6;
}

async function logsExact(logs: readonly string[], shaFiles: readonly string[]): Promise<boolean> {
	for (const [i, log] of logs.entries()) {
		if (!existsSync(log) || (await sha256File(log)) !== readFileSync(shaFiles[i]!, 'utf8')) return false;
	}
	return true;
}

/**
 * The driver: fanout's pipeline alone (startProcess + TaskOutput + headless sink, or logs only).
 * The sink writes to this process's stdout, as the CLI's does (the benchmark points it at a
 * file: a synchronous stream, colour off). Writes one JSON line with its own CPU around the run
 * and its peak RSS to `reportPath`.
 */
async function driver(dir: string, mode: string, tasks: number, bytes: number, reportPath: string): Promise<void> {
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	const ids = Array.from({length: tasks}, (_, i) => `writer-${i + 1}`);
	const sink = mode === 'headless' ? createHeadlessSink(process.stdout, {color: false, keys: ids}) : undefined;
	const store = createOutputStore();
	const runs = ids.map((id, i) => {
		const output = store.open(id, {logPath: join(dir, 'logs', `${id}.log`), sink});
		return startProcess({command: writerCommand(join(dir, `${id}.sha`), bytes, i + 1)}, {cwd: dir, env: process.env, output});
	});
	const infos = await Promise.all(runs.map((run) => run.done));
	const cpu = process.cpuUsage(cpuBefore);
	writeFileSync(
		reportPath,
		`${JSON.stringify({
			cpuS: (cpu.user + cpu.system) / 1e6,
			wallS: Number(process.hrtime.bigint() - started) / 1e9,
			maxRssKb: process.resourceUsage().maxRSS,
			failed: infos.filter((info) => info.outcome !== 'passed').length,
		})}\n`,
	);
}

/** Runs every contender in one go and returns their rows; logs a table as it goes. */
export async function benchThroughput(options: BenchOptions = {}): Promise<BenchRow[]> {
	const mb = options.mb ?? 20;
	const tasks = options.tasks ?? 8;
	const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const bytes = mb * 1024 * 1024;
	const base = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
	const reps = Math.max(1, options.reps ?? 3);
	const rounds: BenchRow[][] = [];
	log(`throughput: ${tasks} writers x ${mb} MB (${tasks * mb} MB), ${reps} interleaved rounds, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}, ${base}`);
	try {
		for (let round = 0; round < reps; round++) {
			rounds.push(await oneRound(round));
			log(`round ${round + 1}: ${rounds.at(-1)!.map((row) => `${row.name} ${row.wallS.toFixed(2)} s / ${row.ownCpuS.toFixed(2)} s`).join(', ')}`);
		}
	} finally {
		rmSync(base, {recursive: true, force: true});
	}
	const rows = medianRows(rounds);
	printTable(rows, reps, log);
	return rows;

	async function oneRound(round: number): Promise<BenchRow[]> {
		const rows: BenchRow[] = [];
		const fresh = (name: string): {dir: string; shaFiles: string[]; commands: string[]} => {
			const dir = join(base, `${round}-${name}`);
			mkdirSync(join(dir, 'logs'), {recursive: true});
			const shaFiles = Array.from({length: tasks}, (_, i) => join(dir, `writer-${i + 1}.sha`));
			return {dir, shaFiles, commands: shaFiles.map((file, i) => writerCommand(file, bytes, i + 1))};
		};
		{
			// 1. The shell, output to files: the floor.
			{
				const {dir, shaFiles, commands} = fresh('shell');
				const logs = shaFiles.map((_, i) => join(dir, 'logs', `writer-${i + 1}.log`));
				const script = `${commands.map((command, i) => `${command} > ${JSON.stringify(logs[i])} &`).join(' ')} wait`;
				const m = await measure(['sh', '-c', script], join(dir, 'stdout'), dir);
				rows.push({name: 'shell (&, wait)', wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024, logsExact: await logsExact(logs, shaFiles)});
			}
			// 2. concurrently (prefixes lines, no sanitizing).
			const concurrently = join(ROOT, 'node_modules', '.bin', 'concurrently');
			if (existsSync(concurrently)) {
				const {dir, shaFiles, commands} = fresh('concurrently');
				const m = await measure([concurrently, ...commands], join(dir, 'stdout'), dir);
				rows.push({name: CONCURRENTLY_ROW, wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024});
			}
			// 3. GNU parallel --line-buffer (no prefix, no sanitizing).
			if (spawnSync('parallel', ['--version'], {stdio: 'ignore'}).status === 0) {
				const {dir, shaFiles, commands} = fresh('parallel');
				const m = await measure(['parallel', '--will-cite', '--line-buffer', '-j', String(tasks), ':::', ...commands], join(dir, 'stdout'), dir);
				rows.push({name: PARALLEL_ROW, wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024});
			} else {
				log('GNU parallel not installed: skipped');
			}
			// 3b. The Node floor: what any orchestrator on Node pays to keep a log per task and pass
			// the output on (spawn, read both pipes, write each chunk to the log and to stdout), with
			// no prefix, no sanitizing, no journal. Not written by fanout's code: plain node.
			{
				const {dir, shaFiles, commands} = fresh('floor');
				const script = join(dir, 'floor.mjs');
				writeFileSync(script, NODE_FLOOR);
				const m = await measure([process.execPath, script, join(dir, 'logs'), ...commands], join(dir, 'stdout'), dir);
				const logs = shaFiles.map((_, i) => join(dir, 'logs', `writer-${i + 1}.log`));
				rows.push({name: FLOOR_ROW, wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024, logsExact: await logsExact(logs, shaFiles)});
			}
			// 4. fanout's pipeline: headless to a file, then logs only (as under the TUI). The driver
			// runs under tsx, whose start-up (esbuild included) is no part of fanout: measured once
			// with no tasks and taken off the own CPU.
			const self = fileURLToPath(import.meta.url);
			if (!options.cliOnly) {
				const startup = fresh('pipeline-startup');
				const idle = await measure([process.execPath, '--import', 'tsx', self, '--driver', startup.dir, 'logs', '0', '0', join(startup.dir, 'driver.json')], join(startup.dir, 'stdout'), ROOT);
				const startupCpuS = idle.treeCpuS;
				for (const [name, toFile] of [
					['fanout pipeline, headless to file', true],
					['fanout pipeline, logs only', false],
				] as const) {
					const {dir, shaFiles} = fresh(toFile ? 'pipeline-headless' : 'pipeline-logs');
					const reportPath = join(dir, 'driver.json');
					const m = await measure([process.execPath, '--import', 'tsx', self, '--driver', dir, toFile ? 'headless' : 'logs', String(tasks), String(bytes), reportPath], join(dir, 'stdout'), ROOT);
					const report = JSON.parse(readFileSync(reportPath, 'utf8').trim()) as {cpuS: number; maxRssKb: number; failed: number};
					const logs = shaFiles.map((_, i) => join(dir, 'logs', `writer-${i + 1}.log`));
					rows.push({
						name,
						wallS: m.wallS,
						ownCpuS: m.treeCpuS - writersCpuS(shaFiles) - startupCpuS,
						pipelineCpuS: report.cpuS,
						peakRssMb: report.maxRssKb / 1024,
						logsExact: report.failed === 0 && (await logsExact(logs, shaFiles)),
						note: `own CPU without tsx start-up (${startupCpuS.toFixed(2)} s, measured alone); pipeline CPU is the run alone`,
					});
				}
			}
			// 5. The real CLI, once the lead has wired `run --headless`.
			const cli = join(ROOT, 'dist', 'bin', 'cli.js');
			if (existsSync(cli)) {
				// The workspace holds only the plan: the writers' checksums and the captured stdout
				// live beside it, where fanout's watcher does not see them.
				const {dir, shaFiles, commands} = fresh('cli');
				const workspace = join(dir, 'ws');
				mkdirSync(workspace);
				const plan = [
					'name: throughput',
					'phases:',
					'  - name: write',
					'    mode: parallel',
					'    tasks:',
					...commands.flatMap((command, i) => [`      - id: writer-${i + 1}`, `        owns: [out/writer-${i + 1}/**]`, `        run: ${JSON.stringify(command)}`]),
				].join('\n');
				writeFileSync(join(workspace, 'plan.yaml'), `${plan}\n`);
				const m = await measure([process.execPath, cli, 'run', join(workspace, 'plan.yaml'), '--headless', '--yes'], join(dir, 'stdout'), workspace);
				const runsRoot = join(workspace, '.fanout', 'runs');
				const runId = existsSync(runsRoot) ? readdirSync(runsRoot).sort().at(-1) : undefined;
				const logs = shaFiles.map((_, i) => (runId ? join(runsRoot, runId, 'logs', `writer-${i + 1}.log`) : ''));
				const writersDone = shaFiles.every((file) => existsSync(`${file}.cpu`));
				rows.push({
					name: CLI_ROW,
					wallS: m.wallS,
					ownCpuS: writersDone ? m.treeCpuS - writersCpuS(shaFiles) : Number.NaN,
					peakRssMb: m.maxRssKb / 1024,
					logsExact: m.status === 0 && (await logsExact(logs, shaFiles)),
					note: m.status === 0 ? undefined : `exit ${m.status}: ${readFileSync(join(dir, 'stdout'), 'utf8').trim().split('\n').at(-1) ?? ''}`,
				});
			}
		}
		return rows;
	}
}

/** Per contender, the median of each figure over the rounds (logs exact only if exact in every round). */
function medianRows(rounds: readonly BenchRow[][]): BenchRow[] {
	const names = rounds[0]!.map((row) => row.name);
	return names.map((name) => {
		const all = rounds.map((rows) => rows.find((row) => row.name === name)).filter((row): row is BenchRow => row !== undefined);
		const pipeline = all.map((row) => row.pipelineCpuS).filter((value): value is number => value !== undefined);
		const exact = all.map((row) => row.logsExact);
		return {
			name,
			wallS: median(all.map((row) => row.wallS)),
			ownCpuS: median(all.map((row) => row.ownCpuS)),
			...(pipeline.length > 0 ? {pipelineCpuS: median(pipeline)} : {}),
			peakRssMb: median(all.map((row) => row.peakRssMb)),
			...(exact[0] === undefined ? {} : {logsExact: exact.every((value) => value === true)}),
			cpuRange: [Math.min(...all.map((row) => row.ownCpuS)), Math.max(...all.map((row) => row.ownCpuS))],
			...(all.find((row) => row.note) ? {note: all.find((row) => row.note)!.note} : {}),
		};
	});
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One table: every contender beside the shell, then the issue's targets checked against it. */
function printTable(rows: readonly BenchRow[], reps: number, log: (line: string) => void): void {
	const shell = rows[0]!;
	log('');
	log(`medians of ${reps} interleaved rounds; extra CPU = the contender's process tree minus the writers' own CPU (range over the rounds)`);
	log(`${'contender'.padEnd(36)} ${'wall s'.padStart(7)} ${'x shell'.padStart(8)} ${'extra CPU s'.padStart(12)} ${'range'.padStart(11)} ${'pipeline CPU s'.padStart(15)} ${'peak RSS MB'.padStart(12)}  logs`);
	for (const row of rows) {
		const range = row.cpuRange ? `${row.cpuRange[0].toFixed(2)}-${row.cpuRange[1].toFixed(2)}` : '';
		log(
			`${row.name.padEnd(36)} ${row.wallS.toFixed(2).padStart(7)} ${(row.wallS / shell.wallS).toFixed(2).padStart(8)} ${row.ownCpuS.toFixed(2).padStart(12)} ${range.padStart(11)} ${(row.pipelineCpuS?.toFixed(2) ?? '-').padStart(15)} ${row.peakRssMb.toFixed(0).padStart(12)}  ${row.logsExact === undefined ? '-' : row.logsExact ? 'exact' : 'MISMATCH'}`,
		);
	}
	for (const row of rows) if (row.note) log(`${row.name}: ${row.note}`);
	const cli = rows.find((row) => row.name === CLI_ROW);
	const parallel = rows.find((row) => row.name === PARALLEL_ROW);
	const concurrently = rows.find((row) => row.name === CONCURRENTLY_ROW);
	if (cli && parallel) log(`target: fanout CLI wall <= GNU parallel's: ${cli.wallS.toFixed(2)} vs ${parallel.wallS.toFixed(2)} s (${(cli.wallS / parallel.wallS).toFixed(2)}x): ${cli.wallS <= parallel.wallS ? 'met' : 'NOT met'}`);
	if (cli && concurrently) log(`target: fanout CLI extra CPU < concurrently's: ${cli.ownCpuS.toFixed(2)} vs ${concurrently.ownCpuS.toFixed(2)} s: ${cli.ownCpuS < concurrently.ownCpuS ? 'met' : 'NOT met'}`);
	if (cli && parallel) log(`fanout CLI extra CPU vs GNU parallel's: ${cli.ownCpuS.toFixed(2)} vs ${parallel.ownCpuS.toFixed(2)} s (${(cli.ownCpuS / parallel.ownCpuS).toFixed(2)}x)`);
	const floor = rows.find((row) => row.name === FLOOR_ROW);
	if (floor && parallel) log(`floor: Node reading, logging and passing on the bytes (no prefix, no sanitizing): wall ${floor.wallS.toFixed(2)} vs parallel's ${parallel.wallS.toFixed(2)} s (${(floor.wallS / parallel.wallS).toFixed(2)}x), extra CPU ${floor.ownCpuS.toFixed(2)} vs ${parallel.ownCpuS.toFixed(2)} s`);
	if (floor && cli) log(`fanout CLI over that floor: wall ${(cli.wallS / floor.wallS).toFixed(2)}x, extra CPU +${(cli.ownCpuS - floor.ownCpuS).toFixed(2)} s (prefix, sanitizing, journal, watcher, start-up)`);
}

const CLI_ROW = 'fanout run --headless (CLI)';
const FLOOR_ROW = 'floor: Node, read + log + stdout';

/** The Node floor's program: argv is the logs folder, then one shell command per writer. */
const NODE_FLOOR = `import {spawn} from 'node:child_process';
import {closeSync, openSync, writeSync} from 'node:fs';
const [logs, ...commands] = process.argv.slice(2);
await Promise.all(commands.map((command, i) => new Promise(resolve => {
	const log = openSync(logs + '/writer-' + (i + 1) + '.log', 'w');
	const child = spawn('/bin/sh', ['-c', command], {detached: true, stdio: ['ignore', 'pipe', 'pipe']});
	const take = chunk => { writeSync(log, chunk); process.stdout.write(chunk); };
	child.stdout.on('data', take);
	child.stderr.on('data', take);
	let open = 3;
	const done = () => { if (--open === 0) { closeSync(log); resolve(); } };
	child.stdout.on('close', done);
	child.stderr.on('close', done);
	child.on('exit', done);
})));
`;
const PARALLEL_ROW = 'GNU parallel --line-buffer';
const CONCURRENTLY_ROW = 'concurrently';

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
	const args = process.argv.slice(2);
	if (args[0] === '--driver') {
		await driver(args[1]!, args[2]!, Number(args[3]), Number(args[4]), args[5]!);
	} else {
		const flag = (name: string): number | undefined => {
			const at = args.indexOf(name);
			return at === -1 ? undefined : Number(args[at + 1]);
		};
		await benchThroughput({mb: flag('--mb'), tasks: flag('--tasks'), reps: flag('--reps'), cliOnly: args.includes('--cli-only')});
	}
}

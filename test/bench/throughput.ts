// Benchmark: 8 writers printing 20 MB each of mixed, partly coloured text, run by a plain
// shell, concurrently, GNU parallel (when installed), fanout's runner pipeline alone (headless
// to a file, and logs only), and the fanout CLI when dist/bin/cli.js exists. Reports wall time,
// the runner's own CPU (the writers' CPU subtracted), peak RSS, and checks every log.
//
// Run: node --import tsx test/bench/throughput.ts [--mb 20] [--tasks 8]

import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
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
	readonly note?: string;
};

export type BenchOptions = {readonly mb?: number; readonly tasks?: number; readonly log?: (line: string) => void};

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
 * The driver: fanout's pipeline alone (startProcess + TaskOutput + headless sink to a file, or
 * logs only). Prints one JSON line with its own CPU around the run and its peak RSS.
 */
async function driver(dir: string, sinkPath: string, tasks: number, bytes: number): Promise<void> {
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	const sinkStream = sinkPath === '-' ? undefined : createWriteStream(sinkPath);
	const ids = Array.from({length: tasks}, (_, i) => `writer-${i + 1}`);
	const sink = sinkStream ? createHeadlessSink(sinkStream, {color: true, keys: ids}) : undefined;
	const store = createOutputStore();
	const runs = ids.map((id, i) => {
		const output = store.open(id, {logPath: join(dir, 'logs', `${id}.log`), sink});
		return startProcess({command: writerCommand(join(dir, `${id}.sha`), bytes, i + 1)}, {cwd: dir, env: process.env, output});
	});
	const infos = await Promise.all(runs.map((run) => run.done));
	if (sinkStream) await new Promise<void>((done) => sinkStream.end(done));
	const cpu = process.cpuUsage(cpuBefore);
	process.stdout.write(
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
	const rows: BenchRow[] = [];
	const fresh = (name: string): {dir: string; shaFiles: string[]; commands: string[]} => {
		const dir = join(base, name);
		mkdirSync(join(dir, 'logs'), {recursive: true});
		const shaFiles = Array.from({length: tasks}, (_, i) => join(dir, `writer-${i + 1}.sha`));
		return {dir, shaFiles, commands: shaFiles.map((file, i) => writerCommand(file, bytes, i + 1))};
	};
	log(`throughput: ${tasks} writers x ${mb} MB (${tasks * mb} MB), node ${process.version}, ${base}`);
	try {
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
			rows.push({name: 'concurrently', wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024});
		}
		// 3. GNU parallel --line-buffer (no prefix, no sanitizing).
		if (spawnSync('parallel', ['--version'], {stdio: 'ignore'}).status === 0) {
			const {dir, shaFiles, commands} = fresh('parallel');
			const m = await measure(['parallel', '--will-cite', '--line-buffer', '-j', String(tasks), ':::', ...commands], join(dir, 'stdout'), dir);
			rows.push({name: 'GNU parallel --line-buffer', wallS: m.wallS, ownCpuS: m.treeCpuS - writersCpuS(shaFiles), peakRssMb: m.maxRssKb / 1024});
		} else {
			log('GNU parallel not installed: skipped');
		}
		// 4. fanout's pipeline: headless to a file, then logs only (as under the TUI). The driver
		// runs under tsx, whose start-up (esbuild included) is no part of fanout: measured once
		// with no tasks and taken off the own CPU.
		const self = fileURLToPath(import.meta.url);
		const startup = fresh('pipeline-startup');
		const idle = await measure([process.execPath, '--import', 'tsx', self, '--driver', startup.dir, '-', '0', '0'], join(startup.dir, 'driver.json'), ROOT);
		const startupCpuS = idle.treeCpuS;
		for (const [name, toFile] of [
			['fanout pipeline, headless to file', true],
			['fanout pipeline, logs only', false],
		] as const) {
			const {dir, shaFiles} = fresh(toFile ? 'pipeline-headless' : 'pipeline-logs');
			const sinkPath = toFile ? join(dir, 'headless.out') : '-';
			const stdoutPath = join(dir, 'driver.json');
			const m = await measure([process.execPath, '--import', 'tsx', self, '--driver', dir, sinkPath, String(tasks), String(bytes)], stdoutPath, ROOT);
			const report = JSON.parse(readFileSync(stdoutPath, 'utf8').trim()) as {cpuS: number; maxRssKb: number; failed: number};
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
				name: 'fanout run --headless (CLI)',
				wallS: m.wallS,
				ownCpuS: writersDone ? m.treeCpuS - writersCpuS(shaFiles) : Number.NaN,
				peakRssMb: m.maxRssKb / 1024,
				logsExact: m.status === 0 && (await logsExact(logs, shaFiles)),
				note: m.status === 0 ? undefined : `exit ${m.status}: ${readFileSync(join(dir, 'stdout'), 'utf8').trim().split('\n').at(-1) ?? ''}`,
			});
		}
	} finally {
		rmSync(base, {recursive: true, force: true});
	}
	const shell = rows[0]!;
	log('');
	log(`${'contender'.padEnd(36)} ${'wall s'.padStart(7)} ${'x shell'.padStart(8)} ${'own CPU s'.padStart(10)} ${'pipeline CPU s'.padStart(15)} ${'peak RSS MB'.padStart(12)}  logs`);
	for (const row of rows) {
		log(
			`${row.name.padEnd(36)} ${row.wallS.toFixed(2).padStart(7)} ${(row.wallS / shell.wallS).toFixed(2).padStart(8)} ${row.ownCpuS.toFixed(2).padStart(10)} ${(row.pipelineCpuS?.toFixed(2) ?? '-').padStart(15)} ${row.peakRssMb.toFixed(0).padStart(12)}  ${row.logsExact === undefined ? '-' : row.logsExact ? 'exact' : 'MISMATCH'}`,
		);
	}
	for (const row of rows) if (row.note) log(`${row.name}: ${row.note}`);
	log('own CPU = the contender\'s whole process tree minus the writers\' self-reported CPU (noisy on a busy machine).');
	return rows;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
	const args = process.argv.slice(2);
	if (args[0] === '--driver') {
		await driver(args[1]!, args[2]!, Number(args[3]), Number(args[4]));
	} else {
		const flag = (name: string): number | undefined => {
			const at = args.indexOf(name);
			return at === -1 ? undefined : Number(args[at + 1]);
		};
		await benchThroughput({mb: flag('--mb'), tasks: flag('--tasks')});
	}
}

// Figures for the workspace watcher and the phase-end scan on a 100,000-file workspace:
// setup time, idle CPU and memory, write-to-event latency under load, scan time.
// Run directly: `node --import tsx test/bench/watcher.ts` (BENCH_IDLE_SECONDS shortens the idle part).

import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {createIgnore} from '../../source/runner/ignore.js';
import {diffSnapshots, snapshotTree} from '../../source/runner/file-snapshot.js';
import {watchWorkspace} from '../../source/runner/watcher.js';

/** Measured figures; times in milliseconds, memory in MB. */
export type WatcherFigures = {
	readonly files: number;
	readonly directories: number;
	readonly createTreeMs: number;
	readonly setupMs: number;
	readonly setupCpuMs: number;
	readonly idleSeconds: number;
	readonly idleCpuMs: number;
	readonly rssBeforeMb: number;
	readonly rssWatchingMb: number;
	readonly rssAfterIdleMb: number;
	readonly latencyMedianMs: number;
	readonly latencyWorstMs: number;
	readonly latencyTrials: number;
	readonly backgroundWriters: number;
	readonly backgroundEvents: number;
	readonly scanMs: number;
	readonly diffMs: number;
	readonly diffChanges: number;
};

type Options = {
	readonly files?: number;
	readonly idleSeconds?: number;
	readonly trials?: number;
	readonly writers?: number;
	readonly log?: (line: string) => void;
};

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Builds the workspace, measures, cleans up, and returns the figures. */
export async function benchWatcher(options: Options = {}): Promise<WatcherFigures> {
	const {files = 100_000, idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60), trials = 50, writers = 8, log = () => undefined} = options;
	const root = mkdtempSync(path.join(os.tmpdir(), 'fanout-bench-watch-'));
	const children: ChildProcess[] = [];
	try {
		// 20 packages x 50 modules x 100 files: about the shape of a large monorepo.
		let t = performance.now();
		const perDir = 100;
		const dirCount = Math.ceil(files / perDir);
		for (let d = 0; d < dirCount; d++) {
			const dir = path.join(root, `pkg${Math.floor(d / 50)}`, `mod${d % 50}`);
			mkdirSync(dir, {recursive: true});
			for (let f = 0; f < perDir && d * perDir + f < files; f++) writeFileSync(path.join(dir, `file${f}.ts`), 'export {};\n');
		}
		mkdirSync(path.join(root, 'probe'));
		const createTreeMs = Math.round(performance.now() - t);
		log(`workspace: ${files} files in ${dirCount} dirs, made in ${createTreeMs} ms`);

		const ignore = await createIgnore(root, []);
		globalThis.gc?.();
		const rssBeforeMb = mb(process.memoryUsage().rss);
		const arrivals = new Map<string, number>();
		let backgroundEvents = 0;
		const cpuSetup = process.cpuUsage();
		t = performance.now();
		const watcher = await watchWorkspace({
			workspace: root,
			ignore,
			onChanges: changes => {
				const now = performance.now();
				for (const change of changes) {
					if (change.path.startsWith('probe/')) {
						if (!arrivals.has(change.path)) arrivals.set(change.path, now);
					} else backgroundEvents++;
				}
			},
		});
		const setupMs = Math.round(performance.now() - t);
		const setupCpuMs = cpuMs(process.cpuUsage(cpuSetup));
		const rssWatchingMb = mb(process.memoryUsage().rss);
		log(`watch setup: ${setupMs} ms, ${setupCpuMs} ms CPU, ${watcher.watchedDirectories} dirs; RSS ${rssBeforeMb} -> ${rssWatchingMb} MB`);

		const cpuIdle = process.cpuUsage();
		let rssMax = 0;
		for (let second = 0; second < idleSeconds; second++) {
			await sleep(1000);
			rssMax = Math.max(rssMax, process.memoryUsage().rss);
		}
		const idleCpuMs = cpuMs(process.cpuUsage(cpuIdle));
		const rssAfterIdleMb = mb(Math.max(rssMax, process.memoryUsage().rss));
		log(`idle ${idleSeconds} s: ${idleCpuMs} ms CPU, RSS max ${rssAfterIdleMb} MB`);

		t = performance.now();
		const before = await snapshotTree(root, ignore);
		const scanMs = Math.round(performance.now() - t);
		log(`phase-end scan (snapshot): ${scanMs} ms for ${before.size} files`);

		// Eight busy tasks, each rewriting its own files in its own folder as fast as a timer allows.
		for (let w = 0; w < writers; w++) {
			const dir = path.join(root, `pkg${w % 20}`, `mod${w}`);
			const script = `const fs=require('fs');let i=0;setInterval(()=>{fs.writeFileSync(${JSON.stringify(dir)}+'/busy'+(i++%20)+'.ts',String(i))},2)`;
			children.push(spawn(process.execPath, ['-e', script], {stdio: 'ignore'}));
		}
		await sleep(500);

		const latencies: number[] = [];
		for (let trial = 0; trial < trials; trial++) {
			const rel = `probe/p${trial}.txt`;
			const start = performance.now();
			writeFileSync(path.join(root, rel), 'probe');
			const deadline = start + 5000;
			while (!arrivals.has(rel) && performance.now() < deadline) await sleep(1);
			latencies.push((arrivals.get(rel) ?? Number.POSITIVE_INFINITY) - start);
			await sleep(20 + Math.random() * 30);
		}
		for (const child of children) child.kill('SIGKILL');
		latencies.sort((a, b) => a - b);
		const latencyMedianMs = Math.round(latencies[Math.floor(latencies.length / 2)]! * 10) / 10;
		const latencyWorstMs = Math.round(latencies.at(-1)! * 10) / 10;
		log(`latency write -> event with ${writers} busy writers: median ${latencyMedianMs} ms, worst ${latencyWorstMs} ms over ${trials} trials (${backgroundEvents} background events)`);
		await watcher.close();

		t = performance.now();
		const afterSnapshot = await snapshotTree(root, ignore);
		const diff = diffSnapshots(before, afterSnapshot);
		const diffMs = Math.round(performance.now() - t);
		log(`phase-end scan + diff after the run: ${diffMs} ms, ${diff.length} changed files`);

		return {
			files,
			directories: dirCount,
			createTreeMs,
			setupMs,
			setupCpuMs,
			idleSeconds,
			idleCpuMs,
			rssBeforeMb,
			rssWatchingMb,
			rssAfterIdleMb,
			latencyMedianMs,
			latencyWorstMs,
			latencyTrials: trials,
			backgroundWriters: writers,
			backgroundEvents,
			scanMs,
			diffMs,
			diffChanges: diff.length,
		};
	} finally {
		for (const child of children) child.kill('SIGKILL');
		rmSync(root, {recursive: true, force: true});
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const figures = await benchWatcher({log: line => console.log(line)});
	console.log(JSON.stringify(figures, null, 2));
}

// Measures the TUI's own CPU at 200x50 with 8 running tasks: silent (spinners only), then all 8
// printing continuously, with Ink frames per second and time per frame (load-independent-ish).
// Run: NODE_ENV=production node --import tsx test/ui/cpu.bench.tsx (React's development build
// costs several times more). STATUS=passed measures panes without spinners; INCREMENTAL=1 and
// CONCURRENT=1 turn on Ink's options of those names. The clock is fed Ink's frame times, as in
// tui.tsx. Prints one JSON line, with the clock's paced delay and spinner step at the end.

import {Writable} from 'node:stream';
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {App} from '../../source/ui/app.js';
import {createClock} from '../../source/ui/hooks/clock.js';
import {FakeView, MemoryStore, makeContext, taskRun, widePlan} from './helpers.js';

class FakeTty extends Writable {
	isTTY = true;
	columns = 200;
	rows = 50;
	bytes = 0;
	writes = 0;
	override _write(chunk: Buffer, _encoding: string, done: () => void) {
		this.bytes += chunk.length;
		this.writes++;
		done();
	}
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	setRawMode() {}
	setEncoding() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read() {
		return null;
	}
}

const plan = widePlan(8);
const now = Date.now();
const tasks = Object.fromEntries(plan.phases[0]!.tasks.map(t => [t.id, taskRun(t.id, 0, {status: (process.env['STATUS'] ?? 'running') as 'running', startedAt: now})]));
const view = new FakeView('running', makeContext(plan, {phases: ['running'], tasks, startedAt: now}));
const store = new MemoryStore();
for (const t of plan.phases[0]!.tasks) store.tail(t.id).push('starting');

const stdout = new FakeTty();
let renders = 0;
let renderMs = 0;
const clock = createClock(10);
const instance = render(<App clock={clock} actor={view} store={store} onExit={() => {}} color />, {
	stdout: stdout as unknown as NodeJS.WriteStream,
	stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
	exitOnCtrlC: false,
	patchConsole: false,
	maxFps: 15,
	incrementalRendering: process.env['INCREMENTAL'] === '1',
	onRender: ({renderTime}) => {
		clock.reportFrame(renderTime);
		renders++;
		renderMs += renderTime;
	},
	concurrent: process.env['CONCURRENT'] === '1',
});

const writes: number[] = [];
async function measure(ms: number, busy: boolean): Promise<number> {
	const start = process.cpuUsage();
	const writesBefore = renders;
	const t0 = performance.now();
	let n = 0;
	const timer = busy
		? setInterval(() => {
				// Roughly 8 tasks x 2,000 lines/s, pushed as the runner would, in batches.
				for (const t of plan.phases[0]!.tasks) {
					const lines: string[] = [];
					for (let i = 0; i < 10; i++) lines.push(`\u001b[32mline ${n++}\u001b[39m building module ${t.id} step ${i}`);
					store.tail(t.id).push(...lines);
				}
			}, 5)
		: undefined;
	await new Promise(resolve => setTimeout(resolve, ms));
	if (timer) clearInterval(timer);
	const used = process.cpuUsage(start);
	writes.push(Math.round(((renders - writesBefore) * 1000) / ms));
	return (used.user + used.system) / 1000 / (performance.now() - t0);
}

await new Promise(resolve => setTimeout(resolve, 500));
const silent = await measure(4000, false);
const busy = process.env['SILENT_ONLY'] ? 0 : await measure(4000, true);
instance.unmount();
console.log(JSON.stringify({silentCpu: Number(silent.toFixed(3)), busyCpu: Number(busy.toFixed(3)), bytesWritten: stdout.bytes, rendersPerSecond: writes, msPerRender: Number((renderMs / Math.max(1, renders)).toFixed(2)), frameCostMs: Number(clock.frameCostMs().toFixed(1)), spinnerStepMs: clock.spinnerStepMs(), delayMs: clock.delayMs()}));
process.exit(0);

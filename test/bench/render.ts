// Micro-benchmark of the headless renderer alone: the throughput workload's text (as
// test/fixtures/runner/print.mjs prints it), coloured and colourless, cut into 64 KiB chunks as
// pipes deliver them, rendered with colour on and off. Reports the best of several runs in CPU
// time, so a busy machine disturbs it less than the full benchmark.
//
// Run: node --import tsx test/bench/render.ts [--mb 40]

import {countNewlines, LineSplitter} from '../../source/runner/lines.js';
import {regionIsChecked, renderLines} from '../../source/runner/render.js';
import type {RenderScratch} from '../../source/runner/render.js';

const WORDS = ['alpha', 'beta', 'gamma', 'délta', 'ε', '日本', 'compile', 'src/index.ts', 'ok', 'warning'];

/** About `mb` MB of print.mjs's lines; `colour: false` drops their SGR sequences. */
function workload(mb: number, colour: boolean): Buffer {
	let n = 1;
	const blocks: Buffer[] = [];
	let size = 0;
	while (size < mb * 1024 * 1024) {
		let text = '';
		while (text.length < 60000) {
			n = (n * 1103515245 + 12345) % 2147483648;
			const kind = n % 8;
			const word = WORDS[n % WORDS.length]!;
			if (kind === 0) text += `\u001b[32m✔\u001b[0m test ${n} ${word} passed\n`;
			else if (kind === 1) text += `\u001b[1;31merror\u001b[0m: ${word} at line ${n % 1000}\n`;
			else if (kind === 2) text += `${word}\t${n}\t${word}\n`;
			else if (kind === 3) text += `${word.repeat(30)} ${n}\n`;
			else text += `[${n}] building ${word} module number ${n % 977} of the workspace\n`;
		}
		const block = Buffer.from(colour ? text : text.replace(/\u001b\[[0-9;]*m/g, ''));
		blocks.push(block);
		size += block.length;
	}
	return Buffer.concat(blocks);
}

type Region = {readonly chunk: Buffer; readonly start: number; readonly end: number; readonly count: number};

/** The whole-line regions a TaskOutput would hand the sink, chunk by chunk. */
function regions(bytes: Buffer): Region[] {
	const splitter = new LineSplitter();
	const out: Region[] = [];
	for (let at = 0; at < bytes.length; at += 65536) {
		const chunk = bytes.subarray(at, at + 65536);
		const {start, end} = splitter.push(chunk);
		out.push({chunk, start, end, count: countNewlines(chunk, start, end)});
	}
	return out;
}

const args = process.argv.slice(2);
const mbAt = args.indexOf('--mb');
const mb = mbAt === -1 ? 40 : Number(args[mbAt + 1]);
const prefix = Buffer.from('\u001b[0m\u001b[36mwriter-1 |\u001b[0m ');
console.log(`render: ${mb} MB per case, 64 KiB chunks, best of 7 (CPU ms)`);
for (const colourful of [true, false]) {
	const input = regions(workload(mb, colourful));
	for (const color of [true, false]) {
		const options = {prefix, color, maxChars: 4096};
		const fast = input.filter((r) => regionIsChecked(r.chunk, r.start, r.end)).length;
		let best = Number.POSITIVE_INFINITY;
		let bytes = 0;
		for (let round = 0; round < 7; round++) {
			const before = process.cpuUsage();
			bytes = 0;
			// As the headless sink renders: into one reused buffer.
			const scratch: RenderScratch = {buffer: undefined};
			for (const r of input) bytes += renderLines(r.chunk, r.start, r.end, r.count, options, undefined, scratch).length;
			const used = process.cpuUsage(before);
			best = Math.min(best, (used.user + used.system) / 1000);
		}
		const name = `${colourful ? 'coloured' : 'colourless'} text, colour ${color ? 'on' : 'off'}`;
		console.log(`${name.padEnd(32)} ${best.toFixed(0).padStart(5)} ms  ${((mb * 1.048576) / (best / 1000)).toFixed(0).padStart(5)} MB/s  checked ${fast}/${input.length} chunks  out ${(bytes / 1e6).toFixed(0)} MB`);
	}
}

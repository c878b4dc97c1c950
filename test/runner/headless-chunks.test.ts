// Headless output across chunk boundaries: however a task's bytes are cut into chunks, the log
// is byte-exact and the printed lines are the same prefixed, sanitized lines, and a stream that
// keeps the buffers it was given never sees them change.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {closeSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {createOutputStore} from '../../source/runner/output.js';
import {createHeadlessSink} from '../../source/runner/headless-sink.js';
import {collapseCarriageReturns} from '../../source/runner/lines.js';
import {decodeLine, displayLine, stripColour} from '../../source/text/sanitize.js';
import {FIXTURES, tempDir} from './helpers.js';

const {dir, cleanup} = tempDir();
after(cleanup);

/** What the sink must print for `bytes` (whole lines): each line decoded, collapsed, capped, sanitized, prefixed. */
function reference(bytes: Buffer, prefix: string, color: boolean): string {
	let out = '';
	let start = 0;
	for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
		const shown = displayLine(collapseCarriageReturns(decodeLine(bytes.subarray(start, nl))), 4096);
		out += `${prefix}${color ? shown : stripColour(shown)}\n`;
		start = nl + 1;
	}
	return out;
}

/** Everything written to a PassThrough, joined. */
function collect(stream: PassThrough): () => Buffer {
	const parts: Buffer[] = [];
	stream.on('data', (chunk: Buffer) => parts.push(chunk));
	return () => Buffer.concat(parts);
}

/** Feeds `bytes` to a fresh TaskOutput + sink cut at `cuts`; returns the printed bytes and the log. */
async function feed(bytes: Buffer, cuts: readonly number[], color: boolean, name: string): Promise<{printed: Buffer; log: Buffer; prefix: string}> {
	const stream = new PassThrough();
	const printed = collect(stream);
	const sink = createHeadlessSink(stream, {color, keys: ['task']});
	const output = createOutputStore().open('task', {logPath: join(dir, `${name}.log`), sink});
	let from = 0;
	for (const cut of [...cuts, bytes.length]) {
		output.write(Buffer.from(bytes.subarray(from, cut)));
		from = cut;
	}
	await output.end();
	return {printed: printed(), log: readFileSync(join(dir, `${name}.log`)), prefix: sink.prefixFor('task')};
}

// Every kind of line the renderer tells apart, with the awkward bytes at many offsets.
const SAMPLE = Buffer.concat([
	Buffer.from('plain line\n\u001b[1;31merror\u001b[0m: coloured\twith tab\n日本 é 😀\tq\n'),
	Buffer.from('bar 10%\rbar 50%\rbar 100%\r\nafter\r\n'),
	Buffer.from('clip \u001b]52;c;eA==\u0007 x\nclear \u001b[2J\u001b[H y\nbell \u0007 bs \b del \u007f\n'),
	Buffer.from([0x9b, 0x32, 0x4a, 0x20, 0x7a, 0x0a, 0xc2, 0x9b, 0x61, 0x0a, 0xff, 0x41, 0x0a, 0xc2, 0xa0, 0x62, 0x0a]),
	Buffer.from('\n\t\tindented\nlast\n'),
]);

test('a line split across chunks at every offset prints as if it came whole, and the log is exact', async () => {
	for (const color of [false, true]) {
		const whole = await feed(SAMPLE, [], color, `whole-${color}`);
		assert.equal(whole.printed.toString(), reference(SAMPLE, whole.prefix, color));
		for (let cut = 1; cut < SAMPLE.length; cut++) {
			const split = await feed(SAMPLE, [cut], color, `cut-${color}-${cut}`);
			assert.deepEqual(split.log, SAMPLE, `log, cut at ${cut}`);
			assert.equal(split.printed.toString('latin1'), whole.printed.toString('latin1'), `printed, colour ${color}, cut at ${cut}`);
		}
	}
});

test('many random cuts, hostile bytes among them: the same printed lines, escapes other than colour gone', async () => {
	let seed = 5;
	const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
	const bytes = Buffer.concat(Array.from({length: 20}, () => SAMPLE));
	for (let round = 0; round < 30; round++) {
		const color = round % 2 === 0;
		const cuts = [...new Set(Array.from({length: 1 + (next() % 40)}, () => 1 + (next() % (bytes.length - 1))))].sort((a, b) => a - b);
		const {printed, log, prefix} = await feed(bytes, cuts, color, `random-${round}`);
		assert.deepEqual(log, bytes);
		assert.equal(printed.toString(), reference(bytes, prefix, color), JSON.stringify(cuts));
		const text = printed.toString().replace(/\u001b\[[0-9;]*m/g, '');
		assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
	}
});

test('a stream that hands chunks on by reference never sees its earlier chunks overwritten', async () => {
	// A PassThrough keeps each written buffer in its readable side: nothing may write into one later.
	const stream = new PassThrough();
	const sink = createHeadlessSink(stream, {color: false, keys: ['t']});
	const chunks = Array.from({length: 50}, (_, i) => Buffer.from(`chunk ${i} \u001b[1mline\u001b[0m a\nchunk ${i} line b\n`));
	for (const chunk of chunks) sink.writeChunk('t', [], chunk, 0, chunk.length, 2);
	stream.end();
	const printed = (await stream.toArray()).map((part: Buffer) => part.toString()).join('');
	assert.equal(printed, chunks.map((chunk) => reference(chunk, 't | ', false)).join(''));
});

test('on the real stdout (a file, a pipe) the reused output buffer prints every chunk exactly', async () => {
	// Lines the fast path takes, lines the byte loop takes (colour off with escapes), hostile ones.
	const lines: Buffer[] = [];
	for (let i = 0; i < 40_000; i++) {
		if (i % 7 === 0) lines.push(Buffer.from(`\u001b[1;31merror\u001b[0m ${i}\tat\tline\n`));
		else if (i % 501 === 0) lines.push(SAMPLE);
		else if (i % 997 === 0) lines.push(Buffer.from(`${'long '.repeat(2000)}\n`));
		else lines.push(Buffer.from(`[${i}] building module ${i % 977} 日本 é\n`));
	}
	const input = Buffer.concat(lines);
	const inputPath = join(dir, 'stdout-input');
	writeFileSync(inputPath, input);
	const fixture = join(FIXTURES, 'sink-stdout.ts');
	for (const color of [false, true]) {
		const expected = reference(input, color ? '\u001b[0m\u001b[36mtask |\u001b[0m ' : 'task | ', color);
		// stdout a file: Node writes it with a SyncWriteStream.
		const file = join(dir, `stdout-${color}.txt`);
		const fd = openSync(file, 'w');
		const toFile = spawnSync(process.execPath, ['--import', 'tsx', fixture, inputPath, join(dir, `file-${color}.log`), color ? '1' : '0'], {stdio: ['ignore', fd, 'pipe']});
		closeSync(fd);
		assert.equal(toFile.status, 0, String(toFile.stderr));
		assert.ok(readFileSync(file).equals(Buffer.from(expected)), `stdout to a file, colour ${color}`);
		assert.ok(readFileSync(join(dir, `file-${color}.log`)).equals(input));
		// stdout a pipe: a socket in Node.
		const toPipe = spawnSync(process.execPath, ['--import', 'tsx', fixture, inputPath, join(dir, `pipe-${color}.log`), color ? '1' : '0'], {maxBuffer: 1 << 30});
		assert.equal(toPipe.status, 0, String(toPipe.stderr));
		assert.ok(toPipe.stdout.equals(Buffer.from(expected)), `stdout to a pipe, colour ${color}`);
	}
});

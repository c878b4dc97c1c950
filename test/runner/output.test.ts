// The output pipeline with real processes: byte-exact logs, bounded tails, sanitized display.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {createReadStream, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {startProcess} from '../../source/runner/process.js';
import {createOutputStore} from '../../source/runner/output.js';
import {createHeadlessSink} from '../../source/runner/headless-sink.js';
import {FIXTURES, tempDir} from './helpers.js';

const {dir, cleanup} = tempDir();
after(cleanup);
const env = process.env;
const node = process.execPath;

function sha256File(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

/** Collects everything written to a stream, counting writes. */
function collector(): {stream: PassThrough; text: () => string; writes: () => number} {
	const stream = new PassThrough();
	const parts: Buffer[] = [];
	let writes = 0;
	const write = stream.write.bind(stream);
	stream.write = ((chunk: string | Buffer, ...rest: never[]) => {
		writes++;
		return write(chunk, ...rest);
	}) as typeof stream.write;
	stream.on('data', (chunk: Buffer) => parts.push(chunk));
	return {stream, text: () => Buffer.concat(parts).toString('utf8'), writes: () => writes};
}

test('8 processes printing 6 MB each at once: every log is byte-exact, tails bounded', async () => {
	const store = createOutputStore();
	const bytes = 6 * 1024 * 1024;
	const runs = Array.from({length: 8}, (_, i) => {
		const key = `task-${i}`;
		const output = store.open(key, {logPath: join(dir, 'heavy', `${key}.log`), maxLines: 200});
		const shaFile = join(dir, `${key}.sha`);
		const stream = i % 2 === 0 ? 'stdout' : 'stderr';
		const run = startProcess({file: node, args: [join(FIXTURES, 'print.mjs'), String(bytes), shaFile, stream, String(i + 1)]}, {cwd: dir, env, output});
		return {key, output, shaFile, run};
	});
	const infos = await Promise.all(runs.map((r) => r.run.done));
	for (const [i, {output, shaFile}] of runs.entries()) {
		assert.equal(infos[i]!.outcome, 'passed');
		assert.equal(output.bytes, bytes);
		assert.equal(await sha256File(output.logPath), readFileSync(shaFile, 'utf8'), `log of task-${i}`);
		assert.ok(output.lineCount > 50000);
		assert.equal(output.lines().length, 200);
		// Display lines are sanitized: colour only, tabs expanded.
		for (const line of output.lines()) assert.doesNotMatch(line.replace(/\u001b\[[0-9;]*m/g, ''), /[\u0000-\u001f]/);
	}
	assert.ok(store.version > 0);
});

test('100 MB-style endless line (20 MB here): the held partial stays capped, memory flat', async () => {
	const store = createOutputStore();
	const output = store.open('nonl', {logPath: join(dir, 'nonl.log'), maxHeldBytes: 64 * 1024});
	const before = process.memoryUsage().rss;
	let peak = before;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const run = startProcess({file: node, args: [join(FIXTURES, 'nonl.mjs'), String(20 * 1024 * 1024)]}, {cwd: dir, env, output});
	await run.done;
	clearInterval(timer);
	assert.equal(output.bytes, 20 * 1024 * 1024);
	assert.equal(output.lineCount, 1);
	const [line] = output.lines();
	assert.equal(line!.length, 4096, 'display line capped');
	assert.ok(line!.endsWith('…'));
	assert.ok(peak - before < 60 * 1024 * 1024, `rss grew ${((peak - before) / 1e6).toFixed(1)} MB`);
});

test('carriage returns: a progress bar shows its last state; the log keeps every byte', async () => {
	const store = createOutputStore();
	const output = store.open('progress', {logPath: join(dir, 'progress.log')});
	await startProcess({file: node, args: [join(FIXTURES, 'progress.mjs'), '200']}, {cwd: dir, env, output}).done;
	assert.deepEqual(output.lines(), ['progress 200/200', 'done']);
	assert.equal(output.lineCount, 2);
	assert.ok(readFileSync(output.logPath, 'utf8').includes('\rprogress 17/200\rprogress 18/200'));
});

test('hostile bytes are removed from tails and headless output, kept in the log', async () => {
	const store = createOutputStore();
	const out = collector();
	const sink = createHeadlessSink(out.stream, {color: true, keys: ['evil', 'a-long-id']});
	const raw: string[] = [];
	const output = store.open('evil', {logPath: join(dir, 'evil.log'), sink, onLine: (line) => raw.push(line)});
	await startProcess({file: node, args: [join(FIXTURES, 'hostile.mjs')]}, {cwd: dir, env, output}).done;
	const expected = ['clip  end', 'title  end', 'link text end', 'clear  end', 'alt  end', 'colour \u001b[31mred\u001b[0m end', 'csi8  end', 'osc8  end', 'bell  bs  del  end'];
	assert.deepEqual(output.lines(), expected);
	assert.equal(raw.length, expected.length);
	assert.ok(raw[0]!.includes('\u001b]52;'), 'onLine sees the raw line');
	const printed = out.text();
	const withoutSgr = printed.replace(/\u001b\[[0-9;]*m/g, '');
	assert.doesNotMatch(withoutSgr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
	assert.ok(printed.includes('evil      |'), 'prefix padded to the widest id');
	assert.ok(readFileSync(output.logPath).includes(Buffer.from([0x9b])), 'log is byte-exact, hostile bytes included');
});

test('headless sink gets one write per chunk, not per line', async () => {
	const store = createOutputStore();
	const out = collector();
	const sink = createHeadlessSink(out.stream, {color: false});
	const output = store.open('batch', {logPath: join(dir, 'batch.log'), sink});
	output.write(Buffer.from('one\ntwo\nthree\nfour\n'));
	output.write(Buffer.from('\u001b[32mfive\u001b[0m\tx\nsix'));
	await output.end();
	assert.equal(out.writes(), 3);
	assert.equal(out.text(), 'batch | one\nbatch | two\nbatch | three\nbatch | four\nbatch | five    x\nbatch | six\n');
});

test('the tail shows the unfinished line, and the version moves with it', async () => {
	const store = createOutputStore();
	const output = store.open('partial', {logPath: join(dir, 'partial.log'), maxLines: 3});
	const v0 = output.version;
	output.write(Buffer.from('a\nb\nc\nd\n50%'));
	assert.deepEqual(output.lines(), ['c', 'd', '50%']);
	const v1 = output.version;
	assert.ok(v1 > v0);
	output.write(Buffer.from('\r60%'));
	assert.ok(output.version > v1);
	assert.deepEqual(output.lines(), ['c', 'd', '60%']);
	assert.deepEqual(output.lines(2), ['d', '60%']);
	await output.end();
	assert.deepEqual(output.lines(), ['c', 'd', '60%']);
	assert.equal(output.lineCount, 5);
	assert.equal(readFileSync(output.logPath, 'utf8'), 'a\nb\nc\nd\n50%\r60%');
	assert.equal(store.get('partial'), output);
});

test('one huge write of many lines: the tail holds the last ones, counts are exact', async () => {
	const store = createOutputStore();
	const output = store.open('huge', {logPath: join(dir, 'huge.log'), maxLines: 5});
	const text = Array.from({length: 100000}, (_, i) => `line ${i}`).join('\n') + '\n';
	output.write(Buffer.from(text));
	output.write(Buffer.from('a\nb\n'));
	assert.equal(output.lineCount, 100002);
	assert.deepEqual(output.lines(), ['line 99997', 'line 99998', 'line 99999', 'a', 'b']);
	await output.end();
	assert.equal(readFileSync(output.logPath, 'utf8'), `${text}a\nb\n`);
});

test('onLineMatch passes only matching lines, across chunk boundaries too', async () => {
	const store = createOutputStore();
	const seen: string[] = [];
	const output = store.open('marker', {logPath: join(dir, 'marker.log'), onLine: (line) => seen.push(line), onLineMatch: 'FANOUT-NEEDS:'});
	output.write(Buffer.from('noise\nFANOUT-NEEDS: a.ts\nmore noise\nFANOUT-NE'));
	output.write(Buffer.from('EDS: b.ts -- why\nplain\n'));
	output.write(Buffer.from('nothing here\n'));
	await output.end();
	assert.deepEqual(seen, ['FANOUT-NEEDS: a.ts', 'FANOUT-NEEDS: b.ts -- why']);
	assert.equal(output.lineCount, 6);
});

test('display: an adapter turns raw lines into what the tail and the sink show', async () => {
	const store = createOutputStore();
	const out = collector();
	const sink = createHeadlessSink(out.stream, {color: false});
	const raw: string[] = [];
	const output = store.open('agent', {
		logPath: join(dir, 'agent.log'),
		sink,
		onLine: (line) => raw.push(line),
		display: (line) => {
			const event = JSON.parse(line) as {text?: string};
			return event.text === undefined ? [] : [`says: ${event.text}`];
		},
	});
	output.write(Buffer.from('{"text":"hello \\u001b]0;x\\u0007"}\n{"other":1}\n{"te'));
	assert.deepEqual(output.lines(), ['says: hello '], 'no half JSON line shown');
	output.write(Buffer.from('xt":"bye"}\n'));
	await output.end();
	assert.deepEqual(output.lines(), ['says: hello ', 'says: bye']);
	assert.equal(raw.length, 3);
	assert.equal(output.lineCount, 3);
	assert.equal(out.text(), 'agent | says: hello \nagent | says: bye\n');
});

// The line splitter: chunk boundaries, carriage returns, caps on held lines.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LineSplitter, collapseCarriageReturns, countNewlines, decodeLines} from '../../source/runner/lines.js';
import type {Split} from '../../source/runner/lines.js';
import {Ring} from '../../source/runner/ring.js';

/** The lines one push produced: the completed held line, then the chunk's whole lines. */
function linesOf(chunk: Buffer, split: Split): string[] {
	return [...(split.first === undefined ? [] : [split.first]), ...decodeLines(chunk, split.start, split.end)];
}

function splitAll(chunks: readonly (string | Buffer)[], splitter = new LineSplitter()): string[] {
	const out: string[] = [];
	for (const chunk of chunks) {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		out.push(...linesOf(bytes, splitter.push(bytes)));
	}
	const last = splitter.flush();
	if (last !== undefined) out.push(last);
	return out;
}

test('lines across chunk boundaries, \\r\\n as a newline, last line without newline flushed', () => {
	assert.deepEqual(splitAll(['ab', 'c\nde', 'f\r', '\ngh\n', 'tail']), ['abc', 'def', 'gh', 'tail']);
	assert.deepEqual(splitAll(['\n\n', 'x\r\n']), ['', '', 'x']);
});

test('a multi-byte character split across chunks decodes whole', () => {
	const bytes = Buffer.from('日本\n');
	assert.deepEqual(splitAll([bytes.subarray(0, 2), bytes.subarray(2)]), ['日本']);
});

test('a bare carriage return keeps only the text after the last one', () => {
	assert.equal(collapseCarriageReturns('10%\r20%\r30%'), '30%');
	assert.equal(collapseCarriageReturns('done\r'), 'done');
	assert.deepEqual(splitAll(['\r10%', '\r20%', '\r30%\r', '\ndone\n']), ['30%', 'done']);
	assert.deepEqual(splitAll(['a\rb\nc\r\r\nd\re\n']), ['b', 'c', 'e']);
	// The held "\r" was bare: the next chunk restarts the line.
	assert.deepEqual(splitAll(['old\r', 'new\n']), ['new']);
});

test('a push hands back the completed held line and the region of whole lines', () => {
	const splitter = new LineSplitter();
	assert.deepEqual(splitter.push(Buffer.from('hel')), {first: undefined, start: 0, end: 0});
	const chunk = Buffer.from('lo\none\ntwo\nrest');
	const split = splitter.push(chunk);
	assert.deepEqual(split, {first: 'hello', start: 3, end: 11});
	assert.equal(countNewlines(chunk, split.start, split.end), 2);
	assert.deepEqual(decodeLines(chunk, split.start, split.end), ['one', 'two']);
	assert.equal(splitter.partial(), 'rest');
	assert.equal(splitter.flush(), 'rest');
	assert.equal(splitter.flush(), undefined);
});

test('an endless line without newline is held only up to the cap', () => {
	const splitter = new LineSplitter({maxHeldBytes: 4096});
	const block = Buffer.alloc(65536, 'x');
	for (let i = 0; i < 320; i++) splitter.push(block); // 20 MB
	assert.equal(splitter.heldBytes, 4096);
	assert.equal(splitter.droppedBytes, 20 * 1024 * 1024 - 4096);
	const tail = Buffer.from('y\nnext\n');
	const lines = linesOf(tail, splitter.push(tail));
	assert.equal(lines.length, 2);
	assert.equal(lines[0]!.length, 4096);
	assert.equal(lines[1], 'next');
	assert.equal(splitter.heldBytes, 0);
});

test('progress output with carriage returns and no newline keeps memory flat', () => {
	const splitter = new LineSplitter({maxHeldBytes: 4096});
	for (let i = 0; i < 10000; i++) splitter.push(Buffer.from(`progress ${i}%\r`));
	assert.ok(splitter.heldBytes < 64, `held ${splitter.heldBytes}`);
	assert.equal(splitter.partial(), 'progress 9999%');
});

test('ring keeps the last N, oldest first', () => {
	const ring = new Ring<number>(3);
	assert.deepEqual(ring.toArray(), []);
	for (let i = 1; i <= 5; i++) ring.push(i);
	assert.deepEqual(ring.toArray(), [3, 4, 5]);
	assert.deepEqual(ring.toArray(2), [4, 5]);
	ring.pushAll([6, 7, 8, 9]);
	assert.deepEqual(ring.toArray(), [7, 8, 9]);
	assert.equal(ring.size, 3);
	assert.equal(ring.last(), 9);
});

// The headless line writer: prefixes, colours, stripping, banners.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {createHeadlessSink} from '../../source/runner/headless-sink.js';

function capture(): {stream: PassThrough; text: () => string} {
	const stream = new PassThrough();
	const parts: Buffer[] = [];
	stream.on('data', (chunk: Buffer) => parts.push(chunk));
	return {stream, text: () => Buffer.concat(parts).toString('utf8')};
}

test('prefixes are padded to the widest id; colour off strips SGR', () => {
	const out = capture();
	const sink = createHeadlessSink(out.stream, {color: false, keys: ['api', 'frontend']});
	assert.equal(sink.prefixFor('api'), 'api      | ');
	sink.writeLines('api', ['\u001b[31mred\u001b[0m', 'plain']);
	sink.banner('phase 1: build');
	sink.message('summary\nsecond \u001b]0;x\u0007line');
	assert.equal(out.text(), 'api      | red\napi      | plain\n== phase 1: build ==\nsummary\nsecond line\n');
});

test('colour on: each task its own colour; every prefix resets what a line left on', () => {
	const out = capture();
	const sink = createHeadlessSink(out.stream, {color: true});
	const chunk = Buffer.from('\u001b[1;32mok\nx\n');
	sink.writeChunk('a', [], chunk, 0, chunk.length, 2);
	sink.writeLines('b', ['y']);
	sink.banner('next');
	const [first, second, third, fourth] = out.text().split('\n');
	assert.equal(first, '\u001b[0m\u001b[36ma |\u001b[0m \u001b[1;32mok');
	assert.equal(second, '\u001b[0m\u001b[36ma |\u001b[0m x');
	assert.equal(third, '\u001b[0m\u001b[35mb |\u001b[0m y');
	assert.equal(fourth, '\u001b[0m\u001b[1m== next ==\u001b[0m');
});

test('a wider id arriving later widens every prefix from then on', () => {
	const out = capture();
	const sink = createHeadlessSink(out.stream, {color: false});
	sink.writeLines('a', ['1']);
	sink.writeLines('longer', ['2']);
	sink.writeLines('a', ['3']);
	assert.equal(out.text(), 'a | 1\nlonger | 2\na      | 3\n');
});

test('task ids are sanitized before they reach the terminal', () => {
	const out = capture();
	const sink = createHeadlessSink(out.stream, {color: false});
	sink.writeLines('x\u001b]0;t\u0007', ['1']);
	assert.equal(out.text(), 'x | 1\n');
});

test('a chunk finishing a held line: that line first, then the chunk\'s lines, in one write', () => {
	for (const color of [false, true]) {
		const out = capture();
		let writes = 0;
		out.stream.on('data', () => writes++);
		const sink = createHeadlessSink(out.stream, {color, keys: ['a']});
		const chunk = Buffer.from('ld\nnext\tx\n\u001b[32mok\u001b[0m\n');
		sink.writeChunk('a', ['held wor\u001b[1mld'], chunk, 3, chunk.length, 2);
		const p = sink.prefixFor('a');
		const expected = color ? [`${p}held wor\u001b[1mld`, `${p}next    x`, `${p}\u001b[32mok\u001b[0m`] : [`${p}held world`, `${p}next    x`, `${p}ok`];
		assert.equal(out.text(), `${expected.join('\n')}\n`);
		assert.equal(writes, 1);
	}
});

test('a held line outside latin1 keeps its characters when the chunk takes the fast path', () => {
	for (const color of [false, true]) {
		const out = capture();
		const sink = createHeadlessSink(out.stream, {color, keys: ['a']});
		const chunk = Buffer.from('本 😀\nnext é\n');
		sink.writeChunk('a', ['held 日'], chunk, Buffer.byteLength('本 😀\n'), chunk.length, 1);
		const p = sink.prefixFor('a');
		assert.equal(out.text(), `${p}held 日\n${p}next é\n`);
	}
});

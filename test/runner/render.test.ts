// The region fast path and the one-pass byte renderer must give exactly what the string path
// gives, line by line.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {regionIsChecked, renderLines} from '../../source/runner/render.js';
import {collapseCarriageReturns, countNewlines} from '../../source/runner/lines.js';
import {decodeLine, displayLine, stripColour} from '../../source/text/sanitize.js';

const prefix = Buffer.from('\u001b[36mtask |\u001b[0m ');

/** The reference: decode, apply the carriage-return rule, cap, sanitize, prefix, line by line. */
function reference(bytes: Buffer, color: boolean, maxChars: number): string {
	let out = '';
	let start = 0;
	for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
		const shown = displayLine(collapseCarriageReturns(decodeLine(bytes.subarray(start, nl))), maxChars);
		out += `${prefix.toString()}${color ? shown : stripColour(shown)}\n`;
		start = nl + 1;
	}
	return out;
}

function render(bytes: Buffer, color: boolean, maxChars = 4096): string {
	return renderLines(bytes, 0, bytes.length, countNewlines(bytes, 0, bytes.length), {prefix, color, maxChars}).toString();
}

test('plain, coloured, tabbed and multi-byte lines', () => {
	const bytes = Buffer.from('plain\n\u001b[1;31merror\u001b[0m: x\ta\n日本\tz 😀\tq\n\n');
	for (const color of [true, false]) assert.equal(render(bytes, color), reference(bytes, color, 4096));
	assert.equal(render(Buffer.from('a\tb\n'), true), `${prefix.toString()}a       b\n`);
});

test('hostile lines take the slow path and come out sanitized', () => {
	const bytes = Buffer.concat([
		Buffer.from('ok\nclip \u001b]52;c;eA==\u0007 x\nclear \u001b[2J\u001b[H y\n'),
		Buffer.from([0x9b, 0x32, 0x4a, 0x20, 0x7a, 0x0a, 0xc2, 0x9b, 0x0a, 0xff, 0x41, 0x0a]),
		Buffer.from('bar 10%\rbar 100%\r\nafter\n'),
	]);
	for (const color of [true, false]) assert.equal(render(bytes, color), reference(bytes, color, 4096));
	assert.ok(!render(bytes, true).includes('\u001b]'));
});

test('long lines are cut like the tails cut them', () => {
	const bytes = Buffer.from(`${'x'.repeat(50)}\n${'é'.repeat(30)}\nshort\n`);
	assert.equal(render(bytes, true, 40), reference(bytes, true, 40));
});

test('fuzz: random lines render exactly as the string path', () => {
	let seed = 7;
	const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
	const pieces = ['a', ' ', '\t', '\u001b[31m', '\u001b[0m', '\u001b[', '\u001b', 'm', ';', '\r', 'é', '日', '😀', '\u0007', '\u001b]0;t\u0007', '\u009b'];
	for (let round = 0; round < 500; round++) {
		const parts: Buffer[] = [];
		const lines = 1 + (next() % 6);
		for (let l = 0; l < lines; l++) {
			const length = next() % 30;
			for (let k = 0; k < length; k++) {
				parts.push(next() % 10 === 0 ? Buffer.from([next() % 256 === 10 ? 11 : next() % 256]) : Buffer.from(pieces[next() % pieces.length]!));
			}
			parts.push(Buffer.from('\n'));
		}
		const bytes = Buffer.concat(parts);
		// A random byte may be a newline: keep the region whole lines.
		const whole = bytes.subarray(0, bytes.lastIndexOf(10) + 1);
		for (const color of [true, false]) assert.equal(render(whole, color, 20), reference(whole, color, 20), JSON.stringify(whole.toString('latin1')));
	}
});

test('fuzz: checked regions (copied a word at a time) render exactly as the string path', () => {
	let seed = 11;
	const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
	// Only what a checked region holds: printable text, UTF-8 (C1-free, 4-byte too), tabs,
	// escapes (plain SGR, and others) and C0 controls the line is sanitized for; lines over the cap of 20 too.
	const colourless = ['a', 'bc', ' ', '\t', 'é', '·', '\u00a0', '日', '😀', 'x'.repeat(7), '~'];
	const coloured = [...colourless, '\u001b[31m', '\u001b[0m', '\u001b[1;38:5:2m', '\u001b[m', '\u001b[2J', '\u001b(B', '\u001b', '\r', '\u0007', '\b', '\u0000'];
	for (let round = 0; round < 600; round++) {
		const pieces = round % 3 === 0 ? colourless : coloured;
		let text = '';
		const lines = 1 + (next() % 8);
		for (let l = 0; l < lines; l++) {
			const length = next() % 9;
			for (let k = 0; k < length; k++) text += pieces[next() % pieces.length]!;
			text += '\n';
		}
		const bytes = Buffer.from(text);
		assert.ok(regionIsChecked(bytes, 0, bytes.length), JSON.stringify(text));
		for (const color of [true, false]) assert.equal(render(bytes, color, 20), reference(bytes, color, 20), JSON.stringify(text));
	}
});

test('a region holding DEL, a C1 control or invalid UTF-8 is not checked; C0 controls are, and all render right', () => {
	for (const odd of ['\u007f', '\u0085', '\r', '\u0007', '\u001b]0;t\u0007', '\u0000']) {
		const bytes = Buffer.from(`fine\nnot ${odd} fine\n`);
		assert.equal(regionIsChecked(bytes, 0, bytes.length), odd.length > 1 || odd.charCodeAt(0) < 0x20, JSON.stringify(odd));
		for (const color of [true, false]) assert.equal(render(bytes, color), reference(bytes, color, 4096), JSON.stringify(odd));
	}
	const invalid = Buffer.from([0x61, 0xff, 0x0a]);
	assert.equal(regionIsChecked(invalid, 0, invalid.length), false);
	// A C2 byte that starts a printable character (U+00A0) is fine.
	const nbsp = Buffer.from('a\u00a0b\n');
	assert.equal(regionIsChecked(nbsp, 0, nbsp.length), true);
	const sgr = Buffer.from('\u001b[31mred\u001b[0m\n');
	assert.equal(render(sgr, false), `${prefix.toString()}red\n`);
});

test('head bytes come first in the same buffer, on both paths', () => {
	const head = Buffer.from('HEAD\n');
	for (const body of ['plain\n\tx\n', 'odd \r line\n']) {
		const bytes = Buffer.from(body);
		const out = renderLines(bytes, 0, bytes.length, countNewlines(bytes, 0, bytes.length), {prefix, color: true, maxChars: 4096}, head);
		assert.equal(out.toString(), `HEAD\n${reference(bytes, true, 4096)}`);
	}
});

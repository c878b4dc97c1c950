// The sanitizer: colour survives, every other control and escape sequence does not.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {decodeLine, displayLine, isPlainLine, sanitizeLine, stripColour} from '../../source/text/sanitize.js';

const ESC = '\u001b';
const BEL = '\u0007';

/** Nothing a terminal could act on, other than SGR, is left. */
function assertSafe(text: string): void {
	const withoutSgr = text.replace(/\u001b\[[0-9;:]*m/g, '');
	assert.doesNotMatch(withoutSgr, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(text));
}

test('plain text passes untouched (fast path returns the same string)', () => {
	const line = 'hello, wörld 日本 ✔';
	assert.equal(isPlainLine(line), true);
	assert.equal(sanitizeLine(line), line);
});

test('SGR colour is kept, including 256-colour and colon forms', () => {
	for (const line of [`${ESC}[31mred${ESC}[0m`, `${ESC}[1;38;5;208mx${ESC}[m`, `${ESC}[38:2:1:2:3my${ESC}[0m`]) {
		assert.equal(sanitizeLine(line), line);
	}
});

test('OSC 52 clipboard, OSC 0 title, OSC 8 links are removed, BEL or ST terminated', () => {
	assert.equal(sanitizeLine(`a${ESC}]52;c;ZXZpbA==${BEL}b`), 'ab');
	assert.equal(sanitizeLine(`a${ESC}]0;pwned${ESC}\\b`), 'ab');
	assert.equal(sanitizeLine(`${ESC}]8;;http://x${ESC}\\text${ESC}]8;;${ESC}\\`), 'text');
	assert.equal(sanitizeLine(`a${ESC}]0;never terminated`), 'a');
});

test('cursor movement, clears, private modes and other CSI are removed', () => {
	assert.equal(sanitizeLine(`a${ESC}[2J${ESC}[H${ESC}[10;5Hb`), 'ab');
	assert.equal(sanitizeLine(`a${ESC}[?1049hb${ESC}[?25l`), 'ab');
	assert.equal(sanitizeLine(`a${ESC}[3Ab${ESC}[Kc`), 'abc');
	// A private-marker "m" is not colour.
	assert.equal(sanitizeLine(`a${ESC}[>4;2mb`), 'ab');
	// Cut off at the end of the line.
	assert.equal(sanitizeLine(`a${ESC}[12`), 'a');
});

test('DCS, APC, PM, SOS strings and two-byte escapes are removed', () => {
	assert.equal(sanitizeLine(`a${ESC}Pq#0;2;0;0;0${ESC}\\b`), 'ab');
	assert.equal(sanitizeLine(`a${ESC}_apc${ESC}\\b${ESC}^pm${ESC}\\c${ESC}Xsos${ESC}\\d`), 'abcd');
	assert.equal(sanitizeLine(`a${ESC}7b${ESC}8c${ESC}cd${ESC}(Be${ESC}#8f`), 'abcdef');
	assert.equal(sanitizeLine(`a${ESC}`), 'a');
});

test('C0 controls, DEL and C1 code points are removed; tabs become spaces to 8-column stops', () => {
	assert.equal(sanitizeLine('a\u0007b\bc\u007fd\u0000e\u000bf\u000cg\rh'), 'abcdefgh');
	assert.equal(sanitizeLine('a\u0085b\u0080c'), 'abc');
	assert.equal(sanitizeLine('a\tb'), 'a       b');
	assert.equal(sanitizeLine('12345678\tx'), '12345678        x');
	// Colour is zero-width for tab stops.
	assert.equal(sanitizeLine(`${ESC}[31mab${ESC}[0m\tc`), `${ESC}[31mab${ESC}[0m      c`);
});

test('8-bit CSI, OSC and DCS (as code points) are removed with their bodies', () => {
	assert.equal(sanitizeLine('a\u009b2Jb'), 'ab');
	assert.equal(sanitizeLine('a\u009b31mb'), 'ab');
	assert.equal(sanitizeLine(`a\u009d0;title${BEL}b`), 'ab');
	assert.equal(sanitizeLine('a\u009d0;title\u009cb'), 'ab');
	assert.equal(sanitizeLine('a\u0090dcs\u009cb'), 'ab');
});

test('decodeLine maps stray C1 bytes to code points, keeps valid UTF-8, replaces other bad bytes', () => {
	const bytes = Buffer.concat([Buffer.from('x'), Buffer.from([0x9b]), Buffer.from('2J é €'), Buffer.from([0xff])]);
	assert.equal(decodeLine(bytes), 'x\u009b2J é €\ufffd');
	assert.equal(sanitizeLine(decodeLine(bytes)), 'x é €\ufffd');
	// A UTF-8 encoded U+009B is a C1 control too.
	assert.equal(sanitizeLine(decodeLine(Buffer.from([0x61, 0xc2, 0x9b, 0x32, 0x4a, 0x62]))), 'ab');
});

test('fuzz: random bytes never leave a control other than SGR', () => {
	let seed = 42;
	const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
	const alphabet = [0x1b, 0x5b, 0x5d, 0x9b, 0x9d, 0x90, 0x07, 0x5c, 0x6d, 0x3b, 0x33, 0x31, 0x3f, 0x50, 0x0d, 0x09, 0x41, 0xc2, 0x9c, 0x7f];
	for (let round = 0; round < 2000; round++) {
		const length = next() % 40;
		const bytes = Buffer.alloc(length);
		for (let i = 0; i < length; i++) bytes[i] = next() % 3 === 0 ? next() % 256 : alphabet[next() % alphabet.length]!;
		assertSafe(sanitizeLine(decodeLine(bytes)));
	}
});

test('stripColour removes SGR only', () => {
	assert.equal(stripColour(`${ESC}[1;31merror${ESC}[0m: x`), 'error: x');
	assert.equal(stripColour('plain'), 'plain');
});

test('displayLine cuts long lines with an ellipsis, never through an emoji', () => {
	assert.equal(displayLine('abcdef', 6), 'abcdef');
	assert.equal(displayLine('abcdefg', 6), 'abcde…');
	// '😀' is two UTF-16 units: a cut after its first would leave half of it.
	assert.equal(displayLine('abcd😀xyz', 6), 'abcd…');
	assert.equal(displayLine('abc😀xyz', 6), 'abc😀…');
});

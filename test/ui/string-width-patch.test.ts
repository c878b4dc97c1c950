// The bundle's string-width (scripts/patches.mjs: its emoji expression built only when a text
// could hold an emoji) must measure every text as string-width itself does: each code point of
// the first planes alone, the emoji sequences (keycaps, flags, skin tones, ZWJ families, tags),
// and mixed lines.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import stringWidth from 'string-width';

type Width = (text: string) => number;

// A path in a variable: scripts/ is plain JavaScript, outside the typed project.
const patches = '../../scripts/patches.mjs';
const {patchStringWidth} = (await import(patches)) as {patchStringWidth: (source: string) => string};

/** string-width's source, patched, loaded from a temporary file with its imports made absolute. */
async function patchedWidth(): Promise<{width: Width; done: () => void}> {
	const path = fileURLToPath(import.meta.resolve('string-width'));
	const source = patchStringWidth(readFileSync(path, 'utf8')).replace(/from '([^'.][^']*)'/g, (_, name: string) => `from '${import.meta.resolve(name, new URL(`file://${path}`).href)}'`);
	const dir = mkdtempSync(join(tmpdir(), 'fanout-string-width-'));
	writeFileSync(join(dir, 'index.mjs'), source);
	const module = (await import(join(dir, 'index.mjs'))) as {default: Width};
	return {width: module.default, done: () => rmSync(dir, {recursive: true, force: true})};
}

test('the patched string-width measures like string-width: code points, emoji sequences, lines', async () => {
	const {width, done} = await patchedWidth();
	try {
		const texts: string[] = [];
		for (let code = 0; code < 0x2_0000; code++) if (code < 0xd800 || code > 0xdfff) texts.push(String.fromCodePoint(code));
		texts.push(
			'#\uFE0F\u20E3', '1\u20E3', '🇫🇷', '🇫', '👍🏽', '👨‍👩‍👧‍👦', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '❤️', '❤', '☺︎', '✓', '✔️', '©️', '©',
			'a🚀b', '\u001B[32m✓\u001B[39m done 日本語', '╭──── pane ────╮', '⠋ running · 01:02', 'e\u0301', '한국어', 'ｶﾞ',
		);
		const differ = texts.filter(text => width(text) !== stringWidth(text));
		assert.deepEqual(differ.slice(0, 10).map(text => [text, width(text), stringWidth(text)]), []);
	} finally {
		done();
	}
});

test('the patch fails loudly on a string-width it does not know', () => {
	assert.throws(() => patchStringWidth('export default function stringWidth() {}'), /string-width changed/);
});

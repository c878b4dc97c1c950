// fanout's copy of Ink's virtual screen (source/ui/ink-output/ink-screen.ts) must give the very text
// Ink's own gives: the same writes, clips and transformers go to both, frame after frame (its
// caches span frames), with colour, wide characters, emoji, clipped and partly hidden text.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import Output, {FrameCache} from '../../source/ui/ink-output/ink-screen.js';

type OutputLike = {
	write(x: number, y: number, text: string, options: {transformers: ((line: string, index: number) => string)[]}): void;
	clip(clip: {x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined}): void;
	unclip(): void;
	get(): {output: string; height: number};
};
type OutputClass = new (options: {width: number; height: number}) => OutputLike;

// Ink's package exports only its index: its output.js is reached by path.
const inkOutput = (await import(new URL('../../node_modules/ink/build/output.js', import.meta.url).href)) as {default: OutputClass};
const Ink = inkOutput.default;
const Ours = Output as unknown as OutputClass;

/** A small deterministic generator, so a failure can be run again. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};
}

const pieces = ['build', 'ok', ' ', '日本語', '✓', '⠋', '🚀', 'é', '\u001B[32mgreen\u001B[39m', '\u001B[1mbold\u001B[22m', '\u001B[31;1mred\u001B[0m', '─'];

function line(next: () => number): string {
	let text = '';
	const count = Math.floor(next() * 12);
	for (let i = 0; i < count; i++) text += pieces[Math.floor(next() * pieces.length)];
	return text;
}

type Op = (output: OutputLike) => void;

/** A frame's operations: writes at random places, some inside (nested) clips, some transformed. */
function frame(next: () => number, width: number, height: number, lines: string[]): Op[] {
	const ops: Op[] = [];
	let depth = 0;
	for (let i = 0; i < 40; i++) {
		const roll = next();
		if (roll < 0.12) {
			const x1 = Math.floor(next() * width);
			const y1 = Math.floor(next() * height);
			const clip = {x1, x2: x1 + Math.floor(next() * width), y1, y2: y1 + Math.floor(next() * height)};
			const vertical = next() < 0.3;
			ops.push(output => output.clip(vertical ? {x1: undefined, x2: undefined, y1: clip.y1, y2: clip.y2} : clip));
			depth++;
		} else if (roll < 0.2 && depth > 0) {
			ops.push(output => output.unclip());
			depth--;
		} else {
			// Mostly lines seen before (a frame is mostly the last one), some new.
			if (next() < 0.3 || lines.length === 0) lines.push(Array.from({length: 1 + Math.floor(next() * 3)}, () => line(next)).join('\n'));
			const text = lines[Math.floor(next() * lines.length)]!;
			const x = Math.floor(next() * width) - 3;
			const y = Math.floor(next() * height) - 1;
			const transformers = next() < 0.2 ? [(l: string, index: number) => `${index}>${l}`] : [];
			ops.push(output => output.write(Math.max(0, x), Math.max(0, y), text, {transformers}));
		}
	}
	while (depth-- > 0) ops.push(output => output.unclip());
	return ops;
}

test('the same writes give the same frame as Ink, over many frames with shared lines', () => {
	for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
		const next = random(seed);
		const width = 20 + Math.floor(next() * 60);
		const height = 5 + Math.floor(next() * 20);
		const lines: string[] = [];
		for (let n = 0; n < 30; n++) {
			const ops = frame(next, width, height, lines);
			const ink = new Ink({width, height});
			const ours = new Ours({width, height});
			for (const op of ops) {
				op(ink);
				op(ours);
			}
			assert.deepEqual(ours.get(), ink.get(), `seed ${seed}, frame ${n}`);
		}
	}
});

test('a frame drawn twice, and one with a row changed, match Ink (the row cache)', () => {
	const draw = (output: OutputLike, last: string) => {
		output.write(0, 0, '\u001B[32m╭──── pane ────╮\u001B[39m', {transformers: []});
		output.write(0, 1, 'first line 日本', {transformers: []});
		output.write(0, 2, last, {transformers: []});
	};
	for (const last of ['tail 1', 'tail 1', 'tail 2 🚀', 'tail 2 🚀', '']) {
		const ink = new Ink({width: 30, height: 4});
		const ours = new Ours({width: 30, height: 4});
		draw(ink, last);
		draw(ours, last);
		assert.deepEqual(ours.get(), ink.get());
	}
});

test('FrameCache keeps what the last frame used and forgets the rest', () => {
	const cache = new FrameCache<number>();
	let made = 0;
	const make = (key: string) => {
		made++;
		return key.length;
	};
	cache.get('a', make);
	cache.get('bb', make);
	cache.next();
	cache.get('a', make);
	assert.equal(made, 2);
	cache.next();
	cache.next();
	cache.get('bb', make);
	assert.equal(made, 3);
});

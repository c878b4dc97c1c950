// Ink 6.8's virtual screen (ink/build/output.js), with its work kept from one frame to the next.
// The bundle puts this file in place of Ink's own (scripts/bundle.mjs); it gives the same text
// for the same writes (test/ui/ink-output.test.ts checks it against Ink's, operation by operation).
//
// Why: Ink rebuilds the whole screen for every frame. Its caches of string widths and styled
// characters lived in the frame's Output object, so each frame tokenised every line again (about
// half of fanout's CPU under load), although a frame after a key or a new tail line differs from
// the last in a few lines. Here:
// - the caches live two frames: a line drawn in the last frame is looked up, not tokenised;
// - a clipped line's slice is cached the same way (every pane clips its text);
// - a screen row whose cells are the very cells of the last frame's row reuses its text;
// - empty cells are one shared object, not 10,000 new ones a frame.
// Nothing mutates a cell once made, which is what makes sharing them safe.

import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import {styledCharsFromTokens, styledCharsToString, tokenize, type StyledChar} from '@alcalzone/ansi-tokenize';

/** Ink's output transformer (render-node-to-output.ts): rewrites one line of a text node. */
type OutputTransformer = (line: string, index: number) => string;

type Clip = {
	readonly x1: number | undefined;
	readonly x2: number | undefined;
	readonly y1: number | undefined;
	readonly y2: number | undefined;
};

type Operation =
	| {readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: readonly OutputTransformer[]}
	| {readonly type: 'clip'; readonly clip: Clip}
	| {readonly type: 'unclip'};

/**
 * A cache that forgets what two frames in a row did not use: `next()` at each frame's start
 * makes the current generation the old one; a hit in the old one moves the entry forward.
 */
export class FrameCache<V> {
	#current = new Map<string, V>();
	#previous = new Map<string, V>();

	get(key: string, make: (key: string) => V): V {
		let value = this.#current.get(key);
		if (value !== undefined) return value;
		value = this.#previous.get(key);
		if (value === undefined) value = make(key);
		this.#current.set(key, value);
		return value;
	}

	next(): void {
		this.#previous = this.#current;
		this.#current = new Map();
	}
}

const widths = new FrameCache<number>();
const blockWidths = new FrameCache<number>();
const styled = new FrameCache<StyledChar[]>();
const slices = new FrameCache<string>();

/** The last frame's rows: their cells and their text, for rows drawn again unchanged. */
let lastRows: {readonly cells: readonly StyledChar[]; readonly text: string}[] = [];

const widthOf = (text: string): number => widths.get(text, stringWidth);
const widestLine = (text: string): number =>
	blockWidths.get(text, block => {
		let width = 0;
		for (const line of block.split('\n')) width = Math.max(width, widthOf(line));
		return width;
	});
const styledChars = (line: string): StyledChar[] => styled.get(line, key => styledCharsFromTokens(tokenize(key)));
// The key carries both ends: the line is last so no separator inside it can confuse two keys.
const slice = (line: string, from: number, to: number): string => slices.get(`${from}:${to}:${line}`, () => sliceAnsi(line, from, to));

/** An empty cell. Shared: cells are never changed once made, only replaced. */
const blank: StyledChar = {type: 'char', value: ' ', fullWidth: false, styles: []};

/** The text of one row, or the last frame's when the row holds the same cells. */
function rowText(y: number, cells: readonly StyledChar[]): string {
	const last = lastRows[y];
	if (last && last.cells.length === cells.length && last.cells.every((cell, x) => cell === cells[x])) return last.text;
	return styledCharsToString(cells as StyledChar[]).trimEnd();
}

/** Ink's Output with the same interface: collects writes and clips, then `get()` the frame. */
export default class Output {
	width: number;
	height: number;
	private readonly operations: Operation[] = [];

	constructor(options: {width: number; height: number}) {
		this.width = options.width;
		this.height = options.height;
	}

	write(x: number, y: number, text: string, options: {transformers: OutputTransformer[]}): void {
		if (!text) return;
		this.operations.push({type: 'write', x, y, text, transformers: options.transformers});
	}

	clip(clip: Clip): void {
		this.operations.push({type: 'clip', clip});
	}

	unclip(): void {
		this.operations.push({type: 'unclip'});
	}

	get(): {output: string; height: number} {
		for (const cache of [widths, blockWidths, styled, slices]) cache.next();
		// Rows start as empty cells so that margin or padding at the bottom is kept.
		const output: (StyledChar | undefined)[][] = [];
		for (let y = 0; y < this.height; y++) output.push(Array.from({length: this.width}, () => blank));
		const clips: Clip[] = [];
		for (const operation of this.operations) {
			if (operation.type === 'clip') {
				clips.push(operation.clip);
				continue;
			}
			if (operation.type === 'unclip') {
				clips.pop();
				continue;
			}
			const {text, transformers} = operation;
			let {x, y} = operation;
			let lines = text.split('\n');
			const clip = clips.at(-1);
			if (clip) {
				const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
				const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
				// Text entirely outside the clip: nothing to draw.
				if (clipHorizontally && (x + widestLine(text) < clip.x1! || x > clip.x2!)) continue;
				if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
				if (clipHorizontally) {
					const x1 = clip.x1!;
					const x2 = clip.x2!;
					lines = lines.map(line => {
						const from = x < x1 ? x1 - x : 0;
						const width = widthOf(line);
						const to = x + width > x2 ? x2 - x : width;
						return slice(line, from, to);
					});
					if (x < x1) x = x1;
				}
				if (clipVertically) {
					const y1 = clip.y1!;
					const from = y < y1 ? y1 - y : 0;
					const height = lines.length;
					const to = y + height > clip.y2! ? clip.y2! - y : height;
					lines = lines.slice(from, to);
					if (y < y1) y = y1;
				}
			}
			let offsetY = 0;
			for (const [index, text] of lines.entries()) {
				const currentLine = output[y + offsetY];
				// A text taller than the screen: its extra lines have no row.
				if (!currentLine) continue;
				let line = text;
				for (const transformer of transformers) line = transformer(line, index);
				let offsetX = x;
				for (const character of styledChars(line)) {
					currentLine[offsetX] = character;
					// The printed width, as string-width measures it for layout.
					const characterWidth = Math.max(1, widthOf(character.value));
					// A wide character covers the cells after it: clear them of stray spaces.
					for (let extra = 1; extra < characterWidth; extra++) {
						currentLine[offsetX + extra] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
					}
					offsetX += characterWidth;
				}
				offsetY++;
			}
		}
		// See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742 (holes from wide characters).
		const rows = output.map(line => line.filter((cell): cell is StyledChar => cell !== undefined));
		const texts = rows.map((cells, y) => rowText(y, cells));
		lastRows = rows.map((cells, y) => ({cells, text: texts[y]!}));
		return {output: texts.join('\n'), height: output.length};
	}
}

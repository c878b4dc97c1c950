// The key bar at the bottom of every screen: keys in words. When they do not fit the width it
// wraps onto the lines it is allowed, then folds what is left into `?` (the help lists every
// key), keeping the last key (quit, back) in view. Never cut in the middle of a word.

import {Box, Text} from 'ink';
import {truncate} from '../format.js';

/** One key and what it does, e.g. ['a', 'approve']. */
export type KeyHint = readonly [key: string, words: string];

type Props = {
	readonly keys: readonly KeyHint[];
	readonly width: number;
	/** Lines the bar may take (default 1). */
	readonly maxLines?: number;
};

const separator = ' · ';
/** What stands for the keys folded away. */
export const foldHint = '? more keys';

/** Items laid out in lines of `width` (each line starts with a space), breaking between items. */
function layout(items: readonly string[], width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const item of items) {
		const next = line === '' ? ` ${item}` : `${line}${separator}${item}`;
		if (line !== '' && next.length > width) {
			lines.push(line);
			line = ` ${item}`;
		} else line = next;
	}
	if (line !== '') lines.push(line);
	return lines.map(text => truncate(text, width));
}

/** The bar's lines: all keys when they fit in `maxLines`, else the first ones, the last one and `? more keys`. */
export function keyBarLines(keys: readonly KeyHint[], width: number, maxLines = 1): string[] {
	const items = keys.map(([key, words]) => `${key} ${words}`);
	const all = layout(items, width);
	if (all.length <= Math.max(1, maxLines)) return all;
	// The help key is in the fold hint; the last key (quit, back) stays in view.
	const middle = keys.flatMap(([key], i) => (key === '?' || i === keys.length - 1 ? [] : [items[i]!]));
	const last = keys.length > 0 && keys[keys.length - 1]![0] !== '?' ? [items[items.length - 1]!] : [];
	for (let count = middle.length; count >= 0; count--) {
		const lines = layout([...middle.slice(0, count), ...last, foldHint], width);
		if (lines.length <= Math.max(1, maxLines)) return lines;
	}
	return layout([foldHint], width);
}

/** Lines the bar takes for these keys. */
export function keyBarHeight(keys: readonly KeyHint[], width: number, maxLines = 1): number {
	return keyBarLines(keys, width, maxLines).length;
}

/** Keys joined with ` · `, wrapped to `maxLines` and folded into `?` beyond them. */
export function KeyBar({keys, width, maxLines = 1}: Props) {
	const lines = keyBarLines(keys, width, maxLines);
	if (lines.length === 1) {
		return (
			<Text dimColor wrap="truncate-end">
				{lines[0]}
			</Text>
		);
	}
	return (
		<Box flexDirection="column" flexShrink={0}>
			{lines.map((line, i) => (
				<Text key={i} dimColor wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}

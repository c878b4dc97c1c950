// The keys a scrollable text view shares (the help, a task's diff): where a key moves the top line.
// Pure: the view keeps its own state and clamps nothing itself.

import type {Key} from 'ink';

/** Where the top line goes for ↑↓/j k (a line), PgUp/PgDn/space (a page), g/G (start/end); undefined for other keys. */
export function scrollTarget(input: string, key: Key, view: {readonly top: number; readonly page: number; readonly maxTop: number}): number | undefined {
	const target = key.upArrow || input === 'k'
		? view.top - 1
		: key.downArrow || input === 'j'
			? view.top + 1
			: key.pageUp
				? view.top - view.page
				: key.pageDown || input === ' '
					? view.top + view.page
					: input === 'g'
						? 0
						: input === 'G'
							? view.maxTop
							: undefined;
	return target === undefined ? undefined : Math.max(0, Math.min(view.maxTop, target));
}

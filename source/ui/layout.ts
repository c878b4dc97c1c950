// Grid arithmetic: how many panes fit the space, their size, and which page shows. Pure.

/** Readable pane width, in columns. */
export const minPaneWidth = 40;
/** Border (2) plus the two info lines: a pane smaller than this shows nothing useful. */
export const minPaneHeight = 4;

/** Where the panes go for one frame. */
export type GridLayout = {
	/** List mode: too short for panes; one line per task instead. */
	readonly list: boolean;
	readonly columns: number;
	readonly paneWidth: number;
	readonly paneHeight: number;
	/** Index range of the panes on the shown page. */
	readonly start: number;
	readonly end: number;
	readonly page: number;
	readonly pages: number;
	/** Panes after the page (shown as "+N more"). */
	readonly after: number;
	/** Panes before the page. */
	readonly before: number;
	/** Whether a "+N more" line is drawn (it takes one line of the height). */
	readonly moreLine: boolean;
};

export type GridInput = {
	readonly width: number;
	readonly height: number;
	readonly count: number;
	/** Index of the focused pane: its page is the one shown. */
	readonly focus: number;
	/** One column regardless of width (small terminals). */
	readonly oneColumn: boolean;
};

/** Lays out `count` panes in `width` x `height`, never taller than `height` lines. */
export function gridLayout({width, height, count, focus, oneColumn}: GridInput): GridLayout {
	const columns = oneColumn ? 1 : Math.max(1, Math.min(Math.floor(width / minPaneWidth), Math.max(count, 1)));
	const paneWidth = Math.max(1, Math.floor(width / columns));
	const rowsNeeded = Math.ceil(count / columns);
	const fitAll = Math.floor(height / minPaneHeight);
	if (rowsNeeded <= fitAll) {
		return {
			list: false,
			columns,
			paneWidth,
			paneHeight: rowsNeeded > 0 ? Math.floor(height / rowsNeeded) : 0,
			start: 0,
			end: count,
			page: 0,
			pages: 1,
			after: 0,
			before: 0,
			moreLine: false,
		};
	}
	const rowsPerPage = Math.floor((height - 1) / minPaneHeight);
	if (rowsPerPage < 1) {
		// Not even one pane fits: one line per task, paged the same way.
		const perPage = Math.max(1, height - 1);
		return paged(count, focus, perPage, {list: true, columns: 1, paneWidth: width, paneHeight: 1});
	}
	const perPage = rowsPerPage * columns;
	return paged(count, focus, perPage, {
		list: false,
		columns,
		paneWidth,
		paneHeight: Math.floor((height - 1) / rowsPerPage),
	});
}

function paged(
	count: number,
	focus: number,
	perPage: number,
	shape: Pick<GridLayout, 'list' | 'columns' | 'paneWidth' | 'paneHeight'>,
): GridLayout {
	const pages = Math.max(1, Math.ceil(count / perPage));
	const page = Math.min(pages - 1, Math.max(0, Math.floor(focus / perPage)));
	const start = page * perPage;
	const end = Math.min(count, start + perPage);
	return {...shape, start, end, page, pages, after: count - end, before: start, moreLine: true};
}

/** One-column layout for terminals narrower than 60 or shorter than 15 (issue 4). */
export function isSmallTerminal(columns: number, rows: number): boolean {
	return columns < 60 || rows < 15;
}

/** Focus after an arrow key in a grid of `columns` (clamped, no wrap-around). */
export function moveFocus(focus: number, count: number, columns: number, direction: 'up' | 'down' | 'left' | 'right'): number {
	if (count === 0) return 0;
	const next = {up: focus - columns, down: focus + columns, left: focus - 1, right: focus + 1}[direction];
	if (next < 0 || next >= count) {
		// Down from the last full row lands on the last pane rather than nowhere.
		return direction === 'down' && focus < count - 1 && Math.floor(focus / columns) < Math.floor((count - 1) / columns)
			? count - 1
			: focus;
	}
	return next;
}

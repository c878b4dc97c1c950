// Grid arithmetic: how many panes fit the space, their size, and which page shows; and when
// panes would be too short to show output, the compact layout (one row per task, the focused
// task's pane beside or below the rows, as in Turborepo's and mprocs' list-plus-pane). Pure.

/** Readable pane width, in columns. */
export const minPaneWidth = 40;
/** Border (2) plus the two info lines: a pane smaller than this shows nothing useful. */
export const minPaneHeight = 4;
/** Output lines a grid pane should keep; fewer, and the compact layout shows more. */
export const minTailLines = 3;
/** A pane with `minTailLines` of output: border (2), the two info lines and the tail. */
export const minFocusPaneHeight = minPaneHeight + minTailLines;
/** Narrowest column of task rows in the compact layout. */
export const minRowWidth = 40;
/** Columns of task rows beside the focused pane (when the rows fit one column). */
const sideListWidth = (width: number) => Math.max(minRowWidth, Math.min(60, Math.floor(width * 0.4)));

/**
 * The compact layout: one row per task in `listColumns` columns of `listRows` rows (filled
 * top to bottom, then the next column), and the focused task's pane beside them (`side`),
 * below them, or not at all when even that does not fit (`paneHeight` 0).
 */
export type CompactLayout = {
	readonly listColumns: number;
	readonly listRows: number;
	readonly rowWidth: number;
	readonly side: boolean;
	readonly paneWidth: number;
	readonly paneHeight: number;
};

/** Where the panes go for one frame. */
export type GridLayout = {
	/** List mode: too short for panes; one line per task instead. */
	readonly list: boolean;
	/** Compact mode (one row per task and the focused pane), when grid panes would show under `minTailLines` of output. */
	readonly compact?: CompactLayout;
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

/**
 * Lays out `count` panes in `width` x `height`, never taller than `height` lines: a grid when
 * every pane keeps `minTailLines` of output, else the compact layout (see CompactLayout).
 */
export function gridLayout(input: GridInput): GridLayout {
	const grid = paneGridLayout(input);
	const tooShort = grid.list || grid.paneHeight < minFocusPaneHeight || grid.pages > 1;
	if (input.count < 2 || !tooShort) return grid;
	return compactLayout(input);
}

/** The compact layout: every task's row on one page where the space allows, paged otherwise. */
export function compactLayout({width, height, count, focus}: GridInput): GridLayout {
	const maxColumns = Math.max(1, Math.floor(width / minRowWidth));
	const base = {list: false, columns: 1, paneWidth: width};
	// Rows in one column beside a full-height pane (a wide terminal).
	if (count <= height && width - sideListWidth(width) >= minRowWidth) {
		const rowWidth = sideListWidth(width);
		const compact: CompactLayout = {listColumns: 1, listRows: count, rowWidth, side: true, paneWidth: width - rowWidth, paneHeight: height};
		return {...paged(count, focus, count, base, false), compact, paneHeight: height};
	}
	// Rows in as few columns as fit above a pane with a few lines of output.
	const roomAbove = height - minFocusPaneHeight;
	for (let columns = 1; columns <= maxColumns; columns++) {
		const rows = Math.ceil(count / columns);
		if (rows <= roomAbove) {
			const compact: CompactLayout = {listColumns: columns, listRows: rows, rowWidth: Math.floor(width / columns), side: false, paneWidth: width, paneHeight: height - rows};
			return {...paged(count, focus, count, base, false), compact, paneHeight: height - rows};
		}
	}
	// Rows alone (no pane) when that shows them all.
	for (let columns = 1; columns <= maxColumns; columns++) {
		const rows = Math.ceil(count / columns);
		if (rows <= height) {
			const compact: CompactLayout = {listColumns: columns, listRows: rows, rowWidth: Math.floor(width / columns), side: false, paneWidth: width, paneHeight: 0};
			return {...paged(count, focus, count, base, false), compact, paneHeight: 0};
		}
	}
	// Pages: a pane below when there is room for it and a few rows, else rows only; one line for the page count.
	const withPane = roomAbove - 1 >= 3;
	const rows = Math.max(1, withPane ? roomAbove - 1 : height - 1);
	const paneHeight = withPane ? height - rows - 1 : 0;
	const compact: CompactLayout = {listColumns: maxColumns, listRows: rows, rowWidth: Math.floor(width / maxColumns), side: false, paneWidth: width, paneHeight};
	return {...paged(count, focus, rows * maxColumns, base), compact, paneHeight};
}

/** The grid of bordered panes alone (before the compact layout is considered). */
export function paneGridLayout({width, height, count, focus, oneColumn}: GridInput): GridLayout {
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
	shape: Pick<GridLayout, 'list' | 'columns' | 'paneWidth'> & {readonly paneHeight?: number},
	moreLine = true,
): GridLayout {
	const pages = Math.max(1, Math.ceil(count / perPage));
	const page = Math.min(pages - 1, Math.max(0, Math.floor(focus / perPage)));
	const start = page * perPage;
	const end = Math.min(count, start + perPage);
	return {paneHeight: 0, ...shape, start, end, page, pages, after: count - end, before: start, moreLine};
}

/** One-column layout for terminals narrower than 60 or shorter than 15 (issue 4). */
export function isSmallTerminal(columns: number, rows: number): boolean {
	return columns < 60 || rows < 15;
}

/**
 * Focus after an arrow key in the compact layout's rows (filled top to bottom, then the next
 * column): up and down step one task, left and right a column of `rows`.
 */
export function moveRowFocus(focus: number, count: number, rows: number, direction: 'up' | 'down' | 'left' | 'right'): number {
	if (count === 0) return 0;
	const next = {up: focus - 1, down: focus + 1, left: focus - rows, right: focus + rows}[direction];
	if (next < 0) return focus;
	// Right from a short last column lands on the last task.
	if (next >= count) return direction === 'right' && focus < count - 1 ? count - 1 : focus;
	return next;
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

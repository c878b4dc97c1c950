// The current phase's panes in rows and columns that fit the space, paged when they do not;
// when panes would be too short to show output, one row per task and the focused task's pane.

import {Box, Text} from 'ink';
import type {OutputStore} from '../../runner/types.js';
import {gridLayout, type CompactLayout, type GridLayout} from '../layout.js';
import {useTailVersions} from '../hooks/clock.js';
import {statusStyle, useColor} from '../theme.js';
import {TaskPane, type PaneModel} from './task-pane.js';
import {TaskRow} from './task-row.js';

type Props = {
	readonly panes: readonly PaneModel[];
	readonly store: OutputStore;
	readonly width: number;
	/** Lines the grid may use; it never draws more. */
	readonly height: number;
	readonly focus: number;
	readonly oneColumn: boolean;
	/**
	 * The shown panes' tail versions when the caller samples them (with its spinners, in one
	 * subscription); otherwise the grid samples them itself.
	 */
	readonly versions?: readonly number[];
};

/** Rows of panes; a "+N more" line when some do not fit; one line per task when even one pane does not. */
export function PaneGrid({panes, store, width, height, focus, oneColumn, versions: given}: Props) {
	const color = useColor();
	const layout = gridLayout({width, height: Math.max(1, height), count: panes.length, focus, oneColumn});
	const shown = panes.slice(layout.start, layout.end);
	// One sample of the shown tails per tick: one render when any moved, and only their panes redraw.
	const own = useTailVersions(
		store,
		shown.map(pane => pane.key),
		!layout.list && given === undefined,
	);
	const versions = given ?? own;
	if (height <= 0 || panes.length === 0) return null;
	const rows: PaneModel[][] = [];
	for (let i = 0; i < shown.length; i += layout.columns) rows.push(shown.slice(i, i + layout.columns));
	const more = layout.moreLine ? (
		<Text dimColor wrap="truncate-end">
			{' '}
			{layout.before > 0 ? `↑ ${layout.before} above · ` : ''}
			{layout.after > 0 ? `+${layout.after} more ↓ · ` : ''}page {layout.page + 1} of {layout.pages}
		</Text>
	) : null;
	if (layout.compact) {
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<CompactView layout={layout} compact={layout.compact} panes={panes} store={store} focus={focus} versions={versions} />
				{more}
			</Box>
		);
	}
	if (layout.list) {
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				{shown.map((pane, index) => {
					const style = statusStyle(pane.status);
					return (
						<Text key={pane.key} wrap="truncate-end" bold={layout.start + index === focus} inverse={layout.start + index === focus}>
							<Text color={color(style.color)}>{style.glyph}</Text> {pane.label} {style.label}
						</Text>
					);
				})}
				{more}
			</Box>
		);
	}
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{rows.map((row, rowIndex) => (
				<Box key={row[0]?.key ?? rowIndex} flexDirection="row" height={layout.paneHeight}>
					{row.map((pane, columnIndex) => (
						<TaskPane
							key={pane.key}
							model={pane}
							store={store}
							width={layout.paneWidth}
							height={layout.paneHeight}
							focused={layout.start + rowIndex * layout.columns + columnIndex === focus}
							version={versions[rowIndex * layout.columns + columnIndex] ?? -1}
						/>
					))}
				</Box>
			))}
			{more}
		</Box>
	);
}

type CompactProps = {
	readonly layout: GridLayout;
	readonly compact: CompactLayout;
	readonly panes: readonly PaneModel[];
	readonly store: OutputStore;
	readonly focus: number;
	/** Tail versions of the panes on the page, in order. */
	readonly versions: readonly number[];
};

/** The page's task rows in columns, and the focused task's pane beside or below them. */
function CompactView({layout, compact, panes, store, focus, versions}: CompactProps) {
	const shown = panes.slice(layout.start, layout.end);
	const labelWidth = Math.min(Math.max(4, ...shown.map(pane => pane.label.length)), Math.max(4, Math.floor(compact.rowWidth / 3)));
	const columns: PaneModel[][] = [];
	for (let i = 0; i < shown.length; i += compact.listRows) columns.push(shown.slice(i, i + compact.listRows));
	const focused = panes[focus];
	const list = (
		<Box flexDirection="row" height={compact.listRows} flexShrink={0}>
			{columns.map((column, columnIndex) => (
				<Box key={column[0]?.key ?? columnIndex} flexDirection="column" width={compact.rowWidth}>
					{column.map((pane, rowIndex) => {
						const index = columnIndex * compact.listRows + rowIndex;
						return (
							<TaskRow
								key={pane.key}
								model={pane}
								store={store}
								width={compact.rowWidth}
								labelWidth={labelWidth}
								focused={layout.start + index === focus}
								version={versions[index] ?? -1}
							/>
						);
					})}
				</Box>
			))}
		</Box>
	);
	const pane =
		focused && compact.paneHeight > 0 ? (
			<TaskPane
				model={focused}
				store={store}
				width={compact.paneWidth}
				height={compact.paneHeight}
				focused
				version={versions[focus - layout.start] ?? -1}
			/>
		) : null;
	return compact.side ? (
		<Box flexDirection="row">
			{list}
			{pane}
		</Box>
	) : (
		<Box flexDirection="column">
			{list}
			{pane}
		</Box>
	);
}

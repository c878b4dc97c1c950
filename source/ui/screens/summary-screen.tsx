// Summary (done, failed, aborted): every task's status, time, files, report and cost; plan
// revisions with write-back; where the logs and the journal are. q leaves with the exit code.

import {stateOf} from '../../machine/state.js';
import {useState} from 'react';
import {isAbsolute, join, relative} from 'node:path';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {Plan} from '../../plan/types.js';
import type {OrchestratorSnapshot} from '../view.js';
import type {Overlay} from '../hooks/overlay.js';
import {KeyBar, type KeyHint} from '../components/key-bar.js';
import {formatCost, formatClock, planTasks, runCounts, truncate} from '../format.js';
import {exitCode, skippedCount, verdictOf, verdictWords} from '../../machine/exit-code.js';
import {parallelSpeedup} from '../../machine/selectors.js';
import {statusStyle, useColor} from '../theme.js';
import {wrapHanging} from '../wrap.js';
import {resumedWords} from '../components/resumed-note.js';
import {fileWords, type IsolationView, type TaskChangesLookup} from '../work-view.js';
import {useTaskChanges} from '../hooks/use-work.js';

/** Writes the final plan over the original file; rejects with a message a person can read. */
export type WriteBack = (plan: Plan) => Promise<void> | void;

type Props = {
	readonly snapshot: OrchestratorSnapshot;
	readonly openOverlay: (overlay: Overlay) => void;
	readonly onExit: (code: number) => void;
	readonly onWriteBack?: WriteBack;
	readonly width: number;
	readonly height: number;
	readonly active: boolean;
	/** fanout is leaving: the last frame keeps the summary but no key bar (its keys no longer work). */
	readonly closing?: boolean;
	/** Paths are shown relative to this folder when they are inside it (default: the current folder). */
	readonly cwd?: string;
	/** What each task changed (the files column, the selected task's files, `d`). */
	readonly taskChanges?: TaskChangesLookup;
	readonly isolation?: IsolationView;
};

/** A path as a person in `cwd` would type it: relative when inside `cwd`, else as it is. */
export function displayPath(path: string, cwd: string): string {
	if (!isAbsolute(path)) return path;
	const rel = relative(cwd, path);
	return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

type WriteState = {readonly kind: 'idle'} | {readonly kind: 'writing'} | {readonly kind: 'written'} | {readonly kind: 'error'; readonly message: string};

/** ↑↓ pick a task · enter log · w write back · q quit with the run's exit code. */
export function SummaryScreen({snapshot, openOverlay, onExit, onWriteBack, width, height, active, closing = false, cwd = process.cwd(), taskChanges}: Props) {
	const color = useColor();
	const {context} = snapshot;
	const state = stateOf(snapshot);
	const rows = planTasks(context.plan);
	const counts = runCounts(context);
	const [selected, setSelected] = useState(0);
	const [write, setWrite] = useState<WriteState>({kind: 'idle'});
	const revised = context.revisions.length > 1;
	const lastPlan = context.revisions[context.revisions.length - 1]?.plan ?? context.plan;
	const canWrite = revised && onWriteBack !== undefined && write.kind !== 'writing' && write.kind !== 'written';
	const code = exitCode(state, context);
	const speedup = parallelSpeedup(context);
	const ranIds = rows.filter(({task}) => context.tasks[task.id]?.startedAt !== undefined).map(({task}) => task.id);
	const changes = useTaskChanges(taskChanges, ranIds, context.tasks);
	// A task's files: the recorded changes when there are, else what the watcher saw.
	const fileCount = (id: string) => changes.get(id)?.files.length ?? context.tasks[id]?.changedFiles.length ?? 0;
	const filesCell = (id: string) => {
		const found = changes.get(id);
		if (!found || found.files.length === 0 || width < 100) return String(fileCount(id));
		const added = found.files.reduce((sum, f) => sum + (f.added ?? 0), 0);
		const removed = found.files.reduce((sum, f) => sum + (f.removed ?? 0), 0);
		return `${found.files.length} +${added} -${removed}`;
	};
	const filesWidth = Math.max(7, ...ranIds.map(id => filesCell(id).length + 2));

	useKeys(
		(input, key) => {
			if (input === 'q') onExit(code);
			else if (input === '?') openOverlay({kind: 'help'});
			else if (key.upArrow || input === 'k') setSelected(Math.max(0, selected - 1));
			else if (key.downArrow || input === 'j') setSelected(Math.min(rows.length - 1, selected + 1));
			else if (key.return && rows[selected]) openOverlay({kind: 'log', key: rows[selected].task.id});
			else if (input === 'd' && rows[selected]) openOverlay({kind: 'diff', taskId: rows[selected].task.id});
			else if (input === 'w' && canWrite) {
				setWrite({kind: 'writing'});
				// Errors come back as a line on this screen, never as a stack trace.
				Promise.resolve()
					.then(() => onWriteBack(lastPlan))
					.then(
						() => setWrite({kind: 'written'}),
						(error: unknown) => setWrite({kind: 'error', message: error instanceof Error ? error.message : String(error)}),
					);
			}
		},
		active,
	);

	const verify = context.verify;
	const verifyWords =
		verify.length === 0
			? ''
			: verify.every(v => v.status === 'passed')
				? ' · verify passed'
				: verify.some(v => v.status === 'failed')
					? ' · verify failed'
					: ' · verify not run';
	const elapsed = (context.endedAt ?? context.startedAt) - context.startedAt;
	const phaseWidth = Math.max(6, ...context.plan.phases.map(phase => phase.name.length)) + 2;
	const idWidth = Math.max(5, ...rows.map(r => r.task.id.length)) + 2;
	const costWidth = rows.some(({task}) => (context.tasks[task.id]?.costUsd ?? 0) > 0) ? 8 : 0;
	const fixed = 1 + phaseWidth + idWidth + 11 + 7 + filesWidth + costWidth;
	const reportWidth = Math.max(10, width - fixed);
	const runFolder = displayPath(join(context.workspace, '.fanout', 'runs', context.runId), cwd);
	const planFile = displayPath(context.planFile, cwd);
	// One definition of how a run ended (machine/exit-code.ts): a run with skipped tasks is "incomplete", not "passed".
	const verdict = verdictOf(context);
	const title = `fanout · ${context.plan.name} · ${verdictWords(verdict, skippedCount(context.tasks))} in ${formatClock(elapsed)} · ${counts.passed} of ${counts.total} tasks passed${verifyWords}${counts.costUsd > 0 ? ` · ${formatCost(counts.costUsd)}` : ''} · exit ${code}${speedup === undefined ? '' : ` · ${speedup.toFixed(1)}x faster in parallel`}`;
	// The title and the paths wrap (a path cut short cannot be typed); the table gets the rest.
	const titleLines = wrapHanging(` ${title}`, width, '   ');
	const logLines = wrapHanging(` logs and journal: ${runFolder}`, width, '   ');
	// A resumed run says so here too: what it picked up and what it kept from before.
	const resumed = resumedWords(context);
	const resumedLines = resumed === undefined ? [] : wrapHanging(` ${resumed}`, width, '   ');

	const writeWords =
		write.kind === 'written'
			? `written to ${context.planFile}`
			: write.kind === 'error'
				? `could not write: ${write.message}`
				: write.kind === 'writing'
					? 'writing…'
					: onWriteBack
						? `w write back to ${planFile}`
						: '';
	const revisionLines = revised
		? wrapHanging(
				` plan revisions: ${context.revisions
					.slice(1)
					.map(r => `r${r.number} (${r.decision})`)
					.join(' · ')}${writeWords ? ` · ${writeWords}` : ''}`,
				width,
				'   ',
			)
		: [];
	// The selected task's changed files, wrapped, when the table leaves room for them.
	const selectedId = rows[selected]?.task.id;
	const selectedChanges = selectedId === undefined ? undefined : changes.get(selectedId);
	const detailAll =
		selectedId !== undefined && selectedChanges && selectedChanges.files.length > 0
			? wrapHanging(` ${selectedId} changed: ${selectedChanges.files.map(fileWords).join(' · ')}`, width, '   ')
			: [];
	// Title, blank, table head, blank, revisions, logs, report hint, key bar.
	const baseRoom = Math.max(1, height - 5 - titleLines.length - resumedLines.length - revisionLines.length - logLines.length);
	const detailLines = rows.length + detailAll.length + 1 <= baseRoom ? detailAll : detailAll.length > 0 && rows.length + 2 <= baseRoom ? [truncate(detailAll[0]!, width)] : [];
	const room = Math.max(1, baseRoom - (detailLines.length > 0 ? detailLines.length + 1 : 0));
	// The timeline (a bar per task that ran, over the run's time) only when everything else fits.
	// Tasks a resumed run kept ran before this run's clock started: they have no bar on it.
	const ran = rows.filter(({task}) => (context.tasks[task.id]?.startedAt ?? -1) >= context.startedAt);
	// The timeline's own label column: its heading is longer than most task ids.
	const labelWidth = Math.max(idWidth, 'timeline'.length + 2);
	const barWidth = Math.min(60, width - labelWidth - 4);
	const showTimeline = ran.length > 0 && elapsed > 0 && barWidth >= 10 && rows.length + 2 + ran.length <= room;
	const top = Math.max(0, Math.min(selected - room + 1, rows.length - room));
	const shown = rows.slice(top, top + room);
	const keys: KeyHint[] = [
		...(canWrite ? ([['w', 'write plan back']] as KeyHint[]) : []),
		['↑↓ enter', "a task's log"],
		['d', 'diff'],
		['?', 'keys'],
		['q', 'quit'],
	];

	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{titleLines.map((line, i) => (
				<Text key={`title-${i}`} bold wrap="truncate-end" color={color(verdict === 'passed' ? 'green' : verdict === 'incomplete' ? 'yellow' : 'red')}>
					{line}
				</Text>
			))}
			{resumedLines.map((line, i) => (
				<Text key={`resumed-${i}`} wrap="truncate-end" color={color('yellow')}>
					{line}
				</Text>
			))}
			<Text> </Text>
			<Text dimColor wrap="truncate-end">
				{' '}
				{'phase'.padEnd(phaseWidth)}
				{'task'.padEnd(idWidth)}
				{'status'.padEnd(11)}
				{'time'.padEnd(7)}
				{'files'.padEnd(filesWidth)}
				{costWidth > 0 ? 'cost'.padEnd(costWidth) : ''}report
			</Text>
			{shown.map(({task, phaseIndex}, i) => {
				const run = context.tasks[task.id];
				const style = statusStyle(run?.status ?? 'pending');
				const firstOfPhase = top + i === 0 || rows[top + i - 1]?.phaseIndex !== phaseIndex;
				const time = run?.startedAt === undefined ? '' : formatClock((run.endedAt ?? run.startedAt) - run.startedAt);
				// A failure shows why; a command's report is its last lines (the last says most), an
				// agent's is its final message (the first line says most).
				const text = (run?.status === 'passed' ? run.report : (run?.reason ?? run?.report)) ?? '';
				const lines = text.split('\n').filter(line => line.trim() !== '');
				const report = (task.run === undefined ? lines[0] : lines.at(-1)) ?? '';
				return (
					<Text key={task.id} wrap="truncate-end" inverse={top + i === selected}>
						{' '}
						{(firstOfPhase ? (context.plan.phases[phaseIndex]?.name ?? '') : '').padEnd(phaseWidth)}
						{task.id.padEnd(idWidth)}
						<Text color={color(style.color)}>{`${style.glyph} ${style.label}`.padEnd(11)}</Text>
						{time.padEnd(7)}
						{(run?.startedAt === undefined ? '' : filesCell(task.id)).padEnd(filesWidth)}
						{costWidth > 0 ? (run?.costUsd ? formatCost(run.costUsd) : '').padEnd(costWidth) : ''}
						{truncate(report, reportWidth)}
					</Text>
				);
			})}
			{detailLines.length > 0 ? <Text> </Text> : null}
			{detailLines.map((line, i) => (
				<Text key={`detail-${i}`} wrap="truncate-end" dimColor>
					{line}
				</Text>
			))}
			{showTimeline ? (
				<>
					<Text> </Text>
					<Text dimColor wrap="truncate-end">
						{' '}
						{'timeline'.padEnd(labelWidth)}
						{formatClock(0)}
						{' '.repeat(Math.max(1, barWidth - formatClock(0).length - formatClock(elapsed).length))}
						{formatClock(elapsed)}
					</Text>
					{ran.map(({task}) => {
						const run = context.tasks[task.id];
						const start = Math.floor((((run?.startedAt ?? context.startedAt) - context.startedAt) / elapsed) * barWidth);
						const end = Math.max(start + 1, Math.round((((run?.endedAt ?? context.endedAt ?? context.startedAt) - context.startedAt) / elapsed) * barWidth));
						const style = statusStyle(run?.status ?? 'pending');
						return (
							<Text key={`bar-${task.id}`} wrap="truncate-end">
								{' '}
								{task.id.padEnd(labelWidth)}
								{' '.repeat(Math.max(0, start))}
								<Text color={color(style.color)}>{'█'.repeat(Math.max(1, Math.min(barWidth, end) - start))}</Text>
							</Text>
						);
					})}
				</>
			) : null}
			<Text> </Text>
			{revisionLines.map((line, i) => (
				<Text key={`rev-${i}`} wrap="truncate-end">
					{line}
				</Text>
			))}
			{logLines.map((line, i) => (
				<Text key={`logs-${i}`} wrap="truncate-end">
					{line}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{' '}
				report: fanout report {context.runId} --html report.html
			</Text>
			<Box flexGrow={1} />
			{closing ? null : <KeyBar width={width} keys={keys} />}
		</Box>
	);
}

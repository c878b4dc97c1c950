// The run's header line: plan, phase, elapsed time, counts, cost and a progress bar. On a
// narrow terminal the parts give way in a fixed order so the n/total count always shows: the
// bar shrinks, then goes; then the note; then shorter words; then the plan name.

import {Box, Text} from 'ink';
import type {OrchestratorContext} from '../../machine/types.js';
import {formatCost, progressBar, runCounts, truncate, type RunCounts} from '../format.js';
import {useColor} from '../theme.js';
import {Elapsed} from './clock-text.js';

type Props = {
	readonly context: OrchestratorContext;
	readonly width: number;
	/** Words after the phase, e.g. "waiting for you" or "verifying". */
	readonly note?: string;
	/** Show the goal on a second line. */
	readonly showGoal?: boolean;
	/** The run's clock has not started yet (no phase approved): show 00:00. */
	readonly clockStopped?: boolean;
	/** A problem to see at once, in red after the phase (a log waiting for disk space: "disk full"). */
	readonly alert?: string;
};

/** How the header fits a width: which parts show, and how long. */
export type HeaderFit = {
	readonly gap: string;
	readonly name: string;
	readonly phase: string;
	readonly note: boolean;
	readonly counts: 'long' | 'short';
	readonly cost: boolean;
	/** Cells of the progress bar; 0 for none. */
	readonly barWidth: number;
};

export type HeaderInput = {
	readonly width: number;
	readonly name: string;
	/** "phase 1 of 3 · logging", and the short form "phase 1/3". */
	readonly phaseLong: string;
	readonly phaseShort: string;
	readonly note?: string;
	/** Never given way: " · disk full". */
	readonly alert?: string;
	/** Columns of the elapsed time (5 for mm:ss). */
	readonly elapsedWidth: number;
	readonly counts: RunCounts;
};

function countsText(counts: RunCounts, form: 'long' | 'short'): string {
	return form === 'long' ? `${counts.running} running · ${counts.passed} done · ${counts.failed} failed` : `${counts.running} run · ${counts.passed} ok · ${counts.failed} fail`;
}

/** The header's length for a fit (must match what Header draws). */
function headerLength(fit: HeaderFit, input: HeaderInput): number {
	const {gap} = fit;
	const {counts} = input;
	return (
		` fanout · ${fit.name}`.length +
		gap.length +
		fit.phase.length +
		(fit.note && input.note ? ` · ${input.note}`.length : 0) +
		(input.alert ? ` · ${input.alert}`.length : 0) +
		`${gap}⏱ `.length +
		input.elapsedWidth +
		gap.length +
		countsText(counts, fit.counts).length +
		(fit.cost && counts.costUsd > 0 ? `${gap}${formatCost(counts.costUsd)}`.length : 0) +
		gap.length +
		(fit.barWidth > 0 ? fit.barWidth + 1 : 0) +
		`${counts.finished}/${counts.total}`.length
	);
}

/** The richest header that fits `width`; the n/total count is the last thing to go (never, above ~30 columns). */
export function fitHeader(input: HeaderInput): HeaderFit {
	const gap = input.width >= 100 ? '   ' : '  ';
	const full: HeaderFit = {gap, name: input.name, phase: input.phaseLong, note: input.note !== undefined, counts: 'long', cost: true, barWidth: 12};
	const fits = (fit: HeaderFit) => headerLength(fit, input) <= input.width;
	// The bar shrinks first, down to 4 cells, then goes; then the note, with the bar back if there is room for it.
	const bars = [12, 11, 10, 9, 8, 7, 6, 5, 4, 0];
	for (const barWidth of bars) if (fits({...full, barWidth})) return {...full, barWidth};
	const tight: HeaderFit = {...full, gap: '  '};
	for (const barWidth of bars) if (fits({...tight, barWidth})) return {...tight, barWidth};
	const quiet: HeaderFit = {...full, note: false};
	for (const barWidth of bars) if (fits({...quiet, barWidth})) return {...quiet, barWidth};
	const steps: Array<Partial<HeaderFit>> = [{gap: '  '}, {counts: 'short'}, {phase: input.phaseShort}, {cost: false}];
	let fit: HeaderFit = {...quiet, barWidth: 0};
	for (const step of steps) {
		fit = {...fit, ...step};
		if (fits(fit)) return fit;
	}
	// Last: the plan's name gives way.
	const over = headerLength(fit, input) - input.width;
	return {...fit, name: truncate(input.name, Math.max(1, input.name.length - over))};
}

/** One line (two with the goal), never wrapping. */
export function Header({context, width, note, showGoal = false, clockStopped = false, alert}: Props) {
	const color = useColor();
	const counts = runCounts(context);
	const phase = context.plan.phases[context.phaseIndex];
	const total = context.plan.phases.length;
	const phaseLong = phase ? `phase ${context.phaseIndex + 1} of ${total} · ${phase.name}` : `${total} phases`;
	const phaseShort = phase ? `phase ${context.phaseIndex + 1}/${total}` : `${total} phases`;
	// Only the clock's width depends on it (5 or 7 characters after an hour); a render a tick late is harmless.
	// eslint-disable-next-line react-hooks/purity
	const hours = ((context.endedAt ?? Date.now()) - context.startedAt) >= 3_600_000;
	// A resumed run says so on every screen, even where its full note has no room.
	const name = context.resumed ? `${context.plan.name} · resumed` : context.plan.name;
	const fit = fitHeader({width, name, phaseLong, phaseShort, ...(note ? {note} : {}), ...(alert ? {alert} : {}), elapsedWidth: hours ? 7 : 5, counts});
	const {gap} = fit;
	const short = fit.counts === 'short';
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				<Text bold> fanout · {fit.name}</Text>
				<Text>
					{gap}
					{fit.phase}
					{note && fit.note ? ` · ${note}` : ''}
				</Text>
				{alert ? <Text bold color={color('red')}>{` · ${alert}`}</Text> : null}
				<Text>{`${gap}⏱ `}</Text>
				{/* Until the first approval the clock stands at 0: reading the plan is not run time. */}
				<Elapsed from={context.startedAt} to={clockStopped ? context.startedAt : context.endedAt} />
				<Text>{gap}</Text>
				<Text color={color('yellow')}>
					{counts.running} {short ? 'run' : 'running'}
				</Text>
				<Text> · </Text>
				<Text color={color('green')}>
					{counts.passed} {short ? 'ok' : 'done'}
				</Text>
				<Text> · </Text>
				<Text color={color(counts.failed > 0 ? 'red' : undefined)}>
					{counts.failed} {short ? 'fail' : 'failed'}
				</Text>
				<Text>{fit.cost && counts.costUsd > 0 ? `${gap}${formatCost(counts.costUsd)}` : ''}</Text>
				<Text>
					{gap}
					{fit.barWidth > 0 ? `${progressBar(counts.finished, counts.total, fit.barWidth)} ` : ''}
					{counts.finished}/{counts.total}
				</Text>
			</Text>
			{showGoal && context.plan.goal ? <Text dimColor>{truncate(` ${context.plan.goal}`, width)}</Text> : null}
		</Box>
	);
}

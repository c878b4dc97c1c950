// Tiny clock-driven texts (spinner frame, elapsed time): they re-render alone, so a ticking
// spinner never re-renders the pane around it.

import {useContext, type ReactNode} from 'react';
import {Text} from 'ink';
import {ClockContext, StepTimeContext, spinnerFrameAt, useElapsed, useStepTime} from '../hooks/clock.js';
import {formatClock} from '../format.js';

type SpinnerProps = {readonly color?: string};

/** A spinner frame from the shared clock: from the enclosing SpinnerFrames when there is one. */
export function ClockSpinner({color}: SpinnerProps) {
	const shared = useContext(StepTimeContext);
	const own = useStepTime(shared === undefined);
	const clock = useContext(ClockContext);
	// Steps grow on a busy machine: one spinner frame per step, whatever its length.
	return <Text color={color}>{spinnerFrameAt(shared ?? own, clock.spinnerStepMs())}</Text>;
}

type FramesProps = {readonly active: boolean; readonly children: ReactNode};

/**
 * One subscription for every spinner and running clock below: a step re-renders them (context
 * consumers) in a single commit, not one commit each, and nothing else. Inactive, it provides
 * nothing and each falls back to its own subscription.
 */
export function SpinnerFrames({active, children}: FramesProps) {
	const stepTime = useStepTime(active);
	return <StepTimeContext.Provider value={active ? stepTime : undefined}>{children}</StepTimeContext.Provider>;
}

type ElapsedProps = {readonly from?: number; readonly to?: number; readonly dim?: boolean};

/** `mm:ss` since `from` (until `to`), ticking once a second while open. */
export function Elapsed({from, to, dim = false}: ElapsedProps) {
	const elapsed = useElapsed(from, to);
	return <Text dimColor={dim}>{from === undefined ? '--:--' : formatClock(elapsed)}</Text>;
}

// The app's one animation clock: a single timer drives every spinner, elapsed time and the
// sampling of output tails, so nothing re-renders between ticks and an idle app has no timer.
// The clock also paces drawing: Ink rebuilds the whole screen for every frame (about 10,000
// cells at 200x50, tens of ms on a busy machine), so after a costly frame the next sample waits
// long enough to keep drawing within a share of one core, and idle spinners step more slowly.

import {createContext, useCallback, useContext, useRef, useSyncExternalStore} from 'react';
import type {OutputStore} from '../../runner/types.js';

/** Share of one core that drawing tail updates may use (the pipes get the rest). */
export const drawBudget = 0.1;
/** Share of one core that idle animation (spinners, elapsed times) may use. */
export const idleBudget = 0.03;
/** Longest wait between two samples: tails still move at least once a second. */
export const maxDelayMs = 1000;
/** Spinner step lengths to choose from; each divides a second, so elapsed times step with them. */
export const spinnerSteps = [250, 500, 1000] as const;

/**
 * How long to wait after a tick whose drawing cost `costMs`: at least `baseMs`, and long enough
 * that drawing stays within `budget` of a core (cost / (cost + wait) <= budget), at most `maxMs`.
 */
export function paceDelay(baseMs: number, costMs: number, budget = drawBudget, maxMs = maxDelayMs): number {
	if (!(costMs > 0)) return baseMs;
	return Math.round(Math.min(Math.max(maxMs, baseMs), Math.max(baseMs, (costMs * (1 - budget)) / budget)));
}

/** The shortest spinner step whose frames (each costing `frameCostMs`) fit the idle budget. */
export function spinnerStepFor(frameCostMs: number, budget = idleBudget): number {
	for (const step of spinnerSteps) if (frameCostMs <= step * budget) return step;
	return maxDelayMs;
}

/** A shared ticker: subscribers are called once per tick; the timer runs only while any listen. */
export type Clock = {
	subscribe(listener: () => void): () => void;
	/** Ticks since the clock was made (advances only while the timer runs). */
	tick(): number;
	now(): number;
	/** The shortest time between ticks, in milliseconds. */
	readonly intervalMs: number;
	/** The wait before the next tick, after pacing. */
	delayMs(): number;
	/** What one drawn frame costs, smoothed (0 until one was seen). */
	frameCostMs(): number;
	/** How long a spinner frame shows now (see `spinnerStepFor`). */
	spinnerStepMs(): number;
	/** The time cut to the current spinner step; never goes back when the step grows. */
	stepTime(): number;
	/**
	 * Tells the clock what a frame cost to draw (Ink's `onRender` renderTime). Frames drawn
	 * during a tick are already in that tick's measure; others (throttled, key presses) are added
	 * to the next one.
	 */
	reportFrame(ms: number): void;
};

/**
 * Makes a clock at up to `fps` ticks a second, reading time from `now`. `measure` times what a
 * tick costs (default performance.now); a test passes a fake one so a loaded machine cannot
 * make a cheap tick look costly.
 */
export function createClock(fps = 10, now: () => number = Date.now, measure: () => number = () => performance.now()): Clock {
	const intervalMs = Math.round(1000 / fps);
	const listeners = new Set<() => void>();
	let timer: NodeJS.Timeout | undefined;
	let ticks = 0;
	let delay = intervalMs;
	let frameCost = 0;
	let inTick = false;
	let framesInTick = 0;
	let outside = 0;
	let wired = false;
	let lastStep = Number.NEGATIVE_INFINITY;
	const settle = (start: number) => {
		inTick = false;
		const spent = measure() - start + outside;
		// Without frame reports (ink-testing-library), a tick that took over 2 ms is taken to have drawn.
		const drew = framesInTick > 0 || outside > 0 || (!wired && spent > 2);
		outside = 0;
		if (drew) frameCost = frameCost === 0 ? spent : frameCost * 0.7 + spent * 0.3;
		delay = paceDelay(intervalMs, spent);
		schedule();
	};
	const fire = () => {
		timer = undefined;
		if (listeners.size === 0) return;
		ticks++;
		const start = measure();
		inTick = true;
		framesInTick = 0;
		for (const listener of [...listeners]) listener();
		// React renders the listeners' updates together in a microtask queued while they ran:
		// this one runs after it, so the measure holds the render, the layout and Ink's frame.
		queueMicrotask(() => settle(start));
	};
	const schedule = () => {
		if (timer !== undefined || listeners.size === 0) return;
		timer = setTimeout(fire, delay);
		// The clock alone must never keep the process alive.
		timer.unref();
	};
	return {
		intervalMs,
		tick: () => ticks,
		now,
		delayMs: () => delay,
		frameCostMs: () => frameCost,
		spinnerStepMs: () => spinnerStepFor(frameCost),
		stepTime() {
			const step = spinnerStepFor(frameCost);
			lastStep = Math.max(lastStep, Math.floor(now() / step) * step);
			return lastStep;
		},
		reportFrame(ms) {
			wired = true;
			if (inTick) framesInTick++;
			else outside += ms;
		},
		subscribe(listener) {
			// Waking from idle: frames drawn while nothing ticked (other screens) are not this
			// clock's cost.
			if (listeners.size === 0 && timer === undefined && !inTick) outside = 0;
			listeners.add(listener);
			if (!inTick) schedule();
			return () => {
				listeners.delete(listener);
				if (listeners.size === 0 && timer !== undefined) {
					clearTimeout(timer);
					timer = undefined;
				}
			};
		},
	};
}

/** The clock of the current tree. */
export const ClockContext = createContext<Clock>(createClock());

const idle = () => () => {};

/**
 * A value computed from the clock, re-rendering only when the value changes (compare by `===`).
 * With `active` false nothing subscribes, so a finished pane costs nothing per tick.
 */
export function useClockValue<T>(compute: (clock: Clock) => T, active = true, inputs = ''): T {
	const clock = useContext(ClockContext);
	const subscribe = useCallback((listener: () => void) => (active ? clock.subscribe(listener) : idle()), [clock, active]);
	// The value is what the last tick sampled (for these inputs). React reads the snapshot again
	// after each commit, and when that read came out different (a tail moved meanwhile, which
	// under load is most of the time) it forced one more render and frame outside the clock:
	// between ticks the answer stays the tick's.
	const sample = useRef<{tick: number; inputs: string; value: T} | undefined>(undefined);
	const read = () => {
		// Inactive (a finished clock, or a spinner that takes the shared step): one value per
		// inputs, so time moving on cannot make React re-render it either.
		const tick = active ? clock.tick() : -1;
		const last = sample.current;
		if (last && last.tick === tick && last.inputs === inputs) return last.value;
		const value = compute(clock);
		sample.current = {tick, inputs, value};
		return value;
	};
	return useSyncExternalStore(subscribe, read, read);
}

/** Milliseconds since `from` (to `to` when given), refreshed once a second while open. */
export function useElapsed(from: number | undefined, to?: number): number {
	const running = from !== undefined && to === undefined;
	const shared = useContext(StepTimeContext);
	// Whole seconds as the snapshot: a tick inside the same second does not re-render.
	const seconds = useClockValue(clock => {
		if (from === undefined) return 0;
		return Math.floor(((to ?? clock.now()) - from) / 1000);
	}, running && shared === undefined, `${from}:${to}`);
	if (running && shared !== undefined) return Math.max(0, Math.floor((shared - from) / 1000)) * 1000;
	return seconds * 1000;
}

/** Braille dots, the look of ink-spinner's default `dots`. */
export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** The fastest spinner step: 4 frames a second reads as alive. */
export const spinnerStepMs = spinnerSteps[0];

/**
 * The clock's time cut to spinner steps (see `Clock.stepTime`): changes at most once per step,
 * 1 to 4 times a second depending on what frames cost.
 */
export function useStepTime(active = true): number {
	return useClockValue(clock => clock.stepTime(), active);
}

/** The spinner frame at a step time, for steps of `stepMs`: one frame further per step. */
export function spinnerFrameAt(stepTime: number, stepMs: number = spinnerStepMs): string {
	return spinnerFrames[Math.floor(stepTime / stepMs) % spinnerFrames.length] ?? spinnerFrames[0];
}

/**
 * The step time shared by a subtree: every spinner and running clock in it changes in the same
 * render (one Ink frame per step) instead of each in its own.
 */
export const StepTimeContext = createContext<number | undefined>(undefined);

/**
 * The versions of several tails, sampled at the clock's rate as one value: the caller re-renders
 * once per tick when any of them moved, and hands each pane its own version (panes memoize on it).
 */
export function useTailVersions(store: OutputStore, keys: readonly string[], active = true): readonly number[] {
	const joined = useClockValue(() => keys.map(key => store.get(key)?.version ?? -1).join(','), active, keys.join('\n'));
	return joined === '' ? [] : joined.split(',').map(Number);
}

/** What one clock tick samples for the live grid: the spinners' step and the shown tails. */
export type FrameSample = {readonly stepTime: number | undefined; readonly versions: readonly number[]};

/**
 * The step time (when `animate`) and the versions of several tails from ONE subscription: a tick
 * that moves both re-renders once, so Ink builds one frame for it, not one per hook.
 */
export function useFrameSample(store: OutputStore, keys: readonly string[], animate: boolean): FrameSample {
	const joined = useClockValue(
		clock => `${animate ? clock.stepTime() : ''}|${keys.map(key => store.get(key)?.version ?? -1).join(',')}`,
		animate || keys.length > 0,
		`${animate}\n${keys.join('\n')}`,
	);
	const [step = '', versions = ''] = joined.split('|');
	return {stepTime: step === '' ? undefined : Number(step), versions: versions === '' ? [] : versions.split(',').map(Number)};
}

/** One tail's version, sampled at the clock's rate. */
export function useTailVersion(store: OutputStore, key: string, active = true): number {
	return useClockValue(() => store.get(key)?.version ?? -1, active, key);
}

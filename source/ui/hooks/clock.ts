// The app's one animation clock: a single timer drives every spinner, elapsed time and the
// sampling of output tails, so nothing re-renders between ticks and an idle app has no timer.

import {createContext, useCallback, useContext, useSyncExternalStore} from 'react';
import type {OutputStore} from '../../runner/types.js';

/** A shared ticker: subscribers are called once per tick; the timer runs only while any listen. */
export type Clock = {
	subscribe(listener: () => void): () => void;
	/** Ticks since the clock was made (advances only while the timer runs). */
	tick(): number;
	now(): number;
	/** Milliseconds between ticks. */
	readonly intervalMs: number;
};

/** Makes a clock at `fps` ticks a second, reading time from `now`. */
export function createClock(fps = 10, now: () => number = Date.now): Clock {
	const intervalMs = Math.round(1000 / fps);
	const listeners = new Set<() => void>();
	let timer: NodeJS.Timeout | undefined;
	let ticks = 0;
	const fire = () => {
		ticks++;
		for (const listener of [...listeners]) listener();
	};
	return {
		intervalMs,
		tick: () => ticks,
		now,
		subscribe(listener) {
			listeners.add(listener);
			if (timer === undefined) {
				timer = setInterval(fire, intervalMs);
				// The clock alone must never keep the process alive.
				timer.unref();
			}
			return () => {
				listeners.delete(listener);
				if (listeners.size === 0 && timer !== undefined) {
					clearInterval(timer);
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
export function useClockValue<T>(compute: (clock: Clock) => T, active = true): T {
	const clock = useContext(ClockContext);
	const subscribe = useCallback((listener: () => void) => (active ? clock.subscribe(listener) : idle()), [clock, active]);
	const read = () => compute(clock);
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
	}, running && shared === undefined);
	if (running && shared !== undefined) return Math.max(0, Math.floor((shared - from) / 1000)) * 1000;
	return seconds * 1000;
}

/** Braille dots, the look of ink-spinner's default `dots`. */
export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/**
 * How long a spinner frame shows. Slower than the clock: every spinner step redraws the whole
 * screen in Ink, and 4 steps a second reads as alive at a fraction of the cost.
 */
export const spinnerStepMs = 250;

/** The clock's time cut to spinner steps: changes 4 times a second while active. */
export function useStepTime(active = true): number {
	return useClockValue(clock => Math.floor(clock.now() / spinnerStepMs) * spinnerStepMs, active);
}

/** The spinner frame at a step time. */
export function spinnerFrameAt(stepTime: number): string {
	return spinnerFrames[Math.floor(stepTime / spinnerStepMs) % spinnerFrames.length] ?? spinnerFrames[0];
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
	const joined = useClockValue(() => keys.map(key => store.get(key)?.version ?? -1).join(','), active);
	return joined === '' ? [] : joined.split(',').map(Number);
}

/** One tail's version, sampled at the clock's rate. */
export function useTailVersion(store: OutputStore, key: string, active = true): number {
	return useClockValue(() => store.get(key)?.version ?? -1, active);
}

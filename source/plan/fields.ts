// The plan's vocabulary: which fields exist at each level, the allowed values, id and duration
// rules, and "did you mean" for near misses. Shared by the shape check, the JSON Schema and the
// validator.

import {agentNames} from './agents.js';
import type {Isolation, Pattern, PhaseMode} from './types.js';

/** Fields a plan may have at the top level. */
export const planFields = ['$schema', 'name', 'goal', 'pattern', 'workspace', 'agent', 'permissionMode', 'ignore', 'phases', 'tasks', 'verify', 'isolation', 'worktree', 'gate'] as const;
/** Fields of a phase. */
export const phaseFields = ['name', 'mode', 'isolation', 'tasks'] as const;
/** Fields of a task. */
export const taskFields = ['id', 'title', 'owns', 'reads', 'dependsOn', 'prompt', 'run', 'timeout', 'env', 'agent', 'permissionMode', 'gate'] as const;
/** The named agents (one list, in agents.ts), as json-schema.ts reads them from here. */
export {agentNames};
/** The planning patterns. */
export const patterns: readonly Pattern[] = ['module', 'layer', 'feature', 'read-heavy', 'custom'];
/** Phase modes. */
export const phaseModes: readonly PhaseMode[] = ['parallel', 'sequential'];
/** Isolation modes. */
export const isolationModes: readonly Isolation[] = ['worktree', 'shared'];
/**
 * Task ids and plan names: lowercase letters, digits and '-', at most 64 characters. Ids name
 * log files, worktrees and branches (`<id>.log`, `fanout/<run>/<id>`), so the limit keeps every
 * derived name far below the 255-byte limit of a file name.
 */
export const idPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The id rule in words, quoted by every message that refuses an id. */
export const idRule = "lowercase letters, digits and '-', starting with a letter or digit, at most 64 characters";
/** Phase names are free text, shown in headers and the journal: one line, at most this long. */
export const maxPhaseNameLength = 80;
/** Durations such as `90s`, `10m`, `1h30m`, `1500ms`. */
export const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

// Words people reach for instead of the real field names.
const aliases: Record<string, string> = {
	depends: 'dependsOn',
	depends_on: 'dependsOn',
	after: 'dependsOn',
	needs: 'dependsOn',
	command: 'run',
	cmd: 'run',
	script: 'run',
	shell: 'run',
	description: 'title',
	timeout_ms: 'timeout',
	timeoutms: 'timeout',
	environment: 'env',
	writes: 'owns',
	files: 'owns',
	steps: 'phases',
	stages: 'phases',
	read: 'reads',
	own: 'owns',
	permission_mode: 'permissionMode',
};

const maxDurationMs = 30 * 24 * 3600 * 1000;

/** Parses `90s`, `10m`, `1h30m`, `1500ms` into milliseconds (undefined when malformed or absurd). */
export function parseDuration(text: string): number | undefined {
	if (!durationPattern.test(text)) return undefined;
	const unit: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
	let total = 0;
	for (const [, amount, u] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * unit[u!]!;
	if (!Number.isFinite(total) || total <= 0 || total > maxDurationMs) return undefined;
	return Math.round(total);
}

function editDistance(a: string, b: string): number {
	const row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}

/** The known field a mistyped one most likely meant, if any is close enough. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
	const plain = word.toLowerCase().replaceAll(/[-_ ]/g, '');
	const alias = aliases[word.toLowerCase()] ?? aliases[plain];
	if (alias && known.includes(alias)) return alias;
	const same = known.find(k => k.toLowerCase() === plain);
	if (same) return same;
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const k of known) {
		const d = editDistance(plain, k.toLowerCase());
		if (d < bestDistance) {
			best = k;
			bestDistance = d;
		}
	}
	return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

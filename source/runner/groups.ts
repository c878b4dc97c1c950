// The registry of live process groups (one per running task) and the one way fanout stops
// them: SIGTERM to the whole group, SIGKILL after a grace period, gone when no member is left.

import {readdirSync, readFileSync} from 'node:fs';

/** What fanout knows about a group it started. */
export type GroupMeta = {
	readonly runId?: string;
	readonly taskId?: string;
	readonly label?: string;
	/** Epoch ms. */
	readonly startedAt: number;
};

export type LiveGroup = {readonly pgid: number; readonly meta: GroupMeta};

export type KillOptions = {
	/** Time between SIGTERM and SIGKILL (default 5000 ms). */
	readonly graceMs?: number;
	readonly pollMs?: number;
};

const registry = new Map<number, GroupMeta>();

/** Records a group fanout started, so a signal to fanout can stop it. */
export function registerGroup(pgid: number, meta: GroupMeta): void {
	registry.set(pgid, meta);
}

/** Forgets a group (after it is gone). */
export function unregisterGroup(pgid: number): void {
	registry.delete(pgid);
}

/** Registered groups that still have a live member. */
export function liveGroups(): LiveGroup[] {
	const live: LiveGroup[] = [];
	for (const [pgid, meta] of registry) {
		if (isGroupAlive(pgid)) live.push({pgid, meta});
		else registry.delete(pgid);
	}
	return live;
}

const HAS_PROC = (() => {
	try {
		readdirSync('/proc');
		return true;
	} catch {
		return false;
	}
})();

/** How long one scan of /proc answers for every group: polls of many groups share it. */
const SCAN_TTL_MS = 15;
let lastScan: {readonly at: number; readonly byGroup: ReadonlyMap<number, number[]>} | undefined;

/** Every live (non-zombie) process by process group, from one pass over /proc. */
function scanGroups(): ReadonlyMap<number, number[]> {
	const now = Date.now();
	if (lastScan && now - lastScan.at < SCAN_TTL_MS) return lastScan.byGroup;
	const byGroup = new Map<number, number[]>();
	let entries: string[] = [];
	try {
		entries = readdirSync('/proc');
	} catch {
		// No /proc: nothing to list.
	}
	for (const entry of entries) {
		const code = entry.charCodeAt(0);
		if (code < 48 || code > 57) continue;
		const fields = statFields(Number(entry));
		if (!fields || fields[0] === 'Z' || fields[0] === 'X') continue;
		const group = Number(fields[2]);
		const members = byGroup.get(group);
		if (members) members.push(Number(entry));
		else byGroup.set(group, [Number(entry)]);
	}
	lastScan = {at: now, byGroup};
	return byGroup;
}

/** The fields of /proc/PID/stat after the command name (state first), or undefined when gone. */
function statFields(pid: number): string[] | undefined {
	let stat: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
	} catch {
		return undefined; // exited meanwhile
	}
	// The command name may hold spaces and parentheses: fields start after the last ')'.
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Pids of the group's members that are not zombies (Linux /proc). Zombies count as gone: an
 * orphan's zombie lingers when PID 1 does not reap (as in many containers), and it can neither
 * run nor hold a pipe.
 */
export function groupMembers(pgid: number): number[] {
	return [...(scanGroups().get(pgid) ?? [])];
}

/**
 * True when a live member of the group carries `name=value` in its environment (Linux
 * /proc). `resume` checks this before killing a group found in an old journal: after a reboot
 * the same number may belong to someone else's processes.
 */
export function groupHasEnv(pgid: number, name: string, value: string): boolean {
	const wanted = `${name}=${value}`;
	for (const pid of groupMembers(pgid)) {
		try {
			if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(wanted)) return true;
		} catch {
			// Gone, or not ours to read.
		}
	}
	return false;
}

/** True while any member of the group is alive (zombies excluded where /proc tells). */
export function isGroupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		// EPERM: it exists but is not ours to signal, which still means alive.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	if (!HAS_PROC) return true;
	// Cheap first: a live leader answers for the group without scanning every process.
	const leader = statFields(pgid);
	if (leader && leader[0] !== 'Z' && leader[0] !== 'X' && Number(leader[2]) === pgid) return true;
	return (scanGroups().get(pgid)?.length ?? 0) > 0;
}

/** Sends a signal to the whole group; false when it was already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Kills already under way, so two callers (a timeout and a stop) share one sequence.
const pendingKills = new Map<number, Promise<void>>();

/**
 * SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`; resolves once no
 * member is alive (or, after SIGKILL, when the kernel still reports one after 5 s: nothing
 * more can be done from here).
 */
export function killGroup(pgid: number, options: KillOptions = {}): Promise<void> {
	const pending = pendingKills.get(pgid);
	if (pending) return pending;
	const run = async (): Promise<void> => {
		const graceMs = options.graceMs ?? 5000;
		const pollMs = options.pollMs ?? 25;
		if (isGroupAlive(pgid) && signalGroup(pgid, 'SIGTERM')) {
			const termDeadline = Date.now() + graceMs;
			while (isGroupAlive(pgid) && Date.now() < termDeadline) await sleep(pollMs);
			if (isGroupAlive(pgid)) {
				signalGroup(pgid, 'SIGKILL');
				const killDeadline = Date.now() + 5000;
				while (isGroupAlive(pgid) && Date.now() < killDeadline) await sleep(pollMs);
			}
		}
		registry.delete(pgid);
	};
	const promise = run().finally(() => pendingKills.delete(pgid));
	pendingKills.set(pgid, promise);
	return promise;
}

/** Stops every registered group at once (abort, or a signal to fanout). */
export async function stopAllGroups(options: KillOptions = {}): Promise<void> {
	await Promise.all([...registry.keys()].map((pgid) => killGroup(pgid, options)));
}

/** Synchronous last resort for process exit paths: SIGKILL every registered group now. */
export function killAllGroupsNow(): void {
	for (const pgid of registry.keys()) signalGroup(pgid, 'SIGKILL');
	registry.clear();
}

// A task's gates: commands (its own tests, lint) run one after another in its worktree once it
// has ended and before its work is applied. Their output goes to the task's log; the first
// failure fails the task, with the end of that output in the reason.

import {spawn} from 'node:child_process';
import {appendFileSync} from 'node:fs';

/** Lines of a failing gate's output quoted in the task's failure reason. */
const REASON_LINES = 3;

function log(logPath: string, text: string): void {
	try {
		appendFileSync(logPath, text);
	} catch {
		// The log is best effort: the gate's verdict does not depend on it.
	}
}

/** Runs one gate in `cwd` (its own process group, killed when `signal` aborts); resolves with its exit code and output. */
function runGate(command: string, cwd: string, signal: AbortSignal): Promise<{code: number | null; output: string}> {
	return new Promise(resolve => {
		const child = spawn('/bin/sh', ['-c', command], {cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
		const chunks: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
		const abort = () => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
		};
		signal.addEventListener('abort', abort, {once: true});
		child.on('error', error => resolve({code: null, output: String(error.message)}));
		child.on('close', code => {
			signal.removeEventListener('abort', abort);
			resolve({code, output: Buffer.concat(chunks).toString('utf8')});
		});
	});
}

/**
 * Runs `gates` in order in `cwd`, their output appended to `logPath`. Resolves with the
 * failure reason of the first one that fails, or undefined when all pass.
 */
export async function runGates(gates: readonly string[], cwd: string, logPath: string, signal: AbortSignal): Promise<string | undefined> {
	for (const command of gates) {
		if (signal.aborted) return 'stopped';
		log(logPath, `\n[fanout] gate: ${command}\n`);
		const {code, output} = await runGate(command, cwd, signal);
		log(logPath, output.endsWith('\n') || output === '' ? output : `${output}\n`);
		log(logPath, `[fanout] gate ${code === 0 ? 'passed' : `failed (exit ${code ?? 'signal'})`}: ${command}\n`);
		if (code !== 0) {
			const tail = output.trimEnd().split('\n').slice(-REASON_LINES).join(' / ');
			return `gate \`${command}\` failed (exit ${code ?? 'signal'})${tail ? `: ${tail}` : ''}`;
		}
	}
	return undefined;
}

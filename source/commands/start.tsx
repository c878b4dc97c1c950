// `fanout` with no arguments in a terminal: the start screen lists ./plans and recent runs;
// Enter opens the plan (into its review screen), the planning wizard ("New plan", on the
// current folder; left unsaved, it comes back here) or resumes the run.

import {readdirSync} from 'node:fs';
import {join, relative, resolve} from 'node:path';
import {render} from 'ink';
import {loadPlan} from '../plan/load.js';
import {validatePlan} from '../plan/validate.js';
import {recentRuns} from '../runner/journal.js';
import {runVerdict, verdictWords} from '../machine/exit-code.js';
import {KeysProvider} from '../ui/hooks/use-keys.js';
import {StartScreen} from '../ui/screens/start-screen.js';
import type {StartChoice, StartPlan, StartRun} from '../ui/screens/start-screen.js';
import type {Command, CommandIO} from './io.js';
import type {WizardExit, WizardOptions} from './plan-wizard.js';
import {resumeCommand, runCommand} from './run.js';

function findPlans(cwd: string): StartPlan[] {
	const dir = join(cwd, 'plans');
	let names: string[];
	try {
		names = readdirSync(dir).filter(name => /\.(ya?ml|json)$/.test(name) && !name.endsWith('.schema.json')).sort();
	} catch {
		return [];
	}
	return names.map(name => {
		const file = join(dir, name);
		const loaded = loadPlan(file, {cwd});
		if (!loaded.ok) {
			return {file, name, pattern: '?', phases: 0, tasks: 0, valid: false, problem: loaded.errors[0]?.message ?? 'unreadable'};
		}
		const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
		const first = report.errors[0];
		return {
			file,
			name: loaded.plan.name,
			pattern: loaded.plan.pattern,
			phases: loaded.plan.phases.length,
			tasks: loaded.plan.phases.reduce((n, p) => n + p.tasks.length, 0),
			valid: report.valid,
			...(first ? {problem: first.message} : {}),
		};
	});
}

function findRuns(cwd: string): StartRun[] {
	// Newest first; "resumable" is the journal's one definition, the same `fanout runs` shows.
	return recentRuns(cwd, 10).map(run => ({
		id: run.id,
		planName: run.planName ?? '?',
		outcome: run.status === 'unfinished' ? 'interrupted' : verdictWords(runVerdict(run.outcome, run.skipped), run.skipped),
		resumable: run.resumable,
	}));
}

async function pick(io: CommandIO): Promise<StartChoice | undefined> {
	const plans = findPlans(io.cwd);
	const runs = findRuns(io.cwd);
	return new Promise(done => {
		const columns = process.stdout.columns || 80;
		const rows = process.stdout.rows || 24;
		const instance = render(
			<KeysProvider>
				<StartScreen
				plans={plans}
				runs={runs}
				width={columns}
				height={Math.max(1, rows - 1)}
				onOpen={choice => {
					instance.unmount();
					done(choice);
				}}
				onQuit={() => {
					instance.unmount();
					done(undefined);
				}}
				/>
			</KeysProvider>,
			{exitOnCtrlC: true, patchConsole: false},
		);
	});
}

/** What the start command hands each choice to; replaceable in tests. */
export type StartDeps = {
	/** Shows the start screen and resolves with the choice (undefined: the user quit). */
	readonly pick?: (io: CommandIO) => Promise<StartChoice | undefined>;
	/**
	 * The planning wizard (it runs the plan when asked to): an exit code, or 'cancelled' when
	 * the user left it unsaved, which goes back to the start screen.
	 */
	readonly openWizard?: (options: WizardOptions, io: CommandIO) => Promise<WizardExit>;
	readonly run?: Command;
	readonly resume?: Command;
};

/** Builds `fanout` (no arguments) around the screen and the commands its choices lead to. */
export function createStartCommand(deps: StartDeps = {}): Command {
	return async (argv, io) => {
		for (;;) {
			const choice = await (deps.pick ?? pick)(io);
			if (!choice) return 0;
			switch (choice.kind) {
				case 'plan':
					return (deps.run ?? runCommand)([relative(io.cwd, resolve(choice.file)), ...argv], io);
				case 'new': {
					// Loaded only when asked for: the wizard brings its machine and steps along.
					const openWizard = deps.openWizard ?? (await import('./plan-wizard.js')).openWizardFromStart;
					const exit = await openWizard({workspace: io.cwd}, io);
					if (exit === 'cancelled') continue;
					return exit;
				}
				case 'run':
					return (deps.resume ?? resumeCommand)([choice.id, ...argv], io);
			}
		}
	};
}

/** `fanout` (no arguments, in a terminal) */
export const startCommand: Command = createStartCommand();

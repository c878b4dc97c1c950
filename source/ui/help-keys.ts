// What `?` shows: the keys of each screen (run screens and wizard steps) in words, and which
// sections belong to the screen the user is on. Pure data, next to nothing else, so the help
// and the key bars can be read side by side.

/** One key (or key group) and what it does. */
export type HelpKey = readonly [keys: string, words: string];
/** A titled list of keys. */
export type HelpSection = readonly [title: string, keys: readonly HelpKey[]];

const planReview: HelpSection = [
	'Plan review',
	[
		['enter', 'start the run (valid plans only)'],
		['e', 'edit the plan file in $EDITOR, then review it again (plans run from a file)'],
		['↑↓ j k', 'scroll'],
		['q', 'quit'],
	],
];

const phaseApproval: HelpSection = [
	'Phase approval',
	[
		['a / enter', 'approve this phase'],
		['A', 'approve this and all later phases'],
		['s', 'skip the phase (its dependents are skipped too)'],
		['q', 'abort the run (asks first)'],
	],
];

const liveGrid: HelpSection = [
	'Live grid',
	[
		['←↑↓→ h j k l', 'move the focus (many tasks: one row each, ↑↓ move)'],
		['tab / shift-tab', 'next / previous task'],
		['enter', "open the focused task's log"],
		['d', "open the focused task's diff (in a conflict, d defers)"],
		['x', 'stop the focused task (asks first)'],
		['r', 'retry the focused task when it failed'],
		['q', 'abort the run (asks first)'],
	],
];

const taskLog: HelpSection = ['Task log', [['↑↓ j k', 'scroll'], ['PgUp / PgDn', 'page'], ['g / G', 'top / follow the end'], ['esc', 'back']]];

const taskDiff: HelpSection = ['Task diff', [['↑↓ j k', 'scroll'], ['PgUp / PgDn', 'page'], ['g / G', 'top / end'], ['esc', 'back']]];

const conflict: HelpSection = [
	'Conflict',
	[
		['1-9 ↑↓', 'pick the culprit among suspects'],
		['g', 'grant the path to the task and run it again'],
		['d', 'defer the task to a new phase after this one'],
		['s', 'skip the task and its dependents'],
		['e', 'edit the revised plan in $EDITOR'],
		['q', 'abort the run'],
		['tab / enter', "focus a task / open its log (the grid keeps running)"],
	],
];

const phaseFailed: HelpSection = [
	'Phase failed',
	[
		['r', 'retry the failed tasks'],
		['c', 'continue (what depends on them is skipped)'],
		['↑↓ enter', "pick a failed task / open its log"],
		['q', 'abort (asks first)'],
	],
];

const summary: HelpSection = [
	'Summary',
	[
		['↑↓ j k', 'pick a task'],
		['enter', 'open its log'],
		['d', 'open its diff (what it changed)'],
		['w', 'write the revised plan back (after a re-plan)'],
		['q', 'quit with the run’s exit code'],
	],
];

const anywhere: HelpSection = ['Anywhere', [['?', 'this help (↑↓ PgUp PgDn scroll it)'], ['ctrl-c', 'twice: stop everything now']]];

/** Every section of a run, in the order a run meets them (the help when the screen is unknown). */
export const allRunSections: readonly HelpSection[] = [planReview, phaseApproval, liveGrid, taskLog, taskDiff, conflict, phaseFailed, summary, anywhere];

/** The help of the run screen shown in machine state `state`: its own keys first, then what applies everywhere. */
export function runHelp(state: string | undefined): {readonly title: string; readonly sections: readonly HelpSection[]} {
	switch (state) {
		case 'validating':
		case 'reviewing':
		case 'invalid':
			return {title: 'plan review', sections: [planReview, anywhere]};
		case 'awaitingApproval':
			return {title: 'phase approval', sections: [phaseApproval, anywhere]};
		case 'running':
		case 'verifying':
			return {title: 'live grid', sections: [liveGrid, taskLog, taskDiff, anywhere]};
		case 'conflict':
			return {title: 'conflict', sections: [conflict, liveGrid, taskLog, anywhere]};
		case 'phaseFailed':
			return {title: 'phase failed', sections: [phaseFailed, taskLog, anywhere]};
		case 'done':
		case 'failed':
		case 'aborted':
			return {title: 'summary', sections: [summary, taskLog, taskDiff, anywhere]};
		default:
			return {title: 'every screen', sections: allRunSections};
	}
}

/** The wizard's steps, as the help names them. */
export type WizardHelpStep = 'goal' | 'pattern' | 'scope' | 'planning' | 'review' | 'save';

const typing: HelpSection = [
	'Typing',
	[
		['←→ home end', 'move in the line'],
		['⌫ del', 'delete'],
		['?', 'on an empty line: this help; elsewhere it is typed'],
	],
];

const wizardAnywhere: HelpSection = ['Anywhere', [['?', 'this help (↑↓ PgUp PgDn scroll it; esc closes)'], ['ctrl-c', 'leave without saving']]];

const wizardSections: Record<WizardHelpStep, readonly HelpSection[]> = {
	goal: [['Goal', [['enter', 'next: how to split the work'], ['esc', 'quit']]], typing, wizardAnywhere],
	pattern: [
		[
			'Pattern',
			[
				['↑↓ j k 1-5', 'pick a way to split the work'],
				['enter', 'next'],
				['tab', 'on "let an agent plan it": which agent plans'],
				['esc', 'back'],
			],
		],
		wizardAnywhere,
	],
	scope: [
		[
			'Scope',
			[
				['enter', 'propose the plan (features: add the feature; on an empty line, propose)'],
				['⌫', 'features: on an empty line, remove the last feature'],
				['esc', 'back'],
			],
		],
		typing,
		wizardAnywhere,
	],
	planning: [['Planning', [['r', 'when the planner failed: ask again, with its errors'], ['esc', 'cancel and go back']]], wizardAnywhere],
	review: [
		[
			'Review',
			[
				['↑↓ j k PgUp PgDn', 'select a task or phase'],
				['s / enter', 'save (an invalid plan asks first)'],
				['esc', 'back'],
				['r / R', 'rename the task or phase / the plan'],
				['T', "the task's title"],
				['p / e', "the task's prompt (e: in $EDITOR)"],
				['c', "the task's command"],
				['o / i', 'what the task owns / reads (globs)'],
				['a', "cycle the task's agent"],
				['m', 'move the task to another phase'],
				['n / N', 'add a task / a phase'],
				['x', 'remove the task or phase'],
				['t', 'phase: parallel or sequential'],
				['A', 'ask the planner agent again (agent plans)'],
			],
		],
		['Editing a field', [['enter', 'apply'], ['esc', 'cancel']]],
		typing,
		wizardAnywhere,
	],
	save: [
		[
			'Save',
			[
				['enter', 'save to the path'],
				['esc', 'back to the review'],
				['y / n', 'overwrite an existing file / pick another name; run the saved plan now / not now'],
			],
		],
		typing,
		wizardAnywhere,
	],
};

/** The help of a wizard step. */
export function wizardHelp(step: WizardHelpStep): {readonly title: string; readonly sections: readonly HelpSection[]} {
	return {title: `plan wizard · ${step}`, sections: wizardSections[step]};
}

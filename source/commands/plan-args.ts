// `fanout plan`'s arguments: the usage text and the parser that turns argv into options or
// says what is wrong with them.

import {resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {agentNames, isAgentName, isPlannerAgent, plannerAgents, type PlannerAgent} from '../plan/agents.js';
import {proposalPatterns, slugify, type FeatureSpec, type ProposalPattern} from '../plan/propose.js';
import type {AgentSpec} from '../plan/types.js';

/** What `fanout plan --help` prints, and what follows a wrong argument. */
export const planUsage = `Usage: fanout plan --pattern PATTERN --goal TEXT [options]
       fanout plan --planner AGENT --goal TEXT [options]

Proposes a plan and writes it as YAML, without questions.

  --pattern P          ${proposalPatterns.map(p => `${p.pattern.padEnd(11)}${p.useWhen}`).join('\n                       ')}
  --goal TEXT          what the agents should do (required)
  --root DIR           source folder whose subfolders are the modules (default: the biggest one)
  --feature N=G,G      a feature and its globs, for --pattern feature (repeatable)
  --agent A            agent of the tasks: ${agentNames.map((name, i) => (i === 0 ? `${name} (default)` : name)).join(', ')}
  --name NAME          plan name (default: from the goal)
  --out FILE           where to write (default: plans/<name>.yaml)
  --force              overwrite that file if it exists (without it: exit 2, nothing written)
  --workspace DIR      folder the tasks work in (default: the current directory)
  --planner A          let an agent plan it: ${plannerAgents.slice(0, -1).join(', ')} or ${plannerAgents.at(-1)}
  --retries N          with --planner: ask again with the errors, up to N times (default 0)
`;

/** The parsed arguments of `fanout plan`. */
export type PlanOptions = {
	readonly pattern?: ProposalPattern;
	readonly planner?: PlannerAgent;
	readonly goal?: string;
	readonly root?: string;
	readonly features: readonly FeatureSpec[];
	readonly agent?: AgentSpec;
	readonly name?: string;
	readonly out?: string;
	/** Overwrite an existing output file (the wizard asks instead). */
	readonly force: boolean;
	readonly workspace: string;
	readonly retries: number;
	readonly help: boolean;
};

/** Parses the arguments, or says what is wrong with them. */
export function parsePlanArgs(argv: readonly string[], cwd: string): {readonly ok: true; readonly options: PlanOptions} | {readonly ok: false; readonly error: string} {
	let values;
	try {
		({values} = parseArgs({
			args: [...argv],
			strict: true,
			allowPositionals: false,
			options: {
				pattern: {type: 'string'},
				planner: {type: 'string'},
				goal: {type: 'string'},
				root: {type: 'string'},
				feature: {type: 'string', multiple: true},
				agent: {type: 'string'},
				name: {type: 'string'},
				out: {type: 'string'},
				force: {type: 'boolean'},
				workspace: {type: 'string'},
				retries: {type: 'string'},
				help: {type: 'boolean', short: 'h'},
			},
		}));
	} catch (error) {
		return {ok: false, error: error instanceof Error ? error.message.split('\n')[0]! : String(error)};
	}
	if (values.help) return {ok: true, options: {features: [], force: false, workspace: cwd, retries: 0, help: true}};
	const pattern = values.pattern;
	if (pattern !== undefined && !proposalPatterns.some(p => p.pattern === pattern)) {
		return {ok: false, error: `unknown pattern "${pattern}": use one of ${proposalPatterns.map(p => p.pattern).join(', ')}`};
	}
	const planner = values.planner;
	if (planner !== undefined && !isPlannerAgent(planner)) {
		return {ok: false, error: `--planner must be one of ${plannerAgents.join(', ')}, not "${planner}"`};
	}
	if (planner !== undefined && pattern !== undefined) return {ok: false, error: 'give either --pattern or --planner, not both'};
	const goal = values.goal?.trim();
	if (values.goal !== undefined && goal === '') return {ok: false, error: '--goal is empty: say what the agents should do'};
	const agent = values.agent;
	if (agent !== undefined && !isAgentName(agent)) {
		return {ok: false, error: `--agent must be one of ${agentNames.join(', ')}, not "${agent}"`};
	}
	const features: FeatureSpec[] = [];
	for (const spec of values.feature ?? []) {
		const eq = spec.indexOf('=');
		const name = eq < 0 ? '' : spec.slice(0, eq).trim();
		const globs = eq < 0 ? [] : spec.slice(eq + 1).split(',').map(g => g.trim()).filter(g => g !== '');
		if (name === '' || globs.length === 0) return {ok: false, error: `--feature "${spec}" should look like name=glob,glob (e.g. auth=src/auth/**)`};
		if (slugify(name, '') === '') return {ok: false, error: `--feature name "${name}" needs at least one letter`};
		features.push({name, globs});
	}
	if (features.length > 0 && pattern !== 'feature') return {ok: false, error: '--feature goes with --pattern feature'};
	let retries = 0;
	if (values.retries !== undefined) {
		retries = Number(values.retries);
		if (!Number.isInteger(retries) || retries < 0 || retries > 5) return {ok: false, error: `--retries must be a whole number from 0 to 5, not "${values.retries}"`};
	}
	if (values.name !== undefined && slugify(values.name, '') === '') return {ok: false, error: `--name "${values.name}" needs at least one letter`};
	return {
		ok: true,
		options: {
			...(pattern === undefined ? {} : {pattern: pattern as ProposalPattern}),
			...(planner === undefined ? {} : {planner: planner}),
			...(goal === undefined ? {} : {goal}),
			...(values.root === undefined ? {} : {root: values.root}),
			features,
			...(agent === undefined ? {} : {agent: agent as AgentSpec}),
			...(values.name === undefined ? {} : {name: values.name}),
			...(values.out === undefined ? {} : {out: values.out}),
			force: Boolean(values.force),
			workspace: resolve(cwd, values.workspace ?? '.'),
			retries,
			help: false,
		},
	};
}

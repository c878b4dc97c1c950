// `npm run check:agents`: installs the real agent CLIs from the npm registry into a temporary
// folder and checks that every flag (and fixed value) fanout passes them appears in their help.
// Not part of `npm test`: it needs the registry. Usage: check-agents.ts [claude] [codex] [gemini]

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Plan, Task} from '../../source/plan/types.js';
import {agentInvocation} from '../../source/runner/agents/index.js';

type Checked = 'claude' | 'codex' | 'gemini';

const packages: Record<Checked, {readonly pkg: string; readonly bin: string; readonly help: readonly string[]}> = {
	claude: {pkg: '@anthropic-ai/claude-code', bin: 'claude', help: ['--help']},
	codex: {pkg: '@openai/codex', bin: 'codex', help: ['exec', '--help']},
	gemini: {pkg: '@google/gemini-cli', bin: 'gemini', help: ['--help']},
};

/** Values fanout passes that the help should name too (modes and formats). */
const expectedValues: Record<Checked, readonly string[]> = {
	claude: ['stream-json', 'acceptEdits'],
	codex: ['workspace-write'],
	gemini: ['stream-json', 'auto_edit'],
};

function sampleArgs(agent: Checked): string[] {
	const task: Task = {id: 'check', owns: ['src/**'], reads: [], dependsOn: [], env: {}, prompt: 'check', agent};
	const plan: Plan = {name: 'check', pattern: 'custom', ignore: [], verify: [], phases: [{name: 'p', mode: 'parallel', tasks: [task]}]};
	const ctx = {workspace: os.tmpdir(), runDir: os.tmpdir(), guardCommand: ['fanout', 'guard'], resumeSessionId: agent === 'claude' ? 'session' : undefined};
	return [...agentInvocation(task, plan, ctx).args];
}

/** The option names among the arguments (values such as the prompt or JSON never start with `-`). */
function flagsOf(args: readonly string[]): string[] {
	return [...new Set(args.filter(arg => /^--?[A-Za-z]/.test(arg)).map(arg => arg.split('=')[0] ?? arg))];
}

function mentions(help: string, word: string): boolean {
	const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[\\s,|(\\[<"'])${escaped}($|[\\s,=|)\\]>"'.])`, 'm').test(help);
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string) {
	return spawnSync(file, [...args], {cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000});
}

function main(argv: readonly string[]): number {
	const wanted = (argv.length > 0 ? argv : ['claude', 'codex']) as Checked[];
	const unknown = wanted.filter(name => !(name in packages));
	if (unknown.length > 0) {
		process.stderr.write(`check-agents: unknown agent ${unknown.join(', ')} (known: ${Object.keys(packages).join(', ')})\n`);
		return 2;
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-check-agents-'));
	const home = path.join(dir, 'home');
	fs.mkdirSync(home);
	// A throwaway HOME: the CLIs may write settings or caches; the user's own stay untouched.
	const env = {...process.env, HOME: home, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', NO_COLOR: '1'};
	let failures = 0;
	try {
		const pkgs = wanted.map(name => packages[name].pkg);
		process.stdout.write(`installing ${pkgs.join(', ')} into ${dir} ...\n`);
		const install = run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', ...pkgs], env, dir);
		if (install.status !== 0) {
			process.stderr.write(`check-agents: npm install failed (exit ${install.status}):\n${install.stderr}${install.error?.message ?? ''}\n`);
			return 1;
		}
		for (const name of wanted) {
			const {bin, help} = packages[name];
			const file = path.join(dir, 'node_modules', '.bin', bin);
			const version = run(file, ['--version'], env, dir);
			const shown = run(file, help, env, dir);
			const text = `${shown.stdout}\n${shown.stderr}`;
			process.stdout.write(`\n${bin} ${version.stdout.trim() || '(no version)'}: \`${bin} ${help.join(' ')}\` exit ${shown.status}\n`);
			if (shown.status !== 0 || shown.stdout.trim() === '') {
				process.stdout.write(`  FAIL could not read the help: ${shown.stderr.trim() || shown.error?.message || ''}\n`);
				failures++;
				continue;
			}
			for (const word of [...flagsOf(sampleArgs(name)), ...expectedValues[name]]) {
				const ok = mentions(text, word);
				if (!ok) failures++;
				process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${word}\n`);
			}
		}
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
	process.stdout.write(failures === 0 ? '\nall flags fanout passes exist\n' : `\n${failures} missing\n`);
	return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));

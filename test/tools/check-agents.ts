// `npm run check:agents`: installs the real agent CLIs from the npm registry into a temporary
// folder and checks that every flag (and fixed value) fanout passes them appears in their help,
// subcommands included (`codex exec resume --help` for a resumed Codex task), and that the config
// keys and variables fanout relies on exist in the installed package. Prints each version.
// Not part of `npm test`: it needs the registry. Usage: check-agents.ts [claude] [codex] [gemini]
// (Aider comes from PyPI, which is not reachable here: its adapter keeps to aider's documented flags.)

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {AgentSpec, Plan, Task} from '../../source/plan/types.js';
import {agentInvocation} from '../../source/runner/agents/index.js';

type Checked = 'claude' | 'codex' | 'gemini';

/** One help screen and the invocation whose flags it must list. */
type HelpCheck = {readonly help: readonly string[]; readonly resume: boolean; readonly values: readonly string[]};

const packages: Record<Checked, {readonly pkg: string; readonly bin: string; readonly dirs: readonly string[]; readonly checks: readonly HelpCheck[]; readonly strings: readonly string[]}> = {
	claude: {
		pkg: '@anthropic-ai/claude-code',
		bin: 'claude',
		dirs: ['@anthropic-ai'],
		checks: [
			{help: ['--help'], resume: false, values: ['stream-json', 'acceptEdits']},
			{help: ['--help'], resume: true, values: []},
		],
		strings: [],
	},
	codex: {
		pkg: '@openai/codex',
		bin: 'codex',
		dirs: ['@openai'],
		checks: [
			{help: ['exec', '--help'], resume: false, values: ['workspace-write']},
			{help: ['exec', 'resume', '--help'], resume: true, values: []},
		],
		// `-c sandbox_mode=...` is a config key, not a flag: look for it in the installed binary.
		strings: ['sandbox_mode'],
	},
	gemini: {
		pkg: '@google/gemini-cli',
		bin: 'gemini',
		dirs: ['@google'],
		checks: [{help: ['--help'], resume: false, values: ['stream-json', 'auto_edit']}],
		// The trust variable fanout sets (the flag --skip-trust sets the same variable in 0.61), and
		// what the guard's hook settings rely on: the settings-path variable and the hook keys.
		strings: ['GEMINI_CLI_TRUST_WORKSPACE', 'GEMINI_CLI_SYSTEM_SETTINGS_PATH', 'hooksConfig', 'BeforeTool'],
	},
};

/** A task configured the way the README shows, so model and allow flags are checked too. */
function sampleArgs(agent: Checked, resume: boolean): string[] {
	const spec: AgentSpec = {name: agent, model: 'some-model', allow: ['npm test']};
	const task: Task = {id: 'check', owns: ['src/**'], reads: [], dependsOn: [], env: {}, prompt: 'check', agent: spec};
	const plan: Plan = {name: 'check', pattern: 'custom', ignore: [], verify: [], phases: [{name: 'p', mode: 'parallel', tasks: [task]}]};
	const ctx = {workspace: os.tmpdir(), runDir: os.tmpdir(), guardCommand: ['fanout', 'guard'], ...(resume ? {resumeSessionId: 'session'} : {})};
	const args = [...agentInvocation(task, plan, ctx).args];
	// `exec resume`'s own options follow the subcommand words.
	return agent === 'codex' && resume ? args.slice(2) : args;
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

/** Whether any file under the folders holds the text (plain byte search: bundles and native binaries alike). */
function packageHolds(dirs: readonly string[], text: string): boolean {
	const needle = Buffer.from(text);
	const stack = [...dirs];
	while (stack.length > 0) {
		const dir = stack.pop()!;
		let entries: fs.Dirent[];
		try {
			entries = fs.readdirSync(dir, {withFileTypes: true});
		} catch {
			continue;
		}
		for (const entry of entries) {
			const file = path.join(dir, entry.name);
			if (entry.isDirectory()) stack.push(file);
			else if (entry.isFile() && fs.readFileSync(file).includes(needle)) return true;
		}
	}
	return false;
}

function main(argv: readonly string[]): number {
	const wanted = (argv.length > 0 ? argv : ['claude', 'codex', 'gemini']) as Checked[];
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
	const versions: string[] = [];
	try {
		const pkgs = wanted.map(name => packages[name].pkg);
		process.stdout.write(`installing ${pkgs.join(', ')} into ${dir} ...\n`);
		const install = run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', ...pkgs], env, dir);
		if (install.status !== 0) {
			process.stderr.write(`check-agents: npm install failed (exit ${install.status}):\n${install.stderr}${install.error?.message ?? ''}\n`);
			return 1;
		}
		for (const name of wanted) {
			const {bin, checks, strings, dirs} = packages[name];
			const file = path.join(dir, 'node_modules', '.bin', bin);
			const version = run(file, ['--version'], env, dir).stdout.trim() || '(no version)';
			versions.push(`${bin} ${version}`);
			process.stdout.write(`\n${bin} ${version}\n`);
			for (const check of checks) {
				const shown = run(file, check.help, env, dir);
				const text = `${shown.stdout}\n${shown.stderr}`;
				process.stdout.write(`  \`${bin} ${check.help.join(' ')}\` (${check.resume ? 'resumed task' : 'first run'}): exit ${shown.status}\n`);
				if (shown.status !== 0 || shown.stdout.trim() === '') {
					process.stdout.write(`    FAIL could not read the help: ${shown.stderr.trim() || shown.error?.message || ''}\n`);
					failures++;
					continue;
				}
				for (const word of [...flagsOf(sampleArgs(name, check.resume)), ...check.values]) {
					const ok = mentions(text, word);
					if (!ok) failures++;
					process.stdout.write(`    ${ok ? 'ok  ' : 'FAIL'} ${word}\n`);
				}
			}
			for (const text of strings) {
				const ok = packageHolds(dirs.map(d => path.join(dir, 'node_modules', d)), text);
				if (!ok) failures++;
				process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${text} (in the installed package)\n`);
			}
		}
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
	process.stdout.write(`\nversions: ${versions.join(', ')}\n`);
	process.stdout.write(failures === 0 ? 'all flags fanout passes exist\n' : `${failures} missing\n`);
	return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));

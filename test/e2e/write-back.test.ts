// `--write-back` end to end with the built CLI, headless: a real conflict (a task prints
// FANOUT-NEEDS for a file another task owns) is deferred, and the revision is written back into
// the user's own plan file. Comments and untouched lines stay, a .json plan stays strict JSON,
// the line-by-line difference is the revision's change only, and the old file is kept.

import {strict as assert} from 'node:assert';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {cleanup, runCli, work, workspace} from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

const asker = `if [ -f mine/asked ]; then echo second time; else mkdir -p mine && touch mine/asked && ${work('--lines 1 --needs shared/log.ts')}; fi`;
const owner = work('--lines 2 --write shared/log.ts');

/** Lines of `after` not in `before` and the other way round (multiset difference). */
function lineDiff(before: string, after: string): {added: string[]; removed: string[]} {
	const minus = (a: string[], b: string[]) => {
		const left = [...b];
		return a.filter(line => {
			const i = left.indexOf(line);
			if (i < 0) return true;
			left.splice(i, 1);
			return false;
		});
	};
	const a = before.split('\n');
	const b = after.split('\n');
	return {added: minus(b, a).sort(), removed: minus(a, b).sort()};
}

function runFolder(dir: string): string {
	const [run] = readdirSync(join(dir, '.fanout', 'runs'));
	return join(dir, '.fanout', 'runs', run!);
}

describe('--write-back keeps the user\'s plan file', () => {
	it('a commented YAML plan: comments kept, only the deferral differs, the old file kept', async () => {
		const yaml = `# yaml-language-server: $schema=./plan.schema.json
# Two tasks; asker will need the owner's file.
name: needs
phases:
  # the only phase the author wrote
  - name: one
    tasks:
      - id: asker # asks for shared/log.ts
        owns: [mine/**]
        run: ${JSON.stringify(asker)}

      - id: owner
        # owns the shared folder
        owns: [shared/**]
        run: ${JSON.stringify(owner)}
verify: []
`;
		const dir = workspace(yaml);
		dirs.push(dir);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-conflict', 'defer', '--write-back'], {cwd: dir});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		assert.match(result.stderr, /wrote plan revision 2 back to/);
		const written = readFileSync(join(dir, 'plan.yaml'), 'utf8');
		for (const comment of yaml.split('\n').filter(line => line.includes('#'))) assert.ok(written.includes(comment.trim().startsWith('#') ? comment : comment.split(' #')[1]!), `comment lost: ${comment}\n${written}`);
		assert.doesNotMatch(written, /pattern: custom/);
		const {added, removed} = lineDiff(yaml, written);
		// The blank line between asker and owner goes with asker's move: they are no longer neighbours.
		assert.deepEqual(removed, ['', '        owns: [mine/**]'], written);
		assert.deepEqual(added, ['  - name: one-deferred', '    mode: sequential', '    tasks:', '        owns: [mine/**, shared/log.ts]'].sort(), written);
		assert.equal(readFileSync(join(runFolder(dir), 'plan.before-write-back.yaml'), 'utf8'), yaml);
		// The file written back runs as the plan it says.
		const check = await runCli(['validate', 'plan.yaml'], {cwd: dir});
		assert.equal(check.code, 0, check.stdout);
	});

	it('a JSON plan stays strict JSON with its indentation; only the deferral differs', async () => {
		const json = `{
    "name": "needs",
    "phases": [
        {
            "name": "one",
            "tasks": [
                {"id": "asker", "owns": ["mine/**"], "run": ${JSON.stringify(asker)}},
                {"id": "owner", "owns": ["shared/**"], "run": ${JSON.stringify(owner)}}
            ]
        }
    ]
}
`;
		const dir = workspace('');
		dirs.push(dir);
		writeFileSync(join(dir, 'plan.json'), json);
		const result = await runCli(['run', 'plan.json', '--headless', '--yes', '--on-conflict', 'defer', '--write-back'], {cwd: dir});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const written = readFileSync(join(dir, 'plan.json'), 'utf8');
		const value = JSON.parse(written) as {phases: {name: string; tasks: {id: string; owns: string[]}[]}[]};
		assert.deepEqual(value.phases.map(p => [p.name, p.tasks.map(t => t.id)]), [['one', ['owner']], ['one-deferred', ['asker']]]);
		const {added, removed} = lineDiff(json, written);
		assert.deepEqual(removed, [`                {"id": "asker", "owns": ["mine/**"], "run": ${JSON.stringify(asker)}},`], written);
		assert.deepEqual(
			added,
			[
				'            ]',
				'        },',
				'        {',
				'            "name": "one-deferred",',
				'            "mode": "sequential",',
				'            "tasks": [',
				`                {"id": "asker", "owns": ["mine/**", "shared/log.ts"], "run": ${JSON.stringify(asker)}}`,
			].sort(),
			written,
		);
		assert.equal(readFileSync(join(runFolder(dir), 'plan.before-write-back.json'), 'utf8'), json);
	});
});

/**
 * The GitHub workflows are checked, not only written: both validate against GitHub's workflow
 * schema (action-validator, offline: its schema is compiled into its WebAssembly), and the rules a
 * verifiable release depends on hold (docs/releasing.md). Each rule is also run against a broken
 * copy of publish.yml, so a rule that could never fire would fail here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const publishYml = read('.github/workflows/publish.yml');
const ciYml = read('.github/workflows/ci.yml');
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string>; publishConfig?: Record<string, unknown> };

type Step = { name?: string; run?: string; uses?: string; 'continue-on-error'?: unknown };
type Job = { needs?: string | string[]; if?: string; permissions?: Record<string, string> | string; steps?: Step[]; 'continue-on-error'?: unknown };
type Workflow = { on?: Record<string, unknown>; permissions?: Record<string, string> | string; jobs: Record<string, Job> };

/** A `run` line that publishes for real (not a dry run). */
const publishes = (run = '') =>
	run.split('\n').some((line) => /\b(npm publish|n8n-node release|npm run release)\b/.test(line) && !/--dry-run\b/.test(line));

/** Every job `name` waits for, directly or through other jobs. */
function upstream(workflow: Workflow, name: string, seen = new Set<string>()): Set<string> {
	const needs = workflow.jobs[name]?.needs;
	for (const need of needs === undefined ? [] : Array.isArray(needs) ? needs : [needs]) {
		if (seen.has(need)) continue;
		seen.add(need);
		upstream(workflow, need, seen);
	}
	return seen;
}

const idTokenWrite = (permissions: Job['permissions']) =>
	permissions === 'write-all' || (typeof permissions === 'object' && permissions?.['id-token'] === 'write');

/** What is wrong with a publishing workflow; an empty list when nothing is. */
function publishProblems(source: string): string[] {
	const problems = validateWorkflow(source).errors.map((error) => `schema: ${error.title} ${'path' in error ? error.path : ''} ${error.detail ?? ''}`);
	const workflow = parse(source) as Workflow;
	const triggers = Object.keys(workflow.on ?? {});
	if (triggers.some((trigger) => trigger !== 'push')) problems.push(`publishes on ${triggers.join(', ')}, not only on a pushed tag`);
	const push = (workflow.on?.push ?? {}) as { tags?: string[]; branches?: string[] };
	if (!push.tags?.length || push.branches) problems.push('publishes on something other than a version tag');
	if (/\bsecrets\./.test(source)) problems.push('uses a stored secret: Trusted Publishing needs none');

	const publishing = Object.entries(workflow.jobs).filter(([, job]) => (job.steps ?? []).some((step) => publishes(step.run)));
	if (publishing.length === 0) problems.push('nothing publishes');
	for (const [name, job] of publishing) {
		const permissions = job.permissions ?? workflow.permissions;
		if (!idTokenWrite(permissions)) problems.push(`${name}: no "id-token: write" (Trusted Publishing and provenance need it)`);
		if (job.if && /always\(\)|failure\(\)|cancelled\(\)/.test(job.if)) problems.push(`${name}: runs even when an earlier job failed (if: ${job.if})`);
		const steps = job.steps ?? [];
		const at = steps.findIndex((step) => publishes(step.run));
		for (const step of steps.filter((candidate) => publishes(candidate.run))) {
			if (!/--provenance\b/.test(step.run ?? '')) problems.push(`${name}: "${step.run?.trim()}" publishes without --provenance`);
		}
		// What has run, and must have passed, before the publish step: the jobs it waits for and its own earlier steps.
		const before = [...upstream(workflow, name)].flatMap((need) => {
			const upstreamJob = workflow.jobs[need];
			if (!upstreamJob) problems.push(`${name}: needs the unknown job ${need}`);
			return upstreamJob?.['continue-on-error'] ? [] : (upstreamJob?.steps ?? []);
		});
		const gates = [...before, ...steps.slice(0, at)].filter((step) => !step['continue-on-error']).map((step) => step.run ?? '');
		for (const [label, pattern] of [
			['lint', /\bnpm run lint\b/],
			['the tests', /\bnpm test\b/],
			['the verification checks', /\bnpm run verify\b/],
		] as const) {
			if (!gates.some((run) => pattern.test(run))) problems.push(`${name}: publishes before ${label} ran and passed`);
		}
	}
	return problems;
}

describe('.github/workflows', () => {
	it('both workflows validate against GitHub’s workflow schema', () => {
		expect(validateWorkflow(ciYml).errors).toEqual([]);
		expect(validateWorkflow(publishYml).errors).toEqual([]);
	});

	it('publish.yml publishes only from a version tag, with id-token: write and provenance, after lint, tests and verify passed', () => {
		expect(publishProblems(publishYml)).toEqual([]);
	});

	it('publish.yml publishes the tarball the check job packed and dry-ran, and checks the tag against package.json', () => {
		const workflow = parse(publishYml) as Workflow;
		const runs = Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.run ?? ''));
		expect(runs.some((run) => /npm pack --pack-destination release/.test(run))).toBe(true);
		expect(runs.some((run) => /npm publish --dry-run release\/\*\.tgz/.test(run))).toBe(true);
		expect(runs.some((run) => /npm publish release\/\*\.tgz --provenance/.test(run))).toBe(true);
		expect(runs.some((run) => run.includes('"$GITHUB_REF_NAME" != "v$version"'))).toBe(true);
	});

	it('each rule fires on a publish.yml that breaks it', () => {
		const broken = (from: string, to: string) => {
			expect(publishYml).toContain(from);
			return publishProblems(publishYml.replace(from, to));
		};
		expect(broken('      id-token: write\n', '')).toEqual([expect.stringContaining('no "id-token: write"')]);
		expect(broken('npm publish release/*.tgz --provenance --access public', 'npm publish release/*.tgz --access public')).toEqual([
			expect.stringContaining('without --provenance'),
		]);
		expect(broken('    needs: check\n', '')).toEqual([
			expect.stringContaining('before lint'),
			expect.stringContaining('before the tests'),
			expect.stringContaining('before the verification checks'),
		]);
		expect(broken('    needs: check\n', '    needs: check\n    if: always()\n')).toEqual([expect.stringContaining('runs even when')]);
		expect(broken('        run: npm test\n', '        run: npm test\n        continue-on-error: true\n')).toEqual([
			expect.stringContaining('before the tests'),
		]);
		expect(broken('on:\n  push:\n', 'on:\n  pull_request:\n  push:\n')).toEqual([expect.stringContaining('not only on a pushed tag')]);
		expect(broken('    runs-on: ubuntu-24.04\n', '    runs_on: ubuntu-24.04\n')[0]).toMatch(/^schema: /);
	});

	it('ci.yml runs .ci/run on pushes and pull requests, without publish rights', () => {
		const workflow = parse(ciYml) as Workflow;
		expect(Object.keys(workflow.on ?? {}).sort()).toEqual(['pull_request', 'push']);
		const jobs = Object.values(workflow.jobs);
		expect(jobs.flatMap((job) => (job.steps ?? []).map((step) => step.run))).toContain('bash .ci/run');
		expect(jobs.some((job) => idTokenWrite(job.permissions ?? workflow.permissions))).toBe(false);
		expect(jobs.flatMap((job) => job.steps ?? []).some((step) => publishes(step.run))).toBe(false);
	});

	it('CI dry-runs the publish of the exact tarball it packed', () => {
		expect(read('.ci/run')).toMatch(/npm publish --dry-run "\$tarball"/);
	});

	it('package.json: npm itself refuses a publish without provenance, and npm test lints and builds first', () => {
		expect(packageJson.publishConfig).toEqual({ access: 'public', provenance: true });
		expect(packageJson.scripts.test).toMatch(/^npm run lint && npm run build && /);
	});
});

/**
 * The project's public identity is defined once, in package.json (repository.url, homepage,
 * bugs.url, author): npm's provenance check compares repository.url with the repository the
 * publish workflow runs in, and n8n's verification compares it with the GitHub repository and its
 * author. Everything else that names the project must agree with it: the credential's
 * documentationUrl, the codex files' documentation links (and their README anchors), and every
 * link to the project in README.md, docs/*.md and the example workflows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { SeedreamApi } from '../../credentials/SeedreamApi.credentials';
import { headingAnchors } from '../helpers/markdown';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as {
	name: string;
	homepage: string;
	bugs?: { url?: string };
	author: { name?: string; email?: string };
	repository: { type: string; url: string };
};

/** The identity, as package.json states it. */
const repositoryMatch = /^git\+(https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+))\.git$/.exec(manifest.repository.url);
const REPOSITORY = repositoryMatch?.[1] ?? '';
const OWNER = repositoryMatch?.[2] ?? '';

function filesUnder(dir: string, test: (path: string) => boolean): string[] {
	return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return filesUnder(path, test);
		return test(path) ? [path] : [];
	});
}

const readmeAnchors = headingAnchors(read('README.md'));

/** A documentation link of the project: the repository page or one of README's sections. */
function documentationProblem(url: string): string | undefined {
	if (url === REPOSITORY) return undefined;
	if (!url.startsWith(`${REPOSITORY}#`)) return `${url} is not ${REPOSITORY} or one of its README sections`;
	const anchor = url.slice(REPOSITORY.length + 1);
	if (anchor !== 'readme' && !readmeAnchors.has(anchor)) return `${url}: README.md has no heading with the anchor #${anchor}`;
	return undefined;
}

describe('public identity (package.json)', () => {
	it('package.json names a public GitHub repository, its README as homepage, its issues and an author', () => {
		expect(REPOSITORY).toMatch(/^https:\/\/github\.com\//);
		expect(manifest.repository.type).toBe('git');
		expect(REPOSITORY.split('/').pop()).toBe(manifest.name);
		expect(manifest.homepage).toBe(`${REPOSITORY}#readme`);
		expect(manifest.bugs?.url).toBe(`${REPOSITORY}/issues`);
		expect(manifest.author.name?.trim()).toBeTruthy();
		expect(manifest.author.email).toMatch(/^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i);
	});

	it('the credential’s documentationUrl is a README section of that repository', () => {
		expect(documentationProblem(new SeedreamApi().documentationUrl)).toBeUndefined();
	});

	it('every codex file’s documentation links are README sections of that repository', () => {
		const codexFiles = filesUnder('nodes', (path) => path.endsWith('.node.json'));
		expect(codexFiles.length).toBeGreaterThan(0);
		const problems: string[] = [];
		for (const path of codexFiles) {
			const codex = JSON.parse(read(path)) as { node: string; resources?: Record<string, Array<{ url: string }>> };
			expect(codex.node.startsWith(`${manifest.name}.`)).toBe(true);
			const urls = Object.values(codex.resources ?? {}).flatMap((links) => links.map((link) => link.url));
			expect(urls.length).toBeGreaterThan(0);
			for (const url of urls) {
				const problem = documentationProblem(url);
				if (problem) problems.push(`${path}: ${problem}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('README, docs and examples link to the project only at that repository and its npm package', () => {
		const files = ['README.md', ...filesUnder('docs', (path) => path.endsWith('.md')), ...filesUnder('examples', (path) => path.endsWith('.json'))];
		const problems: string[] = [];
		for (const path of files) {
			const text = read(path);
			for (const [url, owner, repo] of text.matchAll(/https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)[^\s)"'<>`]*/g)) {
				// A link to this project: its repository name or its owner. Links to other projects (n8n, the vendor) are theirs.
				const ours = repo.replace(/\.git$/, '') === manifest.name || owner === OWNER;
				if (ours && url !== REPOSITORY && !url.startsWith(`${REPOSITORY}/`) && !url.startsWith(`${REPOSITORY}#`)) {
					problems.push(`${relative(root, join(root, path))}: ${url}`);
				}
				if (ours && url.startsWith(`${REPOSITORY}#`) && path === 'README.md') {
					const problem = documentationProblem(url);
					if (problem) problems.push(`README.md: ${problem}`);
				}
			}
			for (const [url, name] of text.matchAll(/https:\/\/(?:www\.)?npmjs\.com\/package\/((?:@[\w.-]+\/)?[\w.-]+)/g)) {
				if (name.includes('seedream') && name !== manifest.name) problems.push(`${path}: ${url} is not ${manifest.name}`);
			}
		}
		expect(problems).toEqual([]);
	});
});

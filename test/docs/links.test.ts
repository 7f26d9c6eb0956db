/**
 * The README and the pages under docs/ link to each other and to their own sections. Moving a section must not
 * leave a link pointing nowhere: every relative link names a file that exists, and every #anchor names a heading
 * of the page it points into (anchors as GitHub renders them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { githubAnchor, headingAnchors, withoutCode } from '../helpers/markdown';

const repo = resolve(__dirname, '..', '..');
const pages = ['README.md', ...readdirSync(join(repo, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

function anchorsOf(file: string): Set<string> {
	return headingAnchors(readFileSync(join(repo, file), 'utf8'));
}

function linksOf(file: string): string[] {
	const text = withoutCode(readFileSync(join(repo, file), 'utf8'));
	const links = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
	return links.filter((link) => !/^[a-z]+:/i.test(link));
}

describe('documentation links', () => {
	it('computes anchors the way GitHub does', () => {
		expect(githubAnchor('Callbacks: wait without keeping n8n busy')).toBe('callbacks-wait-without-keeping-n8n-busy');
		expect(githubAnchor('Values from expressions (sheets, previous nodes, AI agents)')).toBe('values-from-expressions-sheets-previous-nodes-ai-agents');
		expect(githubAnchor('`size` as `WxH`')).toBe('size-as-wxh');
	});

	it.each(pages)('%s: every relative link and #anchor resolves', (page) => {
		const broken: string[] = [];
		for (const link of linksOf(page)) {
			const [path, anchor] = link.split('#');
			const target = path ? relative(repo, resolve(join(repo, dirname(page)), path)) : page;
			if (!existsSync(join(repo, target))) {
				broken.push(`${link}: ${target} does not exist`);
				continue;
			}
			if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
				broken.push(`${link}: ${target} has no heading for #${anchor}`);
			}
		}
		expect(broken).toEqual([]);
	});
});

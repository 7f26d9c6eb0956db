/**
 * n8n's UX guidelines for verified community nodes (n8n-docs
 * `integrations/creating-nodes/build/reference/ux-guidelines.md`, "Copy", and the text-style table of
 * `plan/node-ui-design.md`), over every parameter and option both nodes declare, in every display
 * variant:
 * - Title Case: node name, parameter display names, dropdown option names, operation names, subtitle.
 * - Sentence case: operation actions (without articles, naming the resource), descriptions, hints.
 * - Placeholders of example content start with "e.g."; boolean descriptions start with "Whether".
 * - Notices (info boxes): no period after one sentence, a period after several.
 * The lint (n8n-nodes-base) checks some of these per literal; this checks the declarations as
 * n8n receives them, including the ones built by helper functions.
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { SeedreamTrigger } from '../../nodes/SeedreamTrigger/SeedreamTrigger.node';

const descriptions: INodeTypeDescription[] = [new Seedream().description, new SeedreamTrigger().description];

/** Lower-case words Title Case keeps lower case (articles, short conjunctions and prepositions). */
const SMALL_WORDS = new Set(['a', 'an', 'the', 'and', 'or', 'nor', 'but', 'for', 'of', 'to', 'in', 'into', 'on', 'at', 'by', 'with', 'from', 'per', 'as', 'vs', 'x']);
/** Names that keep their capitals inside sentence-case text. */
const PROPER_NOUNS = new Set(['Seedream', 'SeedEdit', 'Ace', 'Data', 'Cloud', 'ByteDance', 'Doubao', 'Pro', 'Lite', 'Base64', 'JSON', 'PNG', 'JPEG', 'URL', 'URLs', 'ID', 'IDs']);

const words = (text: string) =>
	text
		.split(/[\s/-]+/)
		.map((word) => word.replace(/^[("'“]+|[)"'”:,.;?!]+$/g, ''))
		.filter(Boolean);
const startsUpper = (word: string) => /^\p{Lu}/u.test(word);
const isAcronymOrNumber = (word: string) => /^[\p{Lu}\d.×x]+s?$/u.test(word) || /\d/.test(word);

function titleCaseProblem(text: string): string | undefined {
	const bad = words(text).filter((word, index) => {
		if (!/^\p{L}/u.test(word) || isAcronymOrNumber(word)) return false;
		if (index > 0 && SMALL_WORDS.has(word)) return false;
		return !startsUpper(word);
	});
	return bad.length ? `"${text}" is not Title Case (${bad.join(', ')})` : undefined;
}

function sentenceCaseProblem(text: string): string | undefined {
	const list = words(text);
	if (!list.length || !/^[\p{Lu}\d"'(<]/u.test(text.trim())) return `"${text}" does not start like a sentence`;
	return undefined;
}

/** Sentence case with nothing capitalised after the first word but names: what an action label must be. */
function strictSentenceCaseProblem(text: string): string | undefined {
	const problem = sentenceCaseProblem(text);
	if (problem) return problem;
	const bad = words(text)
		.slice(1)
		.filter((word) => startsUpper(word) && !PROPER_NOUNS.has(word) && !isAcronymOrNumber(word));
	return bad.length ? `"${text}" is not sentence case (${bad.join(', ')})` : undefined;
}

type Finding = string;

function checkOptions(path: string, parameter: INodeProperties, resources: INodePropertyOptions[], findings: Finding[]) {
	for (const option of (parameter.options ?? []) as INodePropertyOptions[]) {
		const where = `${path} › ${option.name}`;
		const title = titleCaseProblem(String(option.name));
		if (title) findings.push(`${where}: option name ${title}`);
		if (option.description !== undefined && option.description !== '' && !/^doubao-/.test(option.description)) {
			const sentence = sentenceCaseProblem(option.description);
			if (sentence) findings.push(`${where}: description ${sentence}`);
		}
		if (parameter.name !== 'operation') continue;
		if (!option.description) findings.push(`${where}: an operation needs a description`);
		if (!option.action) {
			findings.push(`${where}: an operation needs an action`);
			continue;
		}
		const action = strictSentenceCaseProblem(option.action);
		if (action) findings.push(`${where}: action ${action}`);
		const articles = words(option.action).filter((word) => /^(a|an|the)$/i.test(word));
		if (articles.length) findings.push(`${where}: action "${option.action}" has articles (${articles.join(', ')}); omit them`);
		// "Repeat the resource": the resource (or, for Get Many, its plural) is named in the action.
		const shown = (parameter.displayOptions?.show?.resource ?? []) as string[];
		const nouns = resources.filter((resource) => shown.includes(String(resource.value))).map((resource) => resource.name.toLowerCase());
		if (nouns.length && !nouns.some((noun) => new RegExp(`\\b${noun}s?\\b`).test(option.action!.toLowerCase()))) {
			findings.push(`${where}: action "${option.action}" does not name its resource (${nouns.join(', ')})`);
		}
	}
}

function checkParameter(path: string, parameter: INodeProperties, resources: INodePropertyOptions[], findings: Finding[]) {
	const where = `${path} › ${parameter.displayName.slice(0, 60)}`;
	if (parameter.type === 'notice') {
		const text = parameter.displayName.replace(/<[^>]+>/g, '').trim();
		const sentence = sentenceCaseProblem(text);
		if (sentence) findings.push(`${where}: notice ${sentence}`);
		const sentences = text.split(/(?<!\be\.g)(?<=[a-z0-9)"'])[.!?]\s+(?=[\p{Lu}"'])/u).length;
		if (sentences > 1 && !/[.!?]$/.test(text)) findings.push(`${where}: a notice of several sentences ends with a period`);
		if (sentences === 1 && /\.$/.test(text)) findings.push(`${where}: a one-sentence notice has no period`);
		return;
	}
	const title = titleCaseProblem(parameter.displayName);
	if (title) findings.push(`${where}: display name ${title}`);
	if (parameter.description) {
		const sentence = sentenceCaseProblem(parameter.description);
		if (sentence) findings.push(`${where}: description ${sentence}`);
	}
	if (parameter.hint) {
		const sentence = sentenceCaseProblem(parameter.hint);
		if (sentence) findings.push(`${where}: hint ${sentence}`);
	}
	if (parameter.type === 'boolean' && !/^Whether\b/.test(parameter.description ?? '')) {
		findings.push(`${where}: a boolean description starts with "Whether"`);
	}
	const isAddButton = parameter.type === 'collection' || parameter.type === 'fixedCollection';
	if (parameter.placeholder && !isAddButton && !/^e\.g\. /.test(parameter.placeholder)) {
		findings.push(`${where}: placeholder "${parameter.placeholder}" does not start with "e.g."`);
	}
	if (isAddButton && parameter.placeholder) {
		const button = titleCaseProblem(parameter.placeholder);
		if (button) findings.push(`${where}: button ${button}`);
	}
	if (parameter.type === 'options' || parameter.type === 'multiOptions') checkOptions(where, parameter, resources, findings);
	if (parameter.type === 'collection') {
		for (const child of (parameter.options ?? []) as INodeProperties[]) checkParameter(where, child, resources, findings);
	}
	if (parameter.type === 'fixedCollection') {
		for (const group of (parameter.options ?? []) as INodePropertyCollection[]) {
			const groupTitle = titleCaseProblem(group.displayName);
			if (groupTitle) findings.push(`${where} › ${group.displayName}: ${groupTitle}`);
			for (const child of group.values) checkParameter(`${where} › ${group.displayName}`, child, resources, findings);
		}
	}
}

function findingsFor(description: INodeTypeDescription): Finding[] {
	const findings: Finding[] = [];
	const node = description.displayName;
	const nodeTitle = titleCaseProblem(node);
	if (nodeTitle) findings.push(`${node}: node name ${nodeTitle}`);
	const nodeDescription = sentenceCaseProblem(description.description);
	if (nodeDescription) findings.push(`${node}: node description ${nodeDescription}`);
	if (description.subtitle && !description.subtitle.startsWith('=')) {
		const subtitle = titleCaseProblem(description.subtitle);
		if (subtitle) findings.push(`${node}: subtitle ${subtitle}`);
	}
	const resources = (description.properties.find((parameter) => parameter.name === 'resource')?.options ?? []) as INodePropertyOptions[];
	for (const parameter of description.properties) checkParameter(node, parameter, resources, findings);
	return findings;
}

describe('UX guidelines: names, actions, descriptions', () => {
	it.each(descriptions.map((description) => [description.displayName, description] as const))('%s follows them', (_, description) => {
		expect(findingsFor(description)).toEqual([]);
	});

	it('every operation has an action and a description (so the check above has something to check)', () => {
		const operations = descriptions.flatMap((description) =>
			description.properties.filter((parameter) => parameter.name === 'operation').flatMap((parameter) => parameter.options as INodePropertyOptions[]),
		);
		expect(operations.map((operation) => operation.action)).toEqual([
			'Decompose image into layers',
			'Edit image',
			'Generate image',
			'Get task',
			'Get many tasks',
			'Wait for tasks to complete',
		]);
	});

	it('each rule fires on a description that breaks it', () => {
		const base = new Seedream().description;
		const broken = (change: (properties: INodeProperties[]) => void) => {
			const copy = JSON.parse(JSON.stringify(base)) as INodeTypeDescription;
			change(copy.properties);
			return findingsFor(copy);
		};
		const operation = (properties: INodeProperties[]) =>
			(properties.find((parameter) => parameter.name === 'operation')!.options as INodePropertyOptions[]).find((option) => option.value === 'generate')!;
		expect(broken((properties) => (operation(properties).action = 'Generate an image'))).toEqual([expect.stringContaining('has articles (an)')]);
		expect(broken((properties) => (operation(properties).action = 'Generate Image'))).toEqual([expect.stringContaining('is not sentence case (Image)')]);
		expect(broken((properties) => (operation(properties).action = 'Generate picture'))).toEqual([expect.stringContaining('does not name its resource')]);
		expect(broken((properties) => (operation(properties).name = 'generate now'))).toEqual([expect.stringContaining('is not Title Case (generate, now)')]);
		expect(broken((properties) => (operation(properties).description = 'create an image'))).toEqual([expect.stringContaining('does not start like a sentence')]);
		expect(broken((properties) => (properties.find((parameter) => parameter.name === 'prompt')!.placeholder = 'A lighthouse'))).toEqual(
			expect.arrayContaining([expect.stringContaining('does not start with "e.g."')]),
		);
		expect(
			broken((properties) => {
				const options = properties.find((parameter) => parameter.type === 'collection')!.options as INodeProperties[];
				options.find((parameter) => parameter.type === 'boolean')!.description = 'Receives images one by one';
			}),
		).toEqual(expect.arrayContaining([expect.stringContaining('starts with "Whether"')]));
		expect(broken((properties) => (properties.find((parameter) => parameter.name === 'prompt')!.displayName = 'Prompt text'))).toEqual(
			expect.arrayContaining([expect.stringContaining('is not Title Case (text)')]),
		);
	});
});

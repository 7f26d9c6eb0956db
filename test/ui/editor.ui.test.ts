/**
 * The n8n editor in a real browser (issues 12, 21, 24): `n8n start` (2.41.1) with this package
 * installed from its tarball, Debian's Chromium driven by playwright-core, the bundled mock API.
 *
 * What a person sees in the node panels is checked against the API contract, not against the
 * node: the models each operation lists, their Size presets, pixel ranges and Add Option lists
 * come from the mock's fact sheet (`mock/contract.ts`, restated from docs/api-contract.md), and
 * the test looks for the labels a user reads. Nothing here imports from `nodes/`, so a wrong fact
 * in the node's capability table fails this suite.
 *
 * One editor session: one workflow holds every node the suite opens (Generate, Edit with a binary
 * reference, a Task node, the Seedream Trigger, two nodes whose Model is an expression); models,
 * operations and sizes are switched through the panel, as a person would, without reloading.
 * Screenshots: the README's pictures go to SEEDREAM_UI_SHOTS (`npm run docs:images` sets it to
 * docs/images); every other picture, and one taken when a step fails, to a temp folder.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import {
	CONTRACT_LIMITS,
	CONTRACT_MODELS,
	DECOMPOSITION_EXCLUDES,
	RETIRED_ON,
	takes,
	type ContractModel,
	type ModelField,
} from '../../mock/contract';
import { startMockServer, type MockServer } from '../../mock/server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHROMIUM_ARGS, ensureChromium } = require('../../scripts/ui/chromium.cjs');

/** The README's pictures (names without .png) and where they are written. */
const README_PICTURES = new Set([
	'model-doubao-seedream-5-0-pro-260628',
	'model-doubao-seedream-5-0-lite-260128',
	'options-doubao-seedream-5-0-pro-260628',
	'options-doubao-seedream-5-0-lite-260128',
	'execute-step-binary',
	'edit-binary-reference',
	'task-wait-for-completion',
	'credential-a-wrong-token',
]);
const SHOTS = process.env.SEEDREAM_UI_SHOTS ?? mkdtempSync(join(tmpdir(), 'seedream-ui-shots-'));
const OTHER_SHOTS = process.env.SEEDREAM_UI_SHOTS ? mkdtempSync(join(tmpdir(), 'seedream-ui-shots-')) : SHOTS;
mkdirSync(SHOTS, { recursive: true });

/**
 * The labels a user reads for the request fields that differ between models (§1.4, §1.5). The
 * model-independent fields (`image`, `layer_decomposition`) are operations and fields of their
 * own, checked below.
 */
const OPTION_LABELS: Partial<Record<ModelField, string>> = {
	output_format: 'Output Format',
	tools: 'Web Search',
	optimize_prompt_options: 'Prompt Optimization',
	seed: 'Seed',
	guidance_scale: 'Guidance Scale',
	sequential_image_generation: 'Max Images (Image Set)',
	stream: 'Stream Images',
	background: 'Background',
};
const CUSTOM_SIZE = 'Custom Width and Height';
const CUSTOM_MODEL = 'Custom Model ID';

type ImageOperation = 'generate' | 'edit' | 'decomposeLayers';

/** Which models an operation can use, by the contract. */
const OPERATION_MODELS: Record<ImageOperation, (model: ContractModel) => boolean> = {
	// §1.5: SeedEdit refuses a call without a reference image, so it cannot generate from text.
	generate: (model) => !model.requiresReference,
	// §1.4: editing is a generate call with `image` set; 3.0 text-to-image takes no reference.
	edit: (model) => takes(model, 'image'),
	// §1.4 rule 6: Pro only.
	decomposeLayers: (model) => takes(model, 'layer_decomposition'),
};

/**
 * Whether an option is offered for a model in an operation: true or false where the contract
 * decides, undefined where it does not. Background is single-image editing (§1.4 rule 5):
 * Generate sends no reference, so it would always be refused there. Decomposition excludes image
 * sets, streaming, tools and background (§1.4 rule 6); whether the model's other fields
 * (`output_format`, prompt optimisation) work with it the contract does not say (§2.1 fixes the
 * layers' formats), so their presence there is not checked.
 */
function offersOption(model: ContractModel, operation: ImageOperation, field: ModelField): boolean | undefined {
	if (!takes(model, field)) return false;
	if (field === 'background') return operation === 'edit';
	if (operation === 'decomposeLayers') return DECOMPOSITION_EXCLUDES.includes(field) ? false : undefined;
	return true;
}

/** The Model list of an operation as the contract orders it: current models first, each older id after its model, retired ones last. */
function expectedModelList(operation: ImageOperation) {
	const models = CONTRACT_MODELS.filter(OPERATION_MODELS[operation]);
	return [...models.filter((model) => !model.retired), ...models.filter((model) => model.retired)].flatMap((model) => [
		{ model, id: model.id, older: false },
		...model.olderIds.map((id) => ({ model, id, older: true })),
	]);
}

const pixels = (count: number) => count.toLocaleString('en-US');

const TRIGGER_WEBHOOK_ID = '5d1e6c2a-0b7e-4c55-9a51-5eed0ea11a11';

let mock: MockServer;
let server: { url: string; stop(): Promise<void> };
let browser: Browser;
let page: Page;
let referenceImageUrl: string;

function workflow() {
	const credentials = { seedreamApi: { id: 'seedreamUiCred', name: 'Seedream API' } };
	const seedream = (name: string, position: [number, number], parameters: Record<string, unknown>) => ({
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type: runtime.NODE_TYPE,
		typeVersion: 1,
		position,
		parameters,
		credentials,
	});
	const main = (...targets: string[]) => ({ main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] });
	return {
		name: 'UI: every Seedream panel',
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			// Seedream 4.0 at 4K, a preset 5.0 Pro lacks: the first model switch must say so.
			seedream('Generate', [260, 0], { resource: 'image', operation: 'generate', mode: 'sync', model: 'doubao-seedream-4-0-250828', size: '4K', prompt: 'A lighthouse at dusk' }),
			seedream('Wait for Completion', [520, 0], { resource: 'task', operation: 'get' }),
			{
				id: 'product-photo',
				name: 'Product Photo',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [260, 220],
				parameters: { url: referenceImageUrl, options: { response: { response: { responseFormat: 'file' } } } },
			},
			seedream('Edit', [520, 220], {
				resource: 'image',
				operation: 'edit',
				mode: 'sync',
				model: 'doubao-seedream-5-0-pro-260628',
				prompt: 'Put the product on a beach at sunset, keep it unchanged',
				referenceBinaryProperties: 'data',
			}),
			seedream('Model from an Expression', [260, 440], { resource: 'image', operation: 'generate', mode: 'sync', model: '={{ "doubao-seedream-4.5" }}', size: '2K', prompt: 'A lighthouse' }),
			seedream('Model from the Input Item', [520, 440], { resource: 'image', operation: 'generate', mode: 'sync', model: '={{ $json.model }}', size: '={{ $json.size }}', prompt: 'A lighthouse' }),
			{
				id: 'seedream-trigger',
				name: 'Seedream Trigger',
				type: runtime.TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 660],
				parameters: {},
				webhookId: TRIGGER_WEBHOOK_ID,
				credentials,
			},
		],
		connections: {
			Start: main('Generate', 'Product Photo', 'Model from an Expression', 'Model from the Input Item'),
			Generate: main('Wait for Completion'),
			'Product Photo': main('Edit'),
		},
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	const { executablePath } = ensureChromium((text: string) => process.stdout.write(`${text}\n`));
	mock = await startMockServer({});
	// A product photo for the Edit node's HTTP Request to fetch, as a user would have one online.
	const created = await fetch(`${mock.url}/seedream/images`, {
		method: 'POST',
		headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
		body: JSON.stringify({ model: 'doubao-seedream-4-0-250828', prompt: 'A product photo', size: '1K' }),
	});
	referenceImageUrl = ((await created.json()) as { data: Array<{ image_url: string }> }).data[0].image_url;
	const started = await runtime.startServerWithWorkflows({
		workflows: [],
		credentials: [{ id: 'seedreamUiCred', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
		line: 2,
		log: (text: string) => process.stdout.write(`${text}\n`),
	});
	server = started.server;
	const cookie: string = await runtime.ownerSession(server);
	// Created over the editor's REST API, as the editor's own "new workflow" does: one request, no CLI start.
	const response = await fetch(`${server.url}/rest/workflows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify(workflow()),
	});
	if (!response.ok) throw new Error(`creating the workflow answered ${response.status}: ${await response.text()}`);
	const { data } = (await response.json()) as { data: { id: string } };
	browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	const [name, ...value] = cookie.split('=');
	await context.addCookies([{ name, value: value.join('='), url: server.url }]);
	page = await context.newPage();
	page.setDefaultTimeout(60_000);
	await page.goto(`${server.url}/workflow/${data.id}`);
	await page.locator('[data-test-id="canvas-node"][data-node-name="Generate"]').waitFor();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await mock?.close();
});

// ---- What a person does in the editor ----

let openNodeName: string | undefined;
const parameters = () => page.locator('[data-test-id="node-parameters"]');
const dropdownItems = () => page.locator('.el-select-dropdown__item:visible');
const input = (parameter: string) => page.locator(`[data-test-id="parameter-input-${parameter}"]`);

async function shot(name: string) {
	await page.screenshot({ path: join(README_PICTURES.has(name) ? SHOTS : OTHER_SHOTS, `${name}.png`) });
}

/** Runs a step; when it fails, keeps a picture of the editor at that moment. */
async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
	try {
		return await action();
	} catch (error) {
		await page.screenshot({ path: join(OTHER_SHOTS, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
		process.stdout.write(`Failed at "${name}"; pictures in ${OTHER_SHOTS}\n`);
		throw error;
	}
}

/** Closes what a failed step may have left open: a dropdown, then the node panel. */
async function closeNode() {
	if (await dropdownItems().first().isVisible()) await page.keyboard.press('Escape');
	if (await parameters().isVisible()) {
		await page.locator('[data-test-id="ndv-close-button"]').click();
		await parameters().waitFor({ state: 'hidden' });
	}
	openNodeName = undefined;
}

/** Opens a node's panel as a person double-clicking it on the canvas. */
async function openNode(nodeName: string) {
	if (openNodeName === nodeName && (await parameters().isVisible())) return;
	await closeNode();
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	// The canvas ignores a double-click while it is still laying out.
	for (let attempt = 0; attempt < 10 && !(await parameters().isVisible()); attempt++) {
		await node.dblclick({ force: true });
		await parameters().waitFor({ timeout: 2_000 }).catch(() => undefined);
	}
	await parameters().waitFor();
	openNodeName = nodeName;
}

/** Every entry of the open dropdown: its name and the description line(s) under it. */
async function readDropdown(): Promise<Array<{ name: string; detail: string }>> {
	await dropdownItems().first().waitFor();
	return await dropdownItems().evaluateAll((elements) =>
		elements.map((element) => {
			const lines = ((element as unknown as { innerText?: string }).innerText ?? '')
				.split('\n')
				.map((line) => line.trim())
				.filter(Boolean);
			return { name: lines[0] ?? '', detail: lines.slice(1).join(' ') };
		}),
	);
}

async function closeDropdown() {
	await page.keyboard.press('Escape');
	await dropdownItems().first().waitFor({ state: 'hidden' });
}

/** Opens a parameter's dropdown and reads all of its entries at once (left open). */
async function openDropdown(parameter: string) {
	await input(parameter).first().click();
	return await readDropdown();
}

/** Clicks the entry `which` picks in the open dropdown and waits until the list is gone. */
async function pick(which: (entry: { name: string; detail: string }) => boolean, what: string) {
	const entries = await readDropdown();
	const index = entries.findIndex(which);
	if (index < 0) throw new Error(`no entry ${what} in ${JSON.stringify(entries.map((entry) => entry.name))}`);
	await dropdownItems().nth(index).click();
	await dropdownItems().first().waitFor({ state: 'hidden' });
}

async function choose(parameter: string, name: string) {
	await input(parameter).first().click();
	await pick((entry) => entry.name === name, `"${name}" under ${parameter}`);
	await until(async () => (await inputValue(parameter)) === name, `${parameter} shows "${name}"`);
}

/** Picks a model by the id the list shows under each name. */
async function chooseModel(id: string) {
	await input('model').first().click();
	const entries = await readDropdown();
	const name = entries.find((entry) => entry.detail === id)?.name;
	await pick((entry) => entry.detail === id, `with the id ${id}`);
	await until(async () => (await inputValue('model')) === name, `Model shows "${name}"`);
}

/** Waits until the editor shows what a step expects (it re-renders the panel after a choice). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`the editor never showed: ${what}`);
		await page.waitForTimeout(100);
	}
}

async function inputValue(parameter: string): Promise<string> {
	return await input(parameter).locator('input').first().inputValue();
}

async function addOptionNames(): Promise<string[]> {
	await page.locator('[data-test-id="collection-parameter-add"]').click();
	const names = (await readDropdown()).map((entry) => entry.name).filter(Boolean);
	await closeDropdown();
	return names;
}

async function addOption(label: string) {
	await page.locator('[data-test-id="collection-parameter-add"]').click();
	await pick((entry) => entry.name === label, `"${label}" under Add Option`);
	await until(async () => (await panelText()).split('\n').includes(label), `the option "${label}" added`);
}

const panelText = async () => await parameters().innerText();
const panelLine = async (pattern: RegExp) => (await panelText()).split('\n').find((line) => pattern.test(line));

/** The model-dependent options of Add Option: shown or not, each as the contract says. */
function expectOptions(offered: string[], model: ContractModel, operation: ImageOperation) {
	const decided = Object.entries(OPTION_LABELS)
		.map(([field, label]) => ({ label: label!, shown: offersOption(model, operation, field as ModelField) }))
		.filter((expected) => expected.shown !== undefined);
	expect(decided.map(({ label }) => ({ label, shown: offered.includes(label) }))).toEqual(decided);
}

/**
 * After a model switch that kept a Size preset the new model lacks: the Size is reset to one of
 * the model's presets, or a notice names the presets to choose from. Never kept silently.
 */
async function expectSizeResetOrNamed(model: ContractModel, kept: string) {
	const size = await inputValue('size');
	if (size === kept) {
		const notice = await panelLine(/no such size preset/i);
		expect({ kept, notice }).toEqual({ kept, notice: expect.stringContaining(model.presets.join(', ')) });
	} else {
		expect(model.presets).toContain(size);
	}
}

/**
 * One model in Generate or Edit, as a person checks it: the Size presets, the pixel range under
 * Width x Height, the legacy notice and the model-dependent options under Add Option.
 */
async function checkModel(operation: 'generate' | 'edit', entry: { model: ContractModel; id: string }) {
	const { model, id } = entry;
	await chooseModel(id);
	if (model.presets.length) {
		expect((await openDropdown('size')).map((item) => item.name)).toEqual([...model.presets, CUSTOM_SIZE]);
		// Width x Height and its range hint appear with the custom size; later models keep it.
		if ((await inputValue('size')) === CUSTOM_SIZE) await closeDropdown();
		else await pick((item) => item.name === CUSTOM_SIZE, CUSTOM_SIZE);
	} else {
		// §1.5: the v3 models take no preset, only an explicit WIDTHxHEIGHT size.
		expect(await input('size').count()).toBe(0);
	}
	await input('customSize').first().waitFor();
	const text = await panelText();
	if (model.pixels) {
		expect(text).toContain(`${pixels(model.pixels.min)} to ${pixels(model.pixels.max)} pixels`);
	}
	// Else the contract documents no pixel range (§1.5, v3 models): only the WIDTHxHEIGHT field is checked.
	expect(text).toContain(`1:${model.maxAspectRatio}`);
	expect({ retiredNotice: text.includes(RETIRED_ON) }).toEqual({ retiredNotice: model.retired });
	expectOptions(await addOptionNames(), model, operation);
}

describe('the Seedream node in the n8n 2.41.1 editor (Chromium), checked against the API contract', () => {
	describe('Generate', () => {
		it('lists the models the contract has for text to image (current first, older ids after their model, retired last, marked), then Custom Model ID; the default mode first', async () => {
			await openNode('Generate');
			const entries = await openDropdown('model');
			await shot('model-list');
			await closeDropdown();
			const expected = expectedModelList('generate');
			expect(entries.map((entry) => entry.detail)).toEqual([...expected.map((item) => item.id), expect.any(String)]);
			expect(entries[entries.length - 1].name).toBe(CUSTOM_MODEL);
			expected.forEach(({ model, older }, index) => {
				const name = entries[index].name;
				expect({ name, named: name.toLowerCase().includes(model.name.toLowerCase()) }).toEqual({ name, named: true });
				expect({ name, legacy: /legacy/i.test(name), older: /older id/i.test(name) }).toEqual({ name, legacy: model.retired, older });
			});
			const modes = (await openDropdown('mode')).map((entry) => entry.name);
			await closeDropdown();
			expect(modes[0]).toBe('Wait for Result (One Call)');
			expect(modes.slice(-2).every((mode) => mode.startsWith('Callback'))).toBe(true);
		});

		it('switching from Seedream 4.0 at 4K to Seedream 5.0 Pro: the 4K it lacks is reset or named, never kept silently', async () => {
			await openNode('Generate');
			expect(await inputValue('size')).toBe('4K');
			const pro = CONTRACT_MODELS.find((model) => model.id === 'doubao-seedream-5-0-pro-260628')!;
			expect(pro.presets).not.toContain('4K');
			await chooseModel(pro.id);
			await expectSizeResetOrNamed(pro, '4K');
			await shot('switch-4.0-4K-to-pro');
		});

		it.each(expectedModelList('generate').map((entry) => [entry.id, entry] as const))(
			'%s: the Size presets, the pixel range, the retired notice and the Add Option list are the contract\'s',
			async (id, entry) => {
				await openNode('Generate');
				await step(`generate ${id}`, () => checkModel('generate', entry));
				await shot(`model-${id}`);
			},
		);

		it('switching from Seedream 5.0 Lite at 3K to Seedream 4.5: the 3K it lacks is reset or named', async () => {
			await openNode('Generate');
			const [lite, fourFive] = ['doubao-seedream-5-0-lite-260128', 'doubao-seedream-4-5-251128'].map((id) => CONTRACT_MODELS.find((model) => model.id === id)!);
			expect(lite.presets).toContain('3K');
			expect(fourFive.presets).not.toContain('3K');
			await chooseModel(lite.id);
			await choose('size', '3K');
			await chooseModel(fourFive.id);
			await expectSizeResetOrNamed(fourFive, '3K');
			await shot('switch-lite-3K-to-4.5');
		});

		it('Execute step against the mock shows the image in the output binary view', async () => {
			await openNode('Generate');
			await chooseModel('doubao-seedream-4-0-250828');
			await choose('size', '1K');
			const creates = mock.stats.creates;
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			const output = page.locator('[data-test-id="output-panel"]');
			await output.getByText(/1 item/).first().waitFor({ timeout: 120_000 });
			expect(mock.stats.creates - creates).toBe(1);
			await output.getByText('Binary', { exact: true }).last().click();
			await output.getByText(/image\/jpeg/).first().waitFor();
			await shot('execute-step-binary');
		});

		// Two pictures per model: an open Size list covers the Options right below it.
		it.each(['doubao-seedream-5-0-lite-260128', 'doubao-seedream-5-0-pro-260628'])(
			'README pictures of %s: its Size list open on a preset, then its options added',
			async (id) => {
				await openNode('Generate');
				const model = CONTRACT_MODELS.find((item) => item.id === id)!;
				await chooseModel(id);
				await choose('size', model.presets.includes('2K') ? '2K' : model.presets[0]);
				expect((await openDropdown('size')).map((entry) => entry.name)).toEqual([...model.presets, CUSTOM_SIZE]);
				await shot(`model-${id}`);
				await closeDropdown();
				for (const [field, label] of Object.entries(OPTION_LABELS)) {
					if (!offersOption(model, 'generate', field as ModelField)) continue;
					if (!(await panelText()).split('\n').includes(label!)) await addOption(label!);
				}
				await shot(`options-${id}`);
			},
		);
	});

	describe('Edit, with SeedEdit, and Decompose Layers', () => {
		it('Edit lists the models that take reference images, and asks for binary and URL references', async () => {
			await openNode('Edit');
			const entries = await openDropdown('model');
			await closeDropdown();
			const expected = expectedModelList('edit');
			expect(entries.map((entry) => entry.detail)).toEqual([...expected.map((item) => item.id), expect.any(String)]);
			expect(entries[entries.length - 1].name).toBe(CUSTOM_MODEL);
			const text = await panelText();
			expect(text).toContain('Reference Binary Properties');
			expect(text).toContain('Reference Image URLs');
		});

		it.each(expectedModelList('edit').map((entry) => [entry.id, entry] as const))(
			'Edit with %s: the Size presets, the pixel range, the retired notice and the Add Option list (Background for single-image editing) are the contract\'s',
			async (id, entry) => {
				await openNode('Edit');
				await step(`edit ${id}`, () => checkModel('edit', entry));
				await shot(`edit-${id}`);
			},
		);

		it('Execute step of Edit sends the HTTP Request\'s binary image as the reference and outputs the edited image', async () => {
			await openNode('Edit');
			await chooseModel('doubao-seedream-5-0-pro-260628');
			await choose('size', '2K');
			const seen = mock.requests.length;
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			const output = page.locator('[data-test-id="output-panel"]');
			await output.getByText(/1 item/).first().waitFor({ timeout: 120_000 });
			const creates = mock.requests.slice(seen).filter((request) => request.path === '/seedream/images');
			expect(creates).toHaveLength(1);
			// §1.2: no multipart upload; a binary reference travels as a data URI in `image`.
			const image = (creates[0].body as { image?: string | string[] }).image;
			expect([image].flat()).toEqual([expect.stringMatching(/^data:image\/(jpeg|png);base64,/)]);
			await output.getByText('Binary', { exact: true }).last().click();
			await output.getByText(/image\/(jpeg|png)/).first().waitFor();
			await shot('edit-binary-reference');
		});

		it('switching Edit with Seedream 4.0 to Decompose Layers names the models that can decompose', async () => {
			await openNode('Edit');
			await chooseModel('doubao-seedream-4-0-250828');
			await choose('operation', 'Decompose Layers');
			const decomposers = CONTRACT_MODELS.filter(OPERATION_MODELS.decomposeLayers);
			const model = await inputValue('model');
			if (decomposers.some((item) => model.includes(item.name))) return;
			const notice = await panelLine(/does not work with the selected model/i);
			for (const decomposer of decomposers) expect({ notice }).toEqual({ notice: expect.stringContaining(decomposer.name) });
			await shot('switch-operation-decompose');
		});

		it('Decompose Layers: only the models that decompose, the sizes decomposition takes, no option it excludes', async () => {
			await openNode('Edit');
			expect(await inputValue('operation')).toBe('Decompose Layers');
			const entries = await openDropdown('model');
			await closeDropdown();
			const expected = expectedModelList('decomposeLayers');
			expect(entries.map((entry) => entry.detail)).toEqual([...expected.map((item) => item.id), expect.any(String)]);
			for (const { model, id } of expected) {
				await chooseModel(id);
				// The user reads "auto" as matching the input image.
				const sizes = (await openDropdown('size')).map((entry) => entry.name);
				await closeDropdown();
				expect(sizes).toEqual(model.decompositionSizes.map((size) => (size === 'auto' ? expect.stringMatching(/^Auto/) : size)));
				expectOptions(await addOptionNames(), model, 'decomposeLayers');
				expect(await panelText()).toContain('Input Image Source');
				await shot(`decompose-${id}`);
			}
		});
	});

	describe('Task and the Seedream Trigger', () => {
		it('Task: Get asks for one task id, Get Many for several (50 per request), Wait for Completion for ids and how long to poll', async () => {
			await openNode('Wait for Completion');
			const operations = await openDropdown('operation');
			await closeDropdown();
			// n8n appends its own "Custom API Call" to the operations of a node with a credential.
			expect(operations.map((entry) => entry.name).filter((name) => name !== 'Custom API Call')).toEqual(['Get', 'Get Many', 'Wait for Completion']);
			// §2.4: the node sends at most this many ids per retrieve_batch.
			expect(operations[1].detail).toContain(String(CONTRACT_LIMITS.maxTaskIdsPerBatch));
			expect(await panelText()).toMatch(/^Task ID\b/m);
			await shot('task-get');
			await choose('operation', 'Get Many');
			expect(await panelText()).toMatch(/^Task IDs\b/m);
			await choose('operation', 'Wait for Completion');
			expect(await panelText()).toMatch(/^Task IDs\b/m);
			const offered = await addOptionNames();
			for (const label of ['Max Wait (Minutes)', 'Max Poll Interval (Seconds)', 'On Timeout', 'Image Output']) expect(offered).toContain(label);
			// A lookup creates nothing: no create-request option is offered.
			for (const label of [...Object.values(OPTION_LABELS), 'Response Format', 'Watermark']) expect(offered).not.toContain(label);
		});

		it('README picture of Task → Wait for Completion, the deadline recovery', async () => {
			await openNode('Wait for Completion');
			// Where the node offers a Task IDs source, the recovery takes the ids of this execution's paused node.
			for (const parameter of await parameters().locator('[data-test-id^="parameter-input-"]:visible').evaluateAll((elements) =>
				elements.map((element) => element.getAttribute('data-test-id')!.replace('parameter-input-', '')),
			)) {
				if (['resource', 'operation'].includes(parameter) || !(await input(parameter).first().locator('.el-select').count())) continue;
				const names = (await openDropdown(parameter)).map((entry) => entry.name);
				const paused = names.find((name) => /paused/i.test(name));
				if (paused) await pick((entry) => entry.name === paused, paused);
				else await closeDropdown();
			}
			for (const label of ['Max Wait (Minutes)', 'On Timeout']) await addOption(label);
			await shot('task-wait-for-completion');
		});

		it('the Seedream Trigger asks for a secret and offers the repeat window (§2.3: a callback may come twice)', async () => {
			await openNode('Seedream Trigger');
			const text = await panelText();
			expect(text).toMatch(/^Secret\b/m);
			expect(text).toContain('?secret=');
			// The URL the notice points at: n8n's webhook URL of this node, ending in the trigger's path.
			await page.getByText('Webhook URLs', { exact: true }).click();
			await until(async () => (await panelText()).includes(`/${TRIGGER_WEBHOOK_ID}/seedream`), 'the trigger\'s webhook URL');
			const offered = await addOptionNames();
			expect(offered).toEqual(expect.arrayContaining(['Ignore Repeats Within (Minutes)', 'Image Output']));
			await shot('trigger-panel');
		});
	});

	describe('Model as an expression', () => {
		it.each([
			['Model from an Expression', '{{ "doubao-seedream-4.5" }}'],
			['Model from the Input Item', '{{ $json.model }}'],
		] as const)('%s (%s): no issue, Size stays, the node can run', async (nodeName, expression) => {
			await openNode(nodeName);
			expect(await input('model').first().innerText()).toContain(expression.replace(/^\{\{ | \}\}$/g, ''));
			expect(await panelText()).not.toMatch(/is not supported|is required/);
			await expect(input('size').first().isVisible()).resolves.toBe(true);
			await shot(`expression-${nodeName.replace(/ /g, '-')}`);
			await closeNode();
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
			expect(await node.locator('[data-test-id="node-issues"], [class*="issues"]').count()).toBe(0);
		});
	});

	describe('the credential dialog', () => {
		// Each case in a tab of its own (same session): a dialog opened again shows the last
		// test's verdict while it tests anew, which a reused tab could read as this case's.
		it.each([
			['a good token', 'test-token', (): string => mock.url, /Connection tested successfully|Connection successful/],
			['a wrong token', 'wrong-token', (): string => mock.url, /The API Token was refused \(401\)/],
			['an unreachable base URL', 'test-token', (): string => 'http://127.0.0.1:9', /ECONNREFUSED/],
		] as const)('its test with %s says what to fix', async (name, token, baseUrl, expected) => {
			await closeNode();
			const tab = await page.context().newPage();
			tab.setDefaultTimeout(60_000);
			tab.setDefaultNavigationTimeout(120_000);
			// The verdict to read is the test n8n runs after this save, not the one it runs on opening.
			const calls: string[] = [];
			tab.on('response', (response) => {
				const path = new URL(response.url()).pathname;
				if (path === '/rest/credentials/test') calls.push('test');
				else if (response.request().method() === 'PATCH' && path.startsWith('/rest/credentials/')) calls.push('save');
			});
			try {
				await tab.goto(page.url());
				const node = tab.locator('[data-test-id="canvas-node"][data-node-name="Generate"]');
				const credentialEdit = tab.locator('[data-test-id="credential-edit-button"]').first();
				for (let attempt = 0; attempt < 10 && !(await credentialEdit.isVisible()); attempt++) {
					await node.dblclick({ force: true });
					await credentialEdit.waitFor({ timeout: 2_000 }).catch(() => undefined);
				}
				await credentialEdit.click();
				const dialog = tab.locator('[data-test-id="editCredential-modal"]');
				await dialog.waitFor();
				for (const [field, value] of [['apiToken', token], ['baseUrl', baseUrl()]]) {
					await dialog.locator(`[data-test-id="parameter-input-${field}"] input`).first().fill(value);
				}
				await dialog.locator('[data-test-id="credential-save-button"]').click();
				const deadline = Date.now() + 60_000;
				while (!calls.slice(calls.indexOf('save') + 1).includes('test') || !calls.includes('save')) {
					if (Date.now() > deadline) throw new Error(`no credential test after the save: ${calls.join(', ')}`);
					await tab.waitForTimeout(100);
				}
				await dialog.getByText(/Connection tested successfully|Couldn.t connect with these settings/).first().waitFor({ timeout: 60_000 });
				if (name !== 'a good token') {
					await dialog.getByText('More details').click();
					await dialog.getByText('More details').waitFor({ state: 'hidden' });
				}
				await tab.waitForTimeout(300);
				const picture = `credential-${name.replace(/ /g, '-')}`;
				await tab.screenshot({ path: join(README_PICTURES.has(picture) ? SHOTS : OTHER_SHOTS, `${picture}.png`) });
				// The hint under Base URL names the error codes too: read the test result apart from it.
				const text = await dialog.innerText();
				expect(text).toContain('n8n cannot reach this address');
				expect(text.replace(/If the test answers ECONNREFUSED[^\n]*/, '')).toMatch(expected);
			} finally {
				await tab.close();
			}
		});
	});
});

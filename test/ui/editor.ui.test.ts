/**
 * The n8n editor in a real browser (issue 12): `n8n start` (2.41.1) with this package installed
 * from its tarball, Debian's Chromium driven by playwright-core, the bundled mock API. Each
 * scenario checks what a person sees in the node panel against the capability table and saves a
 * screenshot (SEEDREAM_UI_SHOTS, default a temp folder; `npm run docs:images` writes the README's).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startMockServer, type MockServer } from '../../mock/server';
import { MODELS, OPTION_FEATURES, supports, type ModelCapabilities } from '../../nodes/Seedream/capabilities';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../scripts/n8n/runtime.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHROMIUM_ARGS, ensureChromium } = require('../../scripts/ui/chromium.cjs');

const SHOTS = process.env.SEEDREAM_UI_SHOTS ?? mkdtempSync(join(tmpdir(), 'seedream-ui-shots-'));
mkdirSync(SHOTS, { recursive: true });

/** The editor's labels of the model-dependent options (the node description's display names). */
const OPTION_LABELS: Record<string, string> = {
	outputFormat: 'Output Format',
	webSearch: 'Web Search',
	optimizePromptMode: 'Prompt Optimization',
	seed: 'Seed',
	guidanceScale: 'Guidance Scale',
	maxImages: 'Max Images (Image Set)',
	stream: 'Stream Images',
	background: 'Background',
};

const label = (model: ModelCapabilities) =>
	model.legacy ? `Legacy: ${model.displayName.replace(/ \(Legacy\)$/, '')}` : model.displayName;

function seedreamWorkflow(name: string, parameters: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{ parameters: {}, id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { resource: 'image', operation: 'generate', mode: 'sync', prompt: 'A lighthouse at dusk', ...parameters },
				id: 'seedream',
				name: 'Seedream',
				type: runtime.NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				credentials: { seedreamApi: { id: 'seedreamUiCred', name: 'Seedream API' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Seedream', type: 'main', index: 0 }]] } },
		settings: {},
	};
}

// One workflow per scenario: n8n opens a workflow read-only while another session still holds it.
const fourZeroAt4K = { model: 'doubao-seedream-4-0-250828', size: '4K' };
const WORKFLOWS: Record<string, ReturnType<typeof seedreamWorkflow>> = {
	list: seedreamWorkflow('UI: model list', fourZeroAt4K),
	...Object.fromEntries(MODELS.map((model) => [`model-${model.id}`, seedreamWorkflow(`UI: ${model.displayName}`, fourZeroAt4K)])),
	switchToPro: seedreamWorkflow('UI: Seedream 4.0 at 4K', fourZeroAt4K),
	switchToFourFive: seedreamWorkflow('UI: Seedream 5.0 Lite at 3K', { model: 'doubao-seedream-5-0-lite-260128', size: '3K' }),
	decompose: seedreamWorkflow('UI: operation switch', fourZeroAt4K),
	aliasExpression: seedreamWorkflow('UI: model from an expression', { model: '={{ "doubao-seedream-4.5" }}', size: '2K' }),
	rowExpression: seedreamWorkflow('UI: model from the input item', { model: '={{ $json.model }}', size: '={{ $json.size }}' }),
	execute: seedreamWorkflow('UI: execute step', { model: 'doubao-seedream-4-0-250828', size: '1K' }),
	'credential-a good token': seedreamWorkflow('UI: credential good', fourZeroAt4K),
	'credential-a wrong token': seedreamWorkflow('UI: credential wrong', fourZeroAt4K),
	'credential-an unreachable base URL': seedreamWorkflow('UI: credential unreachable', fourZeroAt4K),
};

let mock: MockServer;
let server: { url: string; stop(): Promise<void> };
let ids: Record<string, string>;
let browser: Browser;
let cookie: string;

beforeAll(async () => {
	const { executablePath } = ensureChromium((text: string) => process.stdout.write(`${text}\n`));
	mock = await startMockServer({});
	const started = await runtime.startServerWithWorkflows({
		workflows: Object.values(WORKFLOWS),
		credentials: [{ id: 'seedreamUiCred', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: 'test-token', baseUrl: mock.url } }],
		line: 2,
		log: (text: string) => process.stdout.write(`${text}\n`),
	});
	server = started.server;
	const stored = started.workflows as Array<{ id: string; name: string }>;
	ids = Object.fromEntries(
		Object.entries(WORKFLOWS).map(([key, workflow]) => [key, stored.find((entry) => entry.name === workflow.name)!.id]),
	) as typeof ids;
	cookie = await runtime.ownerSession(server);
	browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await mock?.close();
});

async function openPage(): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	const [name, ...value] = cookie.split('=');
	await context.addCookies([{ name, value: value.join('='), url: server.url }]);
	const page = await context.newPage();
	page.setDefaultTimeout(60_000);
	return page;
}

/** Opens a stored workflow and the Seedream node's panel, as a person double-clicking it. */
async function openSeedream(workflow: string): Promise<Page> {
	const page = await openPage();
	await page.goto(`${server.url}/workflow/${ids[workflow]}`);
	const node = page.locator('[data-test-id="canvas-node"][data-node-name="Seedream"]');
	await node.waitFor();
	for (let attempt = 0; attempt < 10 && !(await page.locator('[data-test-id="parameter-input-model"]').isVisible()); attempt++) {
		await node.dblclick({ force: true });
		await page.waitForTimeout(1000);
	}
	await page.locator('[data-test-id="parameter-input-model"]').waitFor();
	return page;
}

async function shot(page: Page, name: string) {
	await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The names in an open dropdown, without their descriptions. */
async function dropdownNames(page: Page): Promise<string[]> {
	const items = page.locator('.el-select-dropdown__item:visible');
	await items.first().waitFor();
	return await items.evaluateAll((elements) =>
		// The name is the first line; an option's description is rendered below it.
		elements.map((element) => ((element as unknown as { innerText?: string }).innerText ?? '').split('\n')[0].trim()),
	);
}

/** Closes an open dropdown and waits until its items are gone, so the next list read is the right one. */
async function closeDropdown(page: Page) {
	await page.keyboard.press('Escape');
	await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
}

async function openDropdown(page: Page, parameter: string): Promise<string[]> {
	await page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
	return await dropdownNames(page);
}

async function choose(page: Page, parameter: string, name: string) {
	await page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
	const item = page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${name.replace(/[.()]/g, '\\$&')}`) }).first();
	try {
		await item.click({ timeout: 15_000 });
	} catch (error) {
		await shot(page, `failed-choose-${parameter}`);
		throw error;
	}
	await page.waitForTimeout(400);
}

async function inputValue(page: Page, parameter: string): Promise<string> {
	return await page.locator(`[data-test-id="parameter-input-${parameter}"] input`).first().inputValue();
}

async function addOptionNames(page: Page): Promise<string[]> {
	await page.locator('[data-test-id="collection-parameter-add"]').click();
	const names = (await dropdownNames(page)).filter(Boolean);
	await closeDropdown(page);
	return names;
}

const panelText = async (page: Page) => await page.locator('[data-test-id="node-parameters"]').innerText();

describe('the Seedream node in the n8n 2.41.1 editor (Chromium)', () => {
	it('lists current models first, legacy and custom last, and the default mode first', async () => {
		const page = await openSeedream('list');
		const models = await openDropdown(page, 'model');
		const generateModels = MODELS.filter((model) => !model.requiresReferenceImage);
		const expected = [
			...generateModels.filter((model) => !model.legacy).flatMap((model) => [label(model), ...model.alternateIds.map(() => `${label(model)} (Older ID)`)]),
			...generateModels.filter((model) => model.legacy).map(label),
			'Custom Model ID',
		];
		expect(models).toEqual(expected);
		await shot(page, 'model-list');
		await closeDropdown(page);
		const modes = await openDropdown(page, 'mode');
		expect(modes[0]).toBe('Wait for Result (One Call)');
		expect(modes.slice(-2).every((mode) => mode.startsWith('Callback'))).toBe(true);
		await page.context().close();
	});

	it.each(MODELS.filter((model) => !model.requiresReferenceImage).map((model) => [model.displayName, model] as const))(
		'%s: the Size presets, the custom size hint, the options under Add Option and the legacy notice follow the table',
		async (_name, model) => {
			const page = await openSeedream(`model-${model.id}`);
			await choose(page, 'model', label(model));
			if (model.sizePresets.length) {
				expect(await openDropdown(page, 'size')).toEqual([...model.sizePresets, 'Custom Width and Height']);
				await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Custom Width and Height' }).click();
				await page.waitForTimeout(300);
			}
			const text = await panelText(page);
			expect(text).toContain(`${model.displayName}: ${model.pixelRange.min.toLocaleString('en-US')} to ${model.pixelRange.max.toLocaleString('en-US')} pixels`);
			expect(text.includes('Legacy model:')).toBe(model.legacy);
			const offered = await addOptionNames(page);
			for (const [option, feature] of Object.entries(OPTION_FEATURES)) {
				if (option === 'background') continue; // Edit only
				const shown = offered.includes(OPTION_LABELS[option]);
				expect({ option, shown }).toEqual({ option, shown: supports(model, feature) });
			}
			await shot(page, `model-${model.id}`);
			await page.context().close();
		},
	);

	it('switching models: a Size the new model lacks is reset or named, never kept silently', async () => {
		const page = await openSeedream('switchToPro');
		await choose(page, 'model', 'Seedream 5.0 Pro');
		const size = await inputValue(page, 'size');
		if (size === '4K') expect(await panelText(page)).toContain('Seedream 5.0 Pro has no such size preset: choose 1K, 1.5K, 2K');
		else expect(['1K', '1.5K', '2K']).toContain(size);
		await shot(page, 'switch-4.0-4K-to-pro');
		await page.context().close();

		const lite = await openSeedream('switchToFourFive');
		await choose(lite, 'model', 'Seedream 4.5');
		const liteSize = await inputValue(lite, 'size');
		if (liteSize === '3K') expect(await panelText(lite)).toContain('Seedream 4.5 has no such size preset: choose 2K, 4K');
		else expect(['2K', '4K']).toContain(liteSize);
		await shot(lite, 'switch-lite-3K-to-4.5');
		await lite.context().close();
	});

	it('switching operation to Decompose Layers with a model it does not offer says which to pick', async () => {
		const page = await openSeedream('decompose');
		await choose(page, 'operation', 'Decompose Layers');
		const model = await inputValue(page, 'model');
		if (model === 'Seedream 4.0') {
			expect(await panelText(page)).toContain('This operation does not work with the selected model. Pick one of: Seedream 5.0 Pro');
		} else {
			expect(model).toBe('Seedream 5.0 Pro');
		}
		await shot(page, 'switch-operation-decompose');
		await page.context().close();
	});

	it.each([
		['aliasExpression', '{{ "doubao-seedream-4.5" }}'],
		['rowExpression', '{{ $json.model }}'],
	] as const)('Model as an expression (%s, %s): no issue, Size stays, the node can run', async (workflow, expression) => {
		expect((WORKFLOWS[workflow].nodes[1].parameters as { model?: string }).model).toBe(`=${expression}`);
		const page = await openSeedream(workflow);
		const text = await panelText(page);
		expect(text).not.toMatch(/is not supported|is required/);
		await expect(page.locator('[data-test-id="parameter-input-size"]').first().isVisible()).resolves.toBe(true);
		await shot(page, `expression-${workflow}`);
		await page.locator('[data-test-id="ndv-close-button"]').click();
		await page.waitForTimeout(500);
		const node = page.locator('[data-test-id="canvas-node"][data-node-name="Seedream"]');
		expect(await node.locator('[data-test-id="node-issues"], [class*="issues"]').count()).toBe(0);
		await page.context().close();
	});

	it('Execute step against the mock shows the image in the output binary view', async () => {
		const page = await openSeedream('execute');
		mock.reset();
		await page.locator('[data-test-id="node-execute-button"]').first().click();
		await page.getByText(/1 item/).first().waitFor({ timeout: 120_000 });
		expect(mock.stats.creates).toBe(1);
		await page.locator('[data-test-id="ndv-run-data-display-mode"]').first().waitFor();
		const binaryTab = page.getByText('Binary', { exact: true }).last();
		await binaryTab.click();
		await page.getByText(/image\/jpeg/).first().waitFor();
		await shot(page, 'execute-step-binary');
		await page.context().close();
	});

	it.each([
		['a good token', 'test-token', (): string => mock.url, /Connection tested successfully|Connection successful/],
		['a wrong token', 'wrong-token', (): string => mock.url, /The API Token was refused \(401\)/],
		['an unreachable base URL', 'test-token', (): string => 'http://127.0.0.1:9', /ECONNREFUSED/],
	] as const)('the credential dialog test with %s says what to fix', async (name, token, baseUrl, expected) => {
		const page = await openSeedream(`credential-${name}`);
		await page.locator('[data-test-id="credential-edit-button"], [data-test-id="node-credentials-select"] ~ * [title="Edit"]').first().click();
		const dialog = page.locator('[data-test-id="editCredential-modal"]');
		await dialog.waitFor();
		const fill = async (field: string, value: string): Promise<void> => {
			const input = dialog.locator(`[data-test-id="parameter-input-${field}"] input`).first();
			await input.fill(value);
		};
		await fill('apiToken', token);
		await fill('baseUrl', baseUrl());
		await dialog.locator('[data-test-id="credential-save-button"]').click();
		await dialog.getByText(/Connection tested successfully|Couldn.t connect with these settings/).first().waitFor({ timeout: 60_000 });
		if (name !== 'a good token') {
			await dialog.getByText('More details').click();
			await dialog.getByText('More details').waitFor({ state: 'hidden' });
		}
		await page.waitForTimeout(300);
		await shot(page, `credential-${name.replace(/ /g, '-')}`);
		// The hint under Base URL names the error codes too: read the test result apart from it.
		const hint = 'n8n cannot reach this address';
		const text = await dialog.innerText();
		expect(text).toContain(hint);
		expect(text.replace(/If the test answers ECONNREFUSED[^\n]*/, '')).toMatch(expected);
		await page.context().close();
	});
});


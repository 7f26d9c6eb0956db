import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { SeedreamApi } from '../../credentials/SeedreamApi.credentials';
import { startMockServer, type MockOptions, type MockServer } from '../../mock/server';
import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { cleanupBinaryStorage, runNode, type RunNodeResult } from './n8n';

export const TEST_TOKEN = 'test-token';

/** The smallest valid PNG header a reference-image check accepts. */
export const TINY_PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
	'hex',
);

/** A valid one-call Generate request that input-validation cases change one field of. */
export const generateParameters = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	mode: 'sync',
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A red fox',
	size: '2K',
	...extra,
});

/** A small Generate job in the given mode, as the fault and security suites run it (fast polling). */
export const lighthouseJob = (mode: string, options: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	mode,
	model: 'doubao-seedream-4-0-250828',
	prompt: 'A lighthouse at dusk',
	size: '1K',
	options: mode === 'pollUntilDone' ? { maxPollIntervalSeconds: 0.1, ...options } : options,
});

export interface SeedreamRunOptions {
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	token?: string;
	baseUrl?: string;
	abortSignal?: AbortSignal;
	hiddenParameters?: INodeParameters;
}

/** Starts a mock API for a test file and runs the Seedream node against it. */
export function useMockApi(options: MockOptions = {}) {
	const state: { mock?: MockServer } = {};
	beforeAll(async () => {
		state.mock = await startMockServer(options);
	});
	afterEach(() => {
		state.mock?.reset();
		state.mock?.setOptions({ ...options });
	});
	afterAll(async () => {
		await state.mock?.close();
		cleanupBinaryStorage();
	});
	return {
		get mock(): MockServer {
			if (!state.mock) throw new Error('mock not started');
			return state.mock;
		},
		async run(parameters: INodeParameters, run: SeedreamRunOptions = {}): Promise<RunNodeResult> {
			return await runNode({
				nodeType: new Seedream(),
				credentialTypes: [new SeedreamApi()],
				credentials: { seedreamApi: { apiToken: run.token ?? TEST_TOKEN, baseUrl: run.baseUrl ?? state.mock!.url } },
				parameters,
				inputItems: run.inputItems,
				continueOnFail: run.continueOnFail,
				abortSignal: run.abortSignal,
				hiddenParameters: run.hiddenParameters,
			});
		},
	};
}

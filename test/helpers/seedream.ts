import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { SeedreamApi } from '../../credentials/SeedreamApi.credentials';
import { startMockServer, type MockOptions, type MockServer } from '../../mock/server';
import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { cleanupBinaryStorage, runNode, type RunNodeResult } from './n8n';

export const TEST_TOKEN = 'test-token';

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

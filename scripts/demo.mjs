// `npm run demo`: a real n8n, with default settings, runs examples/generate-and-save.json exactly as
// shipped, with this package installed. n8n's home folder for the demo is ./demo-output/, so the
// example writes where it writes on a user's machine: demo-output/.n8n-files/seedream/. Uses the
// bundled mock API unless SEEDREAM_API_KEY is set.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import runtime from './n8n/runtime.cjs';

const { nodeOutput, PACKAGE_DIR, runError, runWorkflow } = runtime;

/** n8n's home (and user) folder for the demo. */
const homeDir = resolve(PACKAGE_DIR, 'demo-output');
/** Where the example saves, as its setup note says: `.n8n-files/seedream/` in n8n's home folder. */
const outputDir = join(homeDir, '.n8n-files', 'seedream');
const apiKey = process.env.SEEDREAM_API_KEY;

function startMock() {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, [join(PACKAGE_DIR, '.build', 'mock', 'cli.js'), '--delay', '1500', '--jpeg-noise', '20'], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const lines = createInterface({ input: child.stdout });
		lines.on('line', (line) => {
			if (line.startsWith('MOCK_URL=')) resolvePromise({ url: line.slice('MOCK_URL='.length), stop: () => child.kill('SIGTERM') });
		});
		child.once('exit', (code) => reject(new Error(`mock API exited with ${code}`)));
	});
}

async function main() {
	const mock = apiKey ? undefined : await startMock();
	const baseUrl = apiKey ? process.env.SEEDREAM_BASE_URL || 'https://api.acedata.cloud' : mock.url;
	console.log(apiKey ? `Using the real Seedream API at ${baseUrl} (this spends credits).` : `Using the bundled mock API at ${baseUrl} (set SEEDREAM_API_KEY to use the real API).`);
	rmSync(homeDir, { recursive: true, force: true });
	// The example's setup note: n8n does not create its file folder.
	mkdirSync(outputDir, { recursive: true });

	const workflow = JSON.parse(readFileSync(join(PACKAGE_DIR, 'examples', 'generate-and-save.json'), 'utf8'));
	try {
		const { run, durationMs } = await runWorkflow({
			workflow,
			userFolder: homeDir,
			credentials: [{ id: 'seedreamDemoCred1', name: 'Seedream API', type: 'seedreamApi', data: { apiToken: apiKey || 'test-token', baseUrl } }],
			log: (line) => console.log(line),
		});
		const error = runError(run);
		if (error) throw new Error(`The workflow failed: ${error.message}\n${error.description ?? ''}`);
		const saved = nodeOutput(run, 'Seedream');
		console.log(`n8n ran the workflow in ${(durationMs / 1000).toFixed(1)} s. Images written by n8n (its home folder is ${homeDir}):`);
		for (const item of saved) {
			const file = join(outputDir, item.binary.data.fileName);
			console.log(`  ${file}  ${statSync(file).size} bytes  ${item.json.size}  (${item.binary.data.mimeType}, model ${item.json.model}, task ${item.json.task_id})`);
		}
	} finally {
		mock?.stop();
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});

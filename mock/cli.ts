// Standalone mock API: `node .build/mock/cli.js [--port N] [--delay ms] [--task-duration ms] [--token T]`.
import { startMockServer } from './server';

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main() {
	const token = flag('token');
	const server = await startMockServer({
		port: Number(flag('port') ?? 0),
		generationDelayMs: Number(flag('delay') ?? 0),
		taskDurationMs: Number(flag('task-duration') ?? 0),
		jpegNoise: Number(flag('jpeg-noise') ?? 0),
		...(token ? { validTokens: [token] } : {}),
	});
	console.log(`MOCK_URL=${server.url}`);
	const stop = () => server.close().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

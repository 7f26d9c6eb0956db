// Standalone mock API for demos and manual runs:
//   node .build/mock/cli.js [--port N] [--host H] [--delay ms] [--task-duration ms]
//                           [--token T] [--jpeg-noise n] [--max-concurrent-creates n]
//                           [--creates-per-second n] [--retry-after s] [--quiet]
// Prints exactly one stdout line, `MOCK_URL=http://127.0.0.1:<port>`, once listening (scripts wait
// for it); requests are logged to stderr.
import { startMockServer, type MockOptions } from './server';

type Setter = (options: MockOptions, value: string) => void;

function numeric(name: string, apply: (options: MockOptions, value: number) => void): Setter {
	return (options, value) => {
		const number = Number(value);
		if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
			throw new Error(`--${name} needs a non-negative number, got "${value}"`);
		}
		apply(options, number);
	};
}

const FLAGS: Record<string, Setter> = {
	port: numeric('port', (options, value) => (options.port = value)),
	host: (options, value) => (options.host = value),
	delay: numeric('delay', (options, value) => (options.generationDelayMs = value)),
	'task-duration': numeric('task-duration', (options, value) => (options.taskDurationMs = value)),
	'jpeg-noise': numeric('jpeg-noise', (options, value) => (options.jpegNoise = value)),
	token: (options, value) => (options.validTokens = [...(options.validTokens ?? []), value]),
	'max-concurrent-creates': numeric(
		'max-concurrent-creates',
		(options, value) => (options.rateLimit = { ...options.rateLimit, maxConcurrentCreates: value }),
	),
	'creates-per-second': numeric(
		'creates-per-second',
		(options, value) => (options.rateLimit = { ...options.rateLimit, createsPerSecond: value }),
	),
	'retry-after': numeric(
		'retry-after',
		(options, value) => (options.rateLimit = { ...options.rateLimit, retryAfterSeconds: value }),
	),
};

const USAGE = `usage: cli.js ${Object.keys(FLAGS)
	.map((name) => `[--${name} value]`)
	.join(' ')} [--quiet]`;

function parseArguments(argv: string[]): { options: MockOptions; quiet: boolean } {
	const options: MockOptions = {};
	let quiet = false;
	for (let index = 0; index < argv.length; index++) {
		const name = argv[index].replace(/^--/, '');
		if (argv[index] === '--quiet') {
			quiet = true;
			continue;
		}
		const setter = argv[index].startsWith('--') ? FLAGS[name] : undefined;
		const value = argv[index + 1];
		if (!setter || value === undefined)
			throw new Error(`unknown or incomplete argument "${argv[index]}"`);
		setter(options, value);
		index++;
	}
	return { options, quiet };
}

async function main(): Promise<void> {
	let parsed: ReturnType<typeof parseArguments>;
	try {
		parsed = parseArguments(process.argv.slice(2));
	} catch (error) {
		console.error(`${(error as Error).message}\n${USAGE}`);
		process.exit(2);
	}
	const { options, quiet } = parsed;
	if (!quiet) {
		options.onRequest = ({ method, path, status, ms }) =>
			console.error(`${method} ${path} ${status} ${ms}ms`);
	}
	const server = await startMockServer(options);
	console.log(`MOCK_URL=${server.url}`);
	const stop = () => {
		server.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

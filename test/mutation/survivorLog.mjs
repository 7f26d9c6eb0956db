// Mutation runs only: a Stryker reporter that appends each surviving or uncovered mutant to
// reports/mutation/survivors.jsonl as soon as it is known, so a long run can be acted on before it
// ends. The full list is printed at the end by the clear-text reporter either way.
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';

const FILE = 'reports/mutation/survivors.jsonl';

class SurvivorLog {
	constructor() {
		mkdirSync(dirname(FILE), { recursive: true });
		rmSync(FILE, { force: true });
	}

	onMutantTested(result) {
		if (result.status !== 'Survived' && result.status !== 'NoCoverage') return;
		const { fileName, location, mutatorName, replacement, status, id } = result;
		appendFileSync(
			FILE,
			`${JSON.stringify({ id, status, file: fileName, line: location.start.line, mutatorName, replacement })}\n`,
		);
	}
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'survivor-log', SurvivorLog)];

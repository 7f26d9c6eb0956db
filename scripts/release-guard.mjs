// prepublishOnly: this package is published only by .github/workflows/publish.yml, from GitHub
// Actions with an npm provenance statement (n8n verifies community nodes only with one, from
// 2026-05-01; see docs/releasing.md). Two locks, because the project's .npmrc sets
// ignore-scripts=true (dependency install scripts must not run) and npm then skips prepublishOnly:
// - package.json publishConfig.provenance=true: npm itself refuses any publish it cannot attest,
//   i.e. outside a CI provider with an OIDC token ("Automatic provenance generation not supported
//   for provider: null"; in GitHub Actions without id-token: write, "requires write access to the
//   id-token permission");
// - this script, whenever lifecycle scripts run (npm publish --ignore-scripts=false), refuses
//   anything but publish.yml, dry runs included, and says how to release.
// Publishing the packed tarball (`npm publish <file>.tgz`, as publish.yml does) runs no lifecycle
// script: the workflow's gates and publishConfig.provenance cover that path.
//
// Usage (npm runs it): node scripts/release-guard.mjs
const env = process.env;
const problems = [];
if (env.GITHUB_ACTIONS !== 'true') problems.push('this is not a GitHub Actions run');
if (!/\/\.github\/workflows\/publish\.yml@/.test(env.GITHUB_WORKFLOW_REF ?? ''))
	problems.push('the run is not .github/workflows/publish.yml');
// npm exports its settings to lifecycle scripts: --provenance and NPM_CONFIG_PROVENANCE both show here.
if (env.npm_config_provenance !== 'true') problems.push('provenance is off (npm publish --provenance)');

if (problems.length > 0) {
	process.stderr.write(
		[
			`Refusing to publish ${env.npm_package_name ?? 'this package'}: ${problems.join('; ')}.`,
			'Releases are published by GitHub Actions with npm provenance, which n8n needs to verify a community node.',
			'To release: set the version in package.json, add its CHANGELOG section, commit, then push the tag',
			'v<version> (git tag v1.2.3 && git push origin v1.2.3); .github/workflows/publish.yml runs lint, build,',
			'npm test and npm run verify, then publishes. See docs/releasing.md.',
			'',
		].join('\n'),
	);
	process.exit(1);
}

// Not shipped: linted by the tooling config, see ../eslint.tooling.config.mjs.
export { default } from '../eslint.tooling.config.mjs';

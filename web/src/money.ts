// The web app formats amounts with the server's one formatter (a module with no imports, so Vite bundles it as is).
export { formatYuan as yuan } from '../../src/platform/money.js';

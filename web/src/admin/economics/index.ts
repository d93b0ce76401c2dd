// One entry for the lazily loaded economics screens, so ECharts stays out of the shop's bundle.
export { EconomicsPage } from './EconomicsPage.js';
export { PoliciesPage } from './PoliciesPage.js';
export { CheckPage } from './CheckPage.js';
export { BreakevenPage } from './BreakevenPage.js';

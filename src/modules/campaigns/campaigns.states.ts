import { defineStateMachine } from '../../platform/states.js';
import type { CampaignStatus } from './campaigns.schema.js';

export type { CampaignStatus };

/** A campaign runs until its end date, its budget, or an operator ends it; an ended one stays ended. */
export const campaignMachine = defineStateMachine<CampaignStatus>('campaign', 'active', {
  active: ['ended'],
  ended: [],
});

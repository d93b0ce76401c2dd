import { defineStateMachine } from '../../platform/states.js';

export type CampaignStatus = 'active' | 'ended';

/** A campaign runs until its end date, its budget, or an operator ends it; an ended one stays ended. */
export const campaignMachine = defineStateMachine<CampaignStatus>('campaign', 'active', {
  active: ['ended'],
  ended: [],
});

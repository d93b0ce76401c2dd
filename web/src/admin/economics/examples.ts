import communityLeader from '../../../../examples/economics/community-leader.json?raw';
import twoLevel from '../../../../examples/economics/two-level-distribution.json?raw';
import threeLevel from '../../../../examples/economics/three-level-distribution.json?raw';
import lossLeader from '../../../../examples/economics/loss-leader-subsidy.json?raw';
import giftPack from '../../../../examples/economics/gift-pack-entry-fee.json?raw';

/** The documented example plans, so the checker starts from a real plan instead of an empty box. */
export const EXAMPLE_PLANS = [
  { key: 'community_leader', text: communityLeader },
  { key: 'two_level', text: twoLevel },
  { key: 'three_level', text: threeLevel },
  { key: 'loss_leader', text: lossLeader },
  { key: 'gift_pack', text: giftPack },
] as const;
